//! `components.schemas`: one JSON Schema (2020-12, as OpenAPI 3.1 uses) per model type, plus `Error`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::emit::examples::json_number;
use crate::model::{Field, FieldType, Model, ObjectDef, StringFormat, TypeDef};

/// The component every 4xx and 5xx answer's body refers to.
pub const ERROR_SCHEMA: &str = "Error";

/// A `$ref` to a component schema.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{COMPONENT_PREFIX}{name}") })
}

/// Every model type by name, then `Error`.
pub fn components(model: &Model) -> Map<String, Value> {
    let mut schemas = Map::new();
    for (name, def) in &model.types {
        schemas.insert(name.clone(), type_schema(def));
    }
    schemas.insert(ERROR_SCHEMA.to_owned(), error_schema());
    schemas
}

/// The schema of one model type as a document of its own (an MCP tool's input or output): the type's
/// component schema, with every type it refers to, transitively, under `$defs`. It is built from the very
/// component schemas OpenAPI publishes, only with `#/$defs/` references, so the two cannot disagree.
pub fn standalone(model: &Model, name: &str) -> Value {
    let mut pending = vec![name.to_owned()];
    let mut defs: BTreeMap<String, Value> = BTreeMap::new();
    while let Some(next) = pending.pop() {
        let Some(def) = model.type_def(&next) else { continue };
        let mut schema = type_schema(def);
        rewrite_references(&mut schema, &mut |referenced| {
            if referenced != name && !defs.contains_key(referenced) && !pending.iter().any(|p| p == referenced) {
                pending.push(referenced.to_owned());
            }
        });
        defs.insert(next, schema);
    }
    let mut root = match defs.remove(name) {
        Some(Value::Object(root)) => root,
        _ => Map::new(),
    };
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    Value::Object(root)
}

/// Points every component reference at `#/$defs/`, telling `seen` each type referred to.
fn rewrite_references(schema: &mut Value, seen: &mut impl FnMut(&str)) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some(name) = target.strip_prefix(COMPONENT_PREFIX) {
                    seen(name);
                    *target = format!("#/$defs/{name}");
                }
            }
            map.values_mut().for_each(|value| rewrite_references(value, seen));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| rewrite_references(value, seen)),
        _ => {}
    }
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// `type` and `description` first, so each schema reads like its spec entry.
fn type_schema(def: &TypeDef) -> Value {
    let mut schema = Map::new();
    let ty = if matches!(def, TypeDef::Enum(_)) { "string" } else { "object" };
    schema.insert("type".into(), json!(ty));
    if let Some(description) = def.description() {
        schema.insert("description".into(), json!(description));
    }
    match def {
        TypeDef::Enum(e) => {
            schema.insert("enum".into(), json!(e.values));
        }
        TypeDef::Object(o) => object_schema(o, &mut schema),
    }
    Value::Object(schema)
}

/// Responses stay forward compatible: no `additionalProperties: false`, so adding a field is not a break.
fn object_schema(def: &ObjectDef, schema: &mut Map<String, Value>) {
    let properties: Map<String, Value> = def.fields.iter().map(|f| (f.name.clone(), field_schema(f))).collect();
    schema.insert("properties".into(), Value::Object(properties));
    let required: Vec<&str> = def.fields.iter().filter(|f| f.required).map(|f| f.name.as_str()).collect();
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
}

/// The schema of a property or parameter: its type, constraints, default, examples and description.
pub fn field_schema(field: &Field) -> Value {
    let mut schema = match type_of(&field.ty) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let c = &field.constraints;
    if let Some(format) = c.format {
        schema.insert("format".into(), json!(format_name(format)));
    }
    if let Some(allowed) = &c.allowed {
        schema.insert("enum".into(), json!(allowed));
    }
    for (key, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if let Some(bound) = bound {
            schema.insert(key.into(), json_number(bound));
        }
    }
    for (key, bound) in [("minLength", c.min_length), ("maxLength", c.max_length)] {
        if let Some(bound) = bound {
            schema.insert(key.into(), json!(bound));
        }
    }
    if let Some(default) = &field.default {
        schema.insert("default".into(), default.clone());
    }
    if let Some(example) = &field.example {
        schema.insert("examples".into(), json!([example]));
    }
    if let Some(description) = &field.description {
        schema.insert("description".into(), json!(description));
    }
    Value::Object(schema)
}

/// The bare schema of a field type; optional fields are simply absent from `required`, never `nullable`.
fn type_of(ty: &FieldType) -> Value {
    match ty {
        FieldType::String => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer", "format": "int64" }),
        FieldType::Number => json!({ "type": "number", "format": "double" }),
        FieldType::Boolean => json!({ "type": "boolean" }),
        FieldType::Json => json!({}),
        FieldType::Named(name) => reference(name),
        FieldType::Array(item) => json!({ "type": "array", "items": type_of(item) }),
        FieldType::Map(value) => json!({ "type": "object", "additionalProperties": type_of(value) }),
    }
}

pub fn format_name(format: StringFormat) -> &'static str {
    match format {
        StringFormat::DateTime => "date-time",
        StringFormat::Uri => "uri",
        StringFormat::Uuid => "uuid",
        StringFormat::Email => "email",
    }
}

/// The shape of `codegen_runtime::ApiError::body`.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "The body of every 4xx and 5xx answer",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "Machine-readable error code",
                        "examples": ["invalid_parameter"],
                    },
                    "message": {
                        "type": "string",
                        "description": "What went wrong, for people",
                    },
                    "location": {
                        "type": "string",
                        "description": "Where in the request the problem is, e.g. `query.limit` or `body.endpoint`",
                    },
                },
                "required": ["code", "message"],
            },
        },
        "required": ["error"],
    })
}

/// OAuth 2.0 Protected Resource Metadata (RFC 9728, section 2), the fields this worker publishes.
pub fn protected_resource_schema() -> Value {
    let string = |format: Option<&str>, description: &str| {
        let mut schema = Map::new();
        schema.insert("type".into(), json!("string"));
        if let Some(format) = format {
            schema.insert("format".into(), json!(format));
        }
        schema.insert("description".into(), json!(description));
        Value::Object(schema)
    };
    let list = |items: Value, description: &str| json!({ "type": "array", "items": items, "description": description });
    json!({
        "type": "object",
        "description": "OAuth 2.0 Protected Resource Metadata (RFC 9728)",
        "properties": {
            "resource": string(Some("uri"), "The protected resource's identifier: this deployment's origin"),
            "authorization_servers": list(
                json!({ "type": "string", "format": "uri" }),
                "Issuers of the authorization servers that grant tokens for this resource",
            ),
            "scopes_supported": list(json!({ "type": "string" }), "Scopes a token may carry for this resource"),
            "bearer_methods_supported": list(
                json!({ "type": "string", "enum": ["header", "body", "query"] }),
                "How a bearer token may be sent",
            ),
            "resource_name": string(None, "Name of the resource, for people"),
            "resource_documentation": string(Some("uri"), "Documentation of the resource, for people"),
        },
        "required": ["resource"],
    })
}
