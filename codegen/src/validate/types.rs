//! Named types and fields: names, references, and constraints that fit the field's type.

use std::collections::{BTreeMap, BTreeSet};

use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::{Constraints, EnumDef, Field, FieldType, ObjectDef, TypeDef};
use crate::spec::{FieldSpec, StringFormat, TypeSpec};

const PRIMITIVES: [&str; 7] = ["string", "integer", "number", "boolean", "json", "array", "map"];

pub(super) fn check_types(check: &mut Checker<'_>, types: &BTreeMap<String, TypeSpec>, path: &YamlPath) -> BTreeMap<String, TypeDef> {
    let declared: BTreeSet<&str> = types.keys().map(String::as_str).collect();
    let mut checked = BTreeMap::new();
    for (name, spec) in types {
        let at = path.key(name.clone());
        if !names::is_type_name(name) {
            check.error(at.clone(), format!("`{name}` is not a valid type name"), "use a PascalCase identifier, e.g. LogEntry");
        }
        let def = match spec {
            TypeSpec::Enum(e) => TypeDef::Enum(check_enum(check, name, e, &at)),
            TypeSpec::Object(o) => {
                let mut fields = Vec::new();
                for (field_name, field) in &o.properties {
                    let field_at = at.key("properties").key(field_name.clone());
                    if !names::is_snake_case(field_name) {
                        check.error(field_at.clone(), format!("`{field_name}` is not a valid property name"), "use snake_case, e.g. started_at");
                    }
                    if field.allowed.is_some() {
                        check.error(
                            field_at.key("enum"),
                            "`enum` is only for parameters",
                            "declare an enum type under `types` and use it as this property's type",
                        );
                    }
                    fields.push(check_field(check, field_name, field, &field_at, &declared));
                }
                TypeDef::Object(ObjectDef { name: name.clone(), description: o.description.clone(), fields })
            }
        };
        checked.insert(name.clone(), def);
    }
    checked
}

fn check_enum(check: &mut Checker<'_>, name: &str, spec: &crate::spec::EnumTypeSpec, at: &YamlPath) -> EnumDef {
    if spec.values.is_empty() {
        check.error(at.key("enum"), format!("enum `{name}` has no values"), "list at least one value");
    }
    let mut seen = BTreeSet::new();
    for (i, value) in spec.values.iter().enumerate() {
        if !names::is_enum_value(value) {
            check.error(at.key("enum").index(i), format!("`{value}` is not a valid enum value"), "start with a letter; use letters, digits, `_` or `-`");
        }
        if !seen.insert(crate::naming::pascal_case(value)) {
            check.error(at.key("enum").index(i), format!("enum value `{value}` repeats an earlier value"), "remove the duplicate");
        }
    }
    EnumDef { name: name.to_owned(), description: spec.description.clone(), values: spec.values.clone() }
}

/// Checks a property or parameter and returns its model; `declared` are the type names it may refer to.
pub(super) fn check_field(check: &mut Checker<'_>, name: &str, spec: &FieldSpec, at: &YamlPath, declared: &BTreeSet<&str>) -> Field {
    let ty = resolve_type(check, &spec.ty, spec.items.as_deref(), spec.values.as_deref(), at, declared);
    let constraints = Constraints {
        format: spec.format,
        minimum: spec.minimum,
        maximum: spec.maximum,
        min_length: spec.min_length,
        max_length: spec.max_length,
        allowed: spec.allowed.clone(),
    };
    check_constraints(check, &ty, &constraints, at);
    if let Some(default) = &spec.default {
        if let Some(problem) = value_problem(&ty, &constraints, default) {
            check.error(at.key("default"), format!("default {default} {problem}"), "give a default of the field's type that meets its bounds");
        }
    }
    if let Some(example) = &spec.example {
        if let Some(problem) = value_problem(&ty, &constraints, example) {
            check.error(at.key("example"), format!("example {example} {problem}"), "give an example of the field's type that meets its bounds");
        }
    }
    Field {
        name: name.to_owned(),
        ty,
        required: spec.default.is_none() && spec.required.unwrap_or(true),
        default: spec.default.clone(),
        description: spec.description.clone(),
        example: spec.example.clone(),
        constraints,
    }
}

