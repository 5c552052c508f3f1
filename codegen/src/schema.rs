//! The JSON Schema of the spec format, and the shape check that reports every violation of it at once.
//!
//! serde alone stops at the first problem; validating against the schema first lets a user see every
//! unknown key, wrong type and missing field in one run.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostics::{suggest, Diagnostic, Diagnostics, YamlPath};
use crate::spec::Spec;
use crate::yaml::LocationIndex;

/// The JSON Schema (draft 2020-12) of `Spec`, as published at `generated/spec.schema.json`.
pub fn spec_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Spec)).expect("a schema is plain JSON");
    schema["title"] = Value::String("Dashboard spec".to_owned());
    schema
}

/// Checks the document's shape against the spec schema, returning every violation.
pub fn check_shape(document: &Value, locations: &LocationIndex) -> Diagnostics {
    let schema = spec_schema();
    let validator = jsonschema::validator_for(&schema).expect("the derived spec schema is a valid JSON Schema");
    let mut diagnostics = Diagnostics::default();
    for error in validator.iter_errors(document) {
        for diagnostic in describe(&error, &schema, document) {
            let location = locations.find(&diagnostic.path);
            diagnostics.push(diagnostic.at(location));
        }
    }
    diagnostics
}

fn describe(error: &jsonschema::ValidationError<'_>, schema: &Value, document: &Value) -> Vec<Diagnostic> {
    let path = yaml_path(&error.instance_path().to_string(), document);
    let schema_path = error.schema_path().to_string();
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, &schema_path);
            unexpected
                .iter()
                .map(|key| {
                    Diagnostic::new(path.key(key.clone()), format!("unknown key `{key}`"))
                        .with_help(suggest(key, allowed.iter().map(String::as_str)))
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![Diagnostic::new(path.clone(), format!("missing required key `{name}`"))
                .with_help(format!("add `{name}:` here"))]
        }
        ValidationErrorKind::Enum { options } => {
            let given = error.instance().to_string();
            let names: Vec<String> =
                options.as_array().into_iter().flatten().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
            vec![Diagnostic::new(path.clone(), format!("`{}` is not an accepted value", given.trim_matches('"')))
                .with_help(suggest(given.trim_matches('"'), names.iter().map(String::as_str)))]
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Report the alternative that came closest: its errors are the ones the author most likely meant.
            let closest = context.iter().min_by_key(|errors| errors.len());
            match closest {
                Some(errors) if !errors.is_empty() => {
                    errors.iter().flat_map(|inner| describe(inner, schema, document)).collect()
                }
                _ => vec![Diagnostic::new(path.clone(), "this value has the wrong shape")
                    .with_help(expected_description(schema, &schema_path))],
            }
        }
        ValidationErrorKind::Type { .. } => {
            vec![Diagnostic::new(path.clone(), format!("{} has the wrong type", describe_value(error.instance())))
                .with_help(expected_description(schema, &schema_path))]
        }
        _ => vec![Diagnostic::new(path.clone(), error.to_string())],
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "an empty value".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// "expected …" text from the schema node that a type error comes from.
fn expected_description(schema: &Value, schema_path: &str) -> String {
    let node_pointer = schema_path.rsplit_once('/').map_or("", |(parent, _)| parent);
    let node = resolve(schema, node_pointer);
    let kind = match node.and_then(|n| n.get("type")) {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        _ => "a different kind of value".to_owned(),
    };
    let article = if kind.starts_with(['a', 'e', 'i', 'o']) { "an" } else { "a" };
    let kind = kind.replace("object", "mapping").replace("array", "list");
    match node.and_then(|n| n.get("description")).and_then(Value::as_str) {
        Some(description) => format!("expected {article} {kind}: {description}"),
        None => format!("expected {article} {kind}"),
    }
}

/// The keys an object schema allows, found from the schema path of its `additionalProperties` error.
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let object_pointer = schema_path.strip_suffix("/additionalProperties").unwrap_or(schema_path);
    resolve(schema, object_pointer)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows a JSON pointer into the schema, stepping through `$ref`s to local definitions.
fn resolve<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = schema;
    for segment in pointer.split('/').skip(1) {
        node = follow_ref(schema, node);
        node = match node {
            Value::Object(map) => map.get(&unescape(segment))?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(follow_ref(schema, node))
}

fn follow_ref<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) if reference.starts_with("#/") => schema.pointer(&reference[1..]).unwrap_or(node),
        _ => node,
    }
}

/// Turns a JSON pointer into a YAML path, telling list indexes from numeric keys by looking at the document.
fn yaml_path(pointer: &str, document: &Value) -> YamlPath {
    let mut path = YamlPath::root();
    let mut node = Some(document);
    for segment in pointer.split('/').skip(1) {
        let segment = unescape(segment);
        match node {
            Some(Value::Array(items)) => {
                let index = segment.parse::<usize>().unwrap_or(usize::MAX);
                node = items.get(index);
                path = path.index(index);
            }
            Some(Value::Object(map)) => {
                node = map.get(&segment);
                path = path.key(segment);
            }
            _ => {
                node = None;
                path = path.key(segment);
            }
        }
    }
    path
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
