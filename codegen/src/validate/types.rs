//! Named types and fields: names, references, constraints that fit the field's type, and defaults and
//! examples that are values of the field.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::values::{expectation, shown, value_problem, ValueTypes};
use super::{names, Checker};
use crate::diagnostics::{suggest, Segment, YamlPath};
use crate::model::{Constraints, EnumDef, Field, FieldType, ObjectDef, TypeDef};
use crate::naming::pascal_case;
use crate::spec::{EnumTypeSpec, FieldSpec, TypeSpec};

const PRIMITIVES: [&str; 7] = ["string", "integer", "number", "boolean", "json", "array", "map"];

pub(super) fn check_types(check: &mut Checker<'_>, types: &BTreeMap<String, TypeSpec>) -> BTreeMap<String, TypeDef> {
    let path = YamlPath::root().key("types");
    let mut checked = BTreeMap::new();
    for (name, spec) in types {
        let at = path.key(name.clone());
        if !names::is_type_name(name) {
            check.error(
                at.clone(),
                format!("`{name}` is not a valid type name"),
                "use a PascalCase identifier, e.g. LogEntry",
            );
        }
        let def = match spec {
            TypeSpec::Enum(e) => TypeDef::Enum(check_enum(check, name, e, &at)),
            TypeSpec::Object(o) => {
                let mut fields = Vec::new();
                for (field_name, field) in &o.properties {
                    let field_at = at.key("properties").key(field_name.clone());
                    if !names::is_snake_case(field_name) {
                        check.error(
                            field_at.clone(),
                            format!("`{field_name}` is not a valid property name"),
                            "use snake_case, e.g. started_at",
                        );
                    }
                    if field.allowed.is_some() {
                        check.error(
                            field_at.key("enum"),
                            "`enum` is only for parameters",
                            "declare an enum type under `types` and use it as this property's type",
                        );
                        // Checked without it, so the same `enum` is not reported a second time.
                        let without = FieldSpec { allowed: None, ..field.clone() };
                        fields.push(check_field(check, field_name, &without, &field_at, types));
                    } else {
                        fields.push(check_field(check, field_name, field, &field_at, types));
                    }
                }
                TypeDef::Object(ObjectDef { name: name.clone(), description: o.description.clone(), fields })
            }
        };
        checked.insert(name.clone(), def);
    }
    check_required_cycles(check, &checked, &path);
    checked
}

fn check_enum(check: &mut Checker<'_>, name: &str, spec: &EnumTypeSpec, at: &YamlPath) -> EnumDef {
    if spec.values.is_empty() {
        check.error(
            at.key("enum"),
            format!("enum `{name}` has no values"),
            "list at least one value, e.g. `enum: [ok, failed]`",
        );
    }
    let mut variants: BTreeMap<String, &str> = BTreeMap::new();
    for (i, value) in spec.values.iter().enumerate() {
        let value_at = at.key("enum").index(i);
        if !names::is_enum_value(value) {
            check.error(
                value_at,
                format!("`{value}` is not a valid enum value"),
                "start with a letter and use letters, digits, `_` or `-` (values become Rust variants, and `self` is reserved)",
            );
            continue;
        }
        let variant = pascal_case(value);
        match variants.get(&variant) {
            Some(earlier) if earlier == value => {
                check.error(value_at, format!("enum value `{value}` is listed twice"), "remove the repeated value");
            }
            Some(earlier) => check.error(
                value_at,
                format!("enum values `{earlier}` and `{value}` would both become the Rust variant `{variant}`"),
                "rename one of them",
            ),
            None => {
                variants.insert(variant, value);
            }
        }
    }
    EnumDef { name: name.to_owned(), description: spec.description.clone(), values: spec.values.clone() }
}

