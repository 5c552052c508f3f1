//! Whether a default or example is a value of its field: its kind, bounds, length, format, enum values and,
//! for a named object type, its properties. Generated code and documents repeat these values verbatim, so a
//! wrong one would show up as a broken default or a misleading example.

use std::collections::BTreeMap;

use serde_json::Value;

use super::names;
use crate::model::{Constraints, FieldType};
use crate::spec::{FieldSpec, ObjectTypeSpec, StringFormat, TypeSpec};

/// The declared types, for looking inside named types.
pub(super) struct ValueTypes<'a>(pub &'a BTreeMap<String, TypeSpec>);

impl ValueTypes<'_> {
    /// A property's type, resolved without reporting: the property's own check reports unknown types.
    fn field_type(&self, spec: &FieldSpec) -> FieldType {
        self.resolve(&spec.ty, spec.items.as_deref(), spec.values.as_deref())
    }

    fn resolve(&self, name: &str, items: Option<&str>, values: Option<&str>) -> FieldType {
        let element =
            |inner: Option<&str>| Box::new(inner.map_or(FieldType::Json, |inner| self.resolve(inner, None, None)));
        match name {
            "string" => FieldType::String,
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            "array" => FieldType::Array(element(items)),
            "map" => FieldType::Map(element(values)),
            named if self.0.contains_key(named) => FieldType::Named(named.to_owned()),
            _ => FieldType::Json,
        }
    }
}

fn constraints_of(spec: &FieldSpec) -> Constraints {
    Constraints {
        format: spec.format,
        minimum: spec.minimum,
        maximum: spec.maximum,
        min_length: spec.min_length,
        max_length: spec.max_length,
        allowed: spec.allowed.clone(),
    }
}

/// A value as compact JSON in backticks, shortened so that a long value does not swamp the message.
pub(super) fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("`{}...`", text.chars().take(37).collect::<String>())
    } else {
        format!("`{text}`")
    }
}

/// Why `value` is not a value of the field ("is not an integer", "is above the maximum 10"), if it is not.
pub(super) fn value_problem(ty: &FieldType, c: &Constraints, value: &Value, types: &ValueTypes<'_>) -> Option<String> {
    match ty {
        FieldType::String => match value {
            Value::String(text) => string_problem(c, text),
            _ => Some("is not a string".to_owned()),
        },
        FieldType::Integer if !(value.is_i64() || value.is_u64()) => Some("is not an integer".to_owned()),
        FieldType::Number if !value.is_number() => Some("is not a number".to_owned()),
        FieldType::Integer | FieldType::Number => number_problem(c, value.as_f64().unwrap_or_default()),
        FieldType::Boolean if !value.is_boolean() => Some("is not `true` or `false`".to_owned()),
        FieldType::Boolean | FieldType::Json => None,
        FieldType::Array(inner) => match value {
            Value::Array(items) => items.iter().find_map(|item| {
                value_problem(inner, &Constraints::default(), item, types)
                    .map(|p| format!("has an item {} that {p}", shown(item)))
            }),
            _ => Some("is not a list".to_owned()),
        },
        FieldType::Map(inner) => match value {
            Value::Object(entries) => entries.iter().find_map(|(key, item)| {
                value_problem(inner, &Constraints::default(), item, types)
                    .map(|p| format!("has a value for `{key}` that {p}"))
            }),
            _ => Some("is not a mapping".to_owned()),
        },
        FieldType::Named(name) => match types.0.get(name) {
            Some(TypeSpec::Enum(e)) => match value {
                Value::String(text) if e.values.contains(text) => None,
                _ => Some(format!("is not one of the values of `{name}` ({})", e.values.join(", "))),
            },
            Some(TypeSpec::Object(object)) => object_problem(name, object, value, types),
            None => None,
        },
    }
}

fn object_problem(name: &str, object: &ObjectTypeSpec, value: &Value, types: &ValueTypes<'_>) -> Option<String> {
    let Value::Object(entries) = value else { return Some(format!("is not a mapping (`{name}` is an object type)")) };
    for (key, item) in entries {
        let Some(field) = object.properties.get(key) else { return Some(format!("has the unknown property `{key}`")) };
        if let Some(problem) = value_problem(&types.field_type(field), &constraints_of(field), item, types) {
            return Some(format!("has a property `{key}` that {problem}"));
        }
    }
    object
        .properties
        .iter()
        .find(|(key, field)| field.default.is_none() && field.required.unwrap_or(true) && !entries.contains_key(*key))
        .map(|(key, _)| format!("lacks the required property `{key}`"))
}

