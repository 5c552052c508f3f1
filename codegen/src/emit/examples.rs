//! Example JSON values built from the model, for the API reference (and later the MCP documentation).
//!
//! A field's example is its declared `example`, else its `default`, else a placeholder that fits its type and
//! bounds, so every example would pass the generated validation. Named types are expanded in place.

use serde_json::{json, Map, Value};

use crate::model::{Constraints, Field, FieldType, Model, StringFormat, TypeDef};

/// An example value of the named type: an object with every field, or an enum's first value.
pub fn type_example(model: &Model, name: &str) -> Value {
    named(model, name, &mut Vec::new()).unwrap_or_else(|| json!({}))
}

/// An example value of one field or parameter.
pub fn field_example(model: &Model, field: &Field) -> Value {
    field_value(model, field, &mut Vec::new()).unwrap_or_else(|| json!({}))
}

/// A spec bound (`minimum`, `maximum`) as JSON: whole numbers print without a fraction (`1`, not `1.0`).
pub fn json_number(number: f64) -> Value {
    // Whole numbers up to 2^53 convert to i64 exactly; larger ones stay floats so nothing is rounded.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && number.abs() <= EXACT {
        json!(number as i64)
    } else {
        json!(number)
    }
}

/// `None` only when the field's type refers back to a type that is already being expanded.
fn field_value(model: &Model, field: &Field, expanding: &mut Vec<String>) -> Option<Value> {
    if let Some(example) = &field.example {
        return Some(example.clone());
    }
    if let Some(default) = &field.default {
        return Some(default.clone());
    }
    placeholder(model, &field.ty, &field.constraints, expanding)
}

fn placeholder(model: &Model, ty: &FieldType, constraints: &Constraints, expanding: &mut Vec<String>) -> Option<Value> {
    let value = match ty {
        FieldType::String => Value::String(string_placeholder(constraints)),
        FieldType::Integer | FieldType::Number => json_number(number_placeholder(constraints)),
        FieldType::Boolean => Value::Bool(true),
        FieldType::Json => json!({}),
        FieldType::Named(name) => return named(model, name, expanding),
        // A recursive element type yields an empty collection rather than an endless example.
        FieldType::Array(item) => {
            Value::Array(placeholder(model, item, &Constraints::default(), expanding).into_iter().collect())
        }
        FieldType::Map(value) => {
            let mut entry = Map::new();
            if let Some(value) = placeholder(model, value, &Constraints::default(), expanding) {
                entry.insert("key".to_owned(), value);
            }
            Value::Object(entry)
        }
    };
    Some(value)
}

fn named(model: &Model, name: &str, expanding: &mut Vec<String>) -> Option<Value> {
    if expanding.iter().any(|n| n == name) {
        return None;
    }
    match model.type_def(name)? {
        TypeDef::Enum(def) => Some(def.values.first().map_or(Value::Null, |v| Value::String(v.clone()))),
        TypeDef::Object(def) => {
            expanding.push(name.to_owned());
            let mut object = Map::new();
            for field in &def.fields {
                match field_value(model, field, expanding) {
                    Some(value) => {
                        object.insert(field.name.clone(), value);
                    }
                    // An optional field that would recurse is left out; a required one gets an empty object.
                    None if field.required => {
                        object.insert(field.name.clone(), json!({}));
                    }
                    None => {}
                }
            }
            expanding.pop();
            Some(Value::Object(object))
        }
    }
}

fn string_placeholder(constraints: &Constraints) -> String {
    if let Some(first) = constraints.allowed.as_ref().and_then(|values| values.first()) {
        return first.clone();
    }
    let text = match constraints.format {
        Some(StringFormat::DateTime) => "2025-01-01T00:00:00Z",
        Some(StringFormat::Uuid) => "00000000-0000-4000-8000-000000000000",
        Some(StringFormat::Uri) => "https://example.com",
        Some(StringFormat::Email) => "user@example.com",
        None => "string",
    };
    fit_length(text, constraints)
}

/// Pads or cuts a placeholder so it meets `min_length`/`max_length`.
fn fit_length(text: &str, constraints: &Constraints) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if let Some(max) = constraints.max_length {
        chars.truncate(max as usize);
    }
    if let Some(min) = constraints.min_length {
        while chars.len() < min as usize {
            chars.push('x');
        }
    }
    chars.into_iter().collect()
}

fn number_placeholder(constraints: &Constraints) -> f64 {
    match (constraints.minimum, constraints.maximum) {
        (Some(min), _) => min,
        (None, Some(max)) if max < 0.0 => max,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraints() -> Constraints {
        Constraints::default()
    }

    #[test]
    fn placeholders_meet_bounds() {
        let bounded = Constraints { min_length: Some(10), ..constraints() };
        assert_eq!(string_placeholder(&bounded), "stringxxxx");
        let short = Constraints { max_length: Some(3), ..constraints() };
        assert_eq!(string_placeholder(&short), "str");
        let negative = Constraints { maximum: Some(-5.0), ..constraints() };
        assert_eq!(number_placeholder(&negative), -5.0);
        let uuid = Constraints { format: Some(StringFormat::Uuid), ..constraints() };
        assert_eq!(string_placeholder(&uuid), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn whole_numbers_print_without_fraction() {
        assert_eq!(json_number(1.0).to_string(), "1");
        assert_eq!(json_number(0.5).to_string(), "0.5");
    }
}