fn resolve_type(
    check: &mut Checker<'_>,
    name: &str,
    items: Option<&str>,
    values: Option<&str>,
    at: &YamlPath,
    declared: &BTreeSet<&str>,
) -> FieldType {
    let element = |check: &mut Checker<'_>, key: &str, inner: Option<&str>| match inner {
        Some(inner) if inner == "array" || inner == "map" => {
            check.error(at.key(key), format!("`{key}` cannot be `{inner}`"), "declare a named type for the nested collection");
            FieldType::Json
        }
        Some(inner) => resolve_type(check, inner, None, None, &at.key(key), declared),
        None => {
            check.error(at.clone(), format!("type `{name}` needs `{key}`"), format!("add `{key}: <type>` naming the element type"));
            FieldType::Json
        }
    };
    match name {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "number" => FieldType::Number,
        "boolean" => FieldType::Boolean,
        "json" => FieldType::Json,
        "array" => FieldType::Array(Box::new(element(check, "items", items))),
        "map" => FieldType::Map(Box::new(element(check, "values", values))),
        named if declared.contains(named) => FieldType::Named(named.to_owned()),
        unknown => {
            let type_at = if at.0.last() == Some(&crate::diagnostics::Segment::Key("items".into()))
                || at.0.last() == Some(&crate::diagnostics::Segment::Key("values".into()))
            {
                at.clone()
            } else {
                at.key("type")
            };
            check.error(
                type_at,
                format!("unknown type `{unknown}`"),
                suggest(unknown, PRIMITIVES.iter().copied().chain(declared.iter().copied())),
            );
            FieldType::Json
        }
    }
}

fn check_constraints(check: &mut Checker<'_>, ty: &FieldType, c: &Constraints, at: &YamlPath) {
    let numeric = matches!(ty, FieldType::Integer | FieldType::Number);
    let string = *ty == FieldType::String;
    let only = |check: &mut Checker<'_>, present: bool, key: &str, kind: &str| {
        if present {
            check.error(at.key(key), format!("`{key}` does not apply to a field of this type"), format!("`{key}` is only for {kind} fields"));
        }
    };
    only(check, !numeric && (c.minimum.is_some() || c.maximum.is_some()), if c.minimum.is_some() { "minimum" } else { "maximum" }, "integer and number");
    only(check, !string && (c.min_length.is_some() || c.max_length.is_some()), if c.min_length.is_some() { "min_length" } else { "max_length" }, "string");
    only(check, !string && c.format.is_some(), "format", "string");
    only(check, !string && c.allowed.is_some(), "enum", "string");
    if let (Some(min), Some(max)) = (c.minimum, c.maximum) {
        if min > max {
            check.error(at.key("minimum"), format!("minimum {min} is larger than maximum {max}"), "swap or fix the bounds");
        }
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            check.error(at.key("min_length"), format!("min_length {min} is larger than max_length {max}"), "swap or fix the bounds");
        }
    }
    if *ty == FieldType::Integer {
        for (key, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
            if bound.is_some_and(|b| b.fract() != 0.0) {
                check.error(at.key(key), format!("`{key}` of an integer field must be a whole number"), "use a whole number");
            }
        }
    }
}

/// Why `value` does not fit the field, if it does not.
pub(super) fn value_problem(ty: &FieldType, c: &Constraints, value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let fits_type = match ty {
        FieldType::String => value.is_string(),
        FieldType::Integer => value.is_i64() || value.is_u64(),
        FieldType::Number => value.is_number(),
        FieldType::Boolean => value.is_boolean(),
        FieldType::Array(_) => value.is_array(),
        FieldType::Map(_) => value.is_object(),
        FieldType::Json | FieldType::Named(_) => true,
    };
    if !fits_type {
        return Some("does not have the field's type".to_owned());
    }
    if let Some(number) = value.as_f64() {
        if c.minimum.is_some_and(|min| number < min) {
            return Some(format!("is below the minimum {}", c.minimum.unwrap_or_default()));
        }
        if c.maximum.is_some_and(|max| number > max) {
            return Some(format!("is above the maximum {}", c.maximum.unwrap_or_default()));
        }
    }
    if let Value::String(text) = value {
        let length = text.chars().count() as u32;
        if c.min_length.is_some_and(|min| length < min) || c.max_length.is_some_and(|max| length > max) {
            return Some("has a length outside min_length..max_length".to_owned());
        }
        if let Some(allowed) = &c.allowed {
            if !allowed.contains(text) {
                return Some(format!("is not one of {}", allowed.join(", ")));
            }
        }
        if c.format == Some(StringFormat::Uri) && !text.contains("://") {
            return Some("is not a URI".to_owned());
        }
    }
    None
}