fn number_problem(c: &Constraints, number: f64) -> Option<String> {
    if let Some(min) = c.minimum.filter(|min| number < *min) {
        return Some(format!("is below the minimum {min}"));
    }
    if let Some(max) = c.maximum.filter(|max| number > *max) {
        return Some(format!("is above the maximum {max}"));
    }
    None
}

fn string_problem(c: &Constraints, text: &str) -> Option<String> {
    let length = text.chars().count();
    if let Some(min) = c.min_length.filter(|min| length < *min as usize) {
        return Some(format!("is shorter than min_length {min}"));
    }
    if let Some(max) = c.max_length.filter(|max| length > *max as usize) {
        return Some(format!("is longer than max_length {max}"));
    }
    if let Some(allowed) = &c.allowed {
        if !allowed.iter().any(|a| a == text) {
            return Some(format!("is not one of: {}", allowed.join(", ")));
        }
    }
    let fits = match c.format {
        None => true,
        Some(StringFormat::Uri) => names::is_uri(text),
        Some(StringFormat::Uuid) => names::is_uuid(text),
        Some(StringFormat::Email) => names::is_email(text),
        Some(StringFormat::DateTime) => names::is_date_time(text),
    };
    (!fits).then(|| format!("is not {}", format_name(c.format)))
}

fn format_name(format: Option<StringFormat>) -> &'static str {
    match format {
        Some(StringFormat::Uri) => "a URI",
        Some(StringFormat::Uuid) => "a UUID",
        Some(StringFormat::Email) => "an email address",
        Some(StringFormat::DateTime) => "an RFC 3339 date-time",
        None => "a string",
    }
}