/// Checks a property or parameter and returns its model; `types` are the declared types it may refer to.
pub(super) fn check_field(
    check: &mut Checker<'_>,
    name: &str,
    spec: &FieldSpec,
    at: &YamlPath,
    types: &BTreeMap<String, TypeSpec>,
) -> Field {
    let ty = resolve_type(check, &spec.ty, spec.items.as_deref(), spec.values.as_deref(), at, types);
    for (key, given, owner) in [("items", &spec.items, "array"), ("values", &spec.values, "map")] {
        if given.is_some() && spec.ty != owner {
            check.error(
                at.key(key),
                format!("`{key}` only applies to `type: {owner}`"),
                format!("remove `{key}`, or set `type: {owner}`"),
            );
        }
    }
    let constraints = Constraints {
        format: spec.format,
        minimum: spec.minimum,
        maximum: spec.maximum,
        min_length: spec.min_length,
        max_length: spec.max_length,
        allowed: spec.allowed.clone(),
    };
    check_constraints(check, &ty, &constraints, at);
    if spec.default.is_some() && spec.required == Some(true) {
        check.error(
            at.key("required"),
            "a field with a `default` is never required",
            "remove `required: true`, or remove the `default`",
        );
    }
    // With contradictory bounds no value fits; the bounds are reported, the values would only echo them.
    let bounds_agree = !matches!((constraints.minimum, constraints.maximum), (Some(min), Some(max)) if min > max)
        && !matches!((constraints.min_length, constraints.max_length), (Some(min), Some(max)) if min > max);
    if bounds_agree {
        check_values(check, &ty, &constraints, spec, at, types);
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

/// The field's `default` and `example`, if given, must be values of the field.
fn check_values(
    check: &mut Checker<'_>,
    ty: &FieldType,
    constraints: &Constraints,
    spec: &FieldSpec,
    at: &YamlPath,
    types: &BTreeMap<String, TypeSpec>,
) {
    let types = ValueTypes(types);
    for (key, article, given) in [("default", "a", &spec.default), ("example", "an", &spec.example)] {
        let Some(value) = given else { continue };
        if let Some(problem) = value_problem(ty, constraints, value, &types) {
            check.error(
                at.key(key),
                format!("{key} {} {problem}", shown(value)),
                format!("write {article} {key} that is {}", expectation(ty, constraints, &types)),
            );
        }
    }
}

fn resolve_type(
    check: &mut Checker<'_>,
    name: &str,
    items: Option<&str>,
    values: Option<&str>,
    at: &YamlPath,
    types: &BTreeMap<String, TypeSpec>,
) -> FieldType {
    let element = |check: &mut Checker<'_>, key: &str, inner: Option<&str>| match inner {
        Some(inner) if inner == "array" || inner == "map" => {
            check.error(
                at.key(key),
                format!("`{key}` cannot be `{inner}`"),
                "declare a named type for the nested collection",
            );
            FieldType::Json
        }
        Some(inner) => resolve_type(check, inner, None, None, &at.key(key), types),
        None => {
            check.error(
                at.clone(),
                format!("type `{name}` needs `{key}`"),
                format!("add `{key}: <type>` naming the element type"),
            );
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
        named if types.contains_key(named) => FieldType::Named(named.to_owned()),
        unknown => {
            // An element type is reported at `items`/`values`; a field's own type at its `type` key.
            let is_element = matches!(at.0.last(), Some(Segment::Key(key)) if key == "items" || key == "values");
            let type_at = if is_element { at.clone() } else { at.key("type") };
            check.error(
                type_at,
                format!("unknown type `{unknown}`"),
                suggest(unknown, PRIMITIVES.iter().copied().chain(types.keys().map(String::as_str))),
            );
            FieldType::Json
        }
    }
}

fn check_constraints(check: &mut Checker<'_>, ty: &FieldType, c: &Constraints, at: &YamlPath) {
    let numeric = matches!(ty, FieldType::Integer | FieldType::Number);
    let string = *ty == FieldType::String;
    let misplaced = [
        ("minimum", c.minimum.is_some() && !numeric, "integer and number"),
        ("maximum", c.maximum.is_some() && !numeric, "integer and number"),
        ("min_length", c.min_length.is_some() && !string, "string"),
        ("max_length", c.max_length.is_some() && !string, "string"),
        ("format", c.format.is_some() && !string, "string"),
        ("enum", c.allowed.is_some() && !string, "string"),
    ];
    for (key, wrong, kind) in misplaced {
        if wrong {
            check.error(
                at.key(key),
                format!("`{key}` does not apply to a field of this type"),
                format!("`{key}` is only for {kind} fields"),
            );
        }
    }
    if let (Some(min), Some(max)) = (c.minimum, c.maximum) {
        if min > max {
            check.error(
                at.key("minimum"),
                format!("minimum {min} is larger than maximum {max}"),
                "swap or fix the bounds",
            );
        }
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            check.error(
                at.key("min_length"),
                format!("min_length {min} is larger than max_length {max}"),
                "swap or fix the bounds",
            );
        }
    }
    if *ty == FieldType::Integer {
        for (key, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
            if bound.is_some_and(|b| b.fract() != 0.0) {
                check.error(
                    at.key(key),
                    format!("`{key}` of an integer field must be a whole number"),
                    "use a whole number",
                );
            }
        }
    }
    if let Some(allowed) = &c.allowed {
        if allowed.is_empty() {
            check.error(
                at.key("enum"),
                "`enum` lists no values",
                "list the accepted values, e.g. `enum: [asc, desc]`, or remove `enum`",
            );
        }
        let mut seen = BTreeSet::new();
        for (i, value) in allowed.iter().enumerate() {
            if !seen.insert(value) {
                check.error(
                    at.key("enum").index(i),
                    format!("value `{value}` is listed twice"),
                    "remove the repeated value",
                );
            }
        }
    }
}

/// A type that needs a value of itself through required properties can have no finite value at all.
fn check_required_cycles(check: &mut Checker<'_>, types: &BTreeMap<String, TypeDef>, path: &YamlPath) {
    let required_refs = |name: &str| -> Vec<(String, String)> {
        match types.get(name) {
            Some(TypeDef::Object(object)) => object
                .fields
                .iter()
                .filter(|f| f.required)
                .filter_map(|f| match &f.ty {
                    FieldType::Named(target) => Some((f.name.clone(), target.clone())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    for start in types.keys() {
        // Breadth-first search for a way back to `start`, remembering how each type was reached.
        let mut reached: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut queue = VecDeque::from([start.clone()]);
        let mut found = false;
        while let Some(current) = queue.pop_front() {
            for (field, target) in required_refs(&current) {
                if reached.contains_key(&target) {
                    continue;
                }
                reached.insert(target.clone(), (current.clone(), field));
                if &target == start {
                    found = true;
                    break;
                }
                queue.push_back(target);
            }
            if found {
                break;
            }
        }
        if !found {
            continue;
        }
        // Walk back from `start` to list the cycle; report it once, at its alphabetically first type.
        let mut steps = Vec::new();
        let mut at = start.clone();
        while let Some((from, field)) = reached.get(&at) {
            steps.push(format!("{from}.{field}"));
            at = from.clone();
            if &at == start || steps.len() > types.len() {
                break;
            }
        }
        steps.reverse();
        let members: Vec<&str> = steps.iter().filter_map(|s| s.split('.').next()).collect();
        if members.iter().any(|m| *m < start.as_str()) {
            continue;
        }
        check.error(
            path.key(start.clone()),
            format!("type `{start}` contains itself through required properties ({} -> {start})", steps.join(" -> ")),
            "make one of these properties optional (`required: false`) or a list, so that a value can end",
        );
    }
}