/// What a value of the field looks like, for help text: "an integer from 1 to 1000".
pub(super) fn expectation(ty: &FieldType, c: &Constraints, types: &ValueTypes<'_>) -> String {
    match ty {
        FieldType::String => {
            if let Some(allowed) = &c.allowed {
                return format!("one of: {}", allowed.join(", "));
            }
            let base = match c.format {
                Some(StringFormat::Uri) => "a URI, e.g. https://example.com",
                Some(StringFormat::Uuid) => "a UUID, e.g. 123e4567-e89b-12d3-a456-426614174000",
                Some(StringFormat::Email) => "an email address, e.g. ops@example.com",
                Some(StringFormat::DateTime) => "an RFC 3339 date-time, e.g. 2025-01-31T12:00:00Z",
                None => "a string",
            };
            let length = match (c.min_length, c.max_length) {
                (Some(min), Some(max)) => format!(" of {min} to {max} characters"),
                (Some(min), None) => format!(" of at least {min} characters"),
                (None, Some(max)) => format!(" of at most {max} characters"),
                (None, None) => String::new(),
            };
            format!("{base}{length}")
        }
        FieldType::Integer | FieldType::Number => {
            let base = if *ty == FieldType::Integer { "an integer" } else { "a number" };
            match (c.minimum, c.maximum) {
                (Some(min), Some(max)) => format!("{base} from {min} to {max}"),
                (Some(min), None) => format!("{base} of at least {min}"),
                (None, Some(max)) => format!("{base} of at most {max}"),
                (None, None) => base.to_owned(),
            }
        }
        FieldType::Boolean => "`true` or `false`".to_owned(),
        FieldType::Json => "any value".to_owned(),
        FieldType::Array(inner) => {
            format!("a list in which each item is {}", expectation(inner, &Constraints::default(), types))
        }
        FieldType::Map(inner) => {
            format!("a mapping in which each value is {}", expectation(inner, &Constraints::default(), types))
        }
        FieldType::Named(name) => match types.0.get(name) {
            Some(TypeSpec::Enum(e)) => format!("one of the values of `{name}`: {}", e.values.join(", ")),
            _ => format!("a mapping with the properties of `{name}`"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_types() -> BTreeMap<String, TypeSpec> {
        BTreeMap::new()
    }

    #[test]
    fn numbers_respect_kind_and_bounds() {
        let types = no_types();
        let types = ValueTypes(&types);
        let c = Constraints { minimum: Some(1.0), maximum: Some(10.0), ..Constraints::default() };
        assert_eq!(value_problem(&FieldType::Integer, &c, &json!(5), &types), None);
        assert_eq!(value_problem(&FieldType::Integer, &c, &json!(2.5), &types).as_deref(), Some("is not an integer"));
        assert_eq!(value_problem(&FieldType::Integer, &c, &json!("5"), &types).as_deref(), Some("is not an integer"));
        assert_eq!(
            value_problem(&FieldType::Number, &c, &json!(0.5), &types).as_deref(),
            Some("is below the minimum 1")
        );
        assert_eq!(
            value_problem(&FieldType::Number, &c, &json!(11), &types).as_deref(),
            Some("is above the maximum 10")
        );
        assert_eq!(expectation(&FieldType::Integer, &c, &types), "an integer from 1 to 10");
    }

    #[test]
    fn strings_respect_length_enum_and_format() {
        let types = no_types();
        let types = ValueTypes(&types);
        let short = Constraints { min_length: Some(2), max_length: Some(3), ..Constraints::default() };
        assert_eq!(
            value_problem(&FieldType::String, &short, &json!("a"), &types).as_deref(),
            Some("is shorter than min_length 2")
        );
        assert_eq!(
            value_problem(&FieldType::String, &short, &json!("abcd"), &types).as_deref(),
            Some("is longer than max_length 3")
        );
        let allowed = Constraints { allowed: Some(vec!["asc".into(), "desc".into()]), ..Constraints::default() };
        assert_eq!(
            value_problem(&FieldType::String, &allowed, &json!("up"), &types).as_deref(),
            Some("is not one of: asc, desc")
        );
        let uuid = Constraints { format: Some(StringFormat::Uuid), ..Constraints::default() };
        assert_eq!(value_problem(&FieldType::String, &uuid, &json!("run-1"), &types).as_deref(), Some("is not a UUID"));
        assert_eq!(value_problem(&FieldType::String, &uuid, &json!(1), &types).as_deref(), Some("is not a string"));
    }

    #[test]
    fn collections_and_named_types_are_checked_inside() {
        let types: BTreeMap<String, TypeSpec> = serde_json::from_value(json!({
            "Level": {"enum": ["info", "warn"]},
            "Entry": {"properties": {"level": {"type": "Level"}, "count": {"type": "integer", "minimum": 0}}},
        }))
        .unwrap();
        let types = ValueTypes(&types);
        let list = FieldType::Array(Box::new(FieldType::Integer));
        assert_eq!(
            value_problem(&list, &Constraints::default(), &json!([1, "a"]), &types).as_deref(),
            Some("has an item `\"a\"` that is not an integer")
        );
        let level = FieldType::Named("Level".into());
        assert_eq!(value_problem(&level, &Constraints::default(), &json!("warn"), &types), None);
        assert_eq!(
            value_problem(&level, &Constraints::default(), &json!("debug"), &types).as_deref(),
            Some("is not one of the values of `Level` (info, warn)")
        );
        let entry = FieldType::Named("Entry".into());
        assert_eq!(value_problem(&entry, &Constraints::default(), &json!({"level": "info", "count": 2}), &types), None);
        assert_eq!(
            value_problem(&entry, &Constraints::default(), &json!({"level": "info", "count": -1}), &types).as_deref(),
            Some("has a property `count` that is below the minimum 0")
        );
        assert_eq!(
            value_problem(&entry, &Constraints::default(), &json!({"level": "info"}), &types).as_deref(),
            Some("lacks the required property `count`")
        );
        assert_eq!(
            value_problem(&entry, &Constraints::default(), &json!({"level": "info", "count": 1, "extra": 1}), &types)
                .as_deref(),
            Some("has the unknown property `extra`")
        );
    }

    #[test]
    fn long_values_are_shortened() {
        assert_eq!(shown(&json!("abc")), "`\"abc\"`");
        assert_eq!(shown(&json!("x".repeat(100))), format!("`\"{}...`", "x".repeat(36)));
    }
}
