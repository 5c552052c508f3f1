//! Validates response bodies against the component schemas of the OpenAPI document.
//!
//! OpenAPI 3.1 schemas are JSON Schema 2020-12, but they refer to each other as
//! `#/components/schemas/<Name>`, a pointer into the OpenAPI document. A validator is therefore built from
//! a small 2020-12 document that carries the components and refers to the wanted one:
//! `{"$ref": "#/components/schemas/Health", "components": {...}}`, so every internal `$ref` resolves.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::http::HttpClient;

/// Where the OpenAPI document comes from.
#[derive(Debug, Clone)]
pub enum OpenApiSource {
    /// The generated file: used locally, where the served document must equal it.
    File(std::path::PathBuf),
    /// `<base>/openapi.json` of the server under test: used for deployed environments.
    Served,
}

/// An OpenAPI document with a validator per component schema, built on first use.
pub struct OpenApi {
    document: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

impl OpenApi {
    pub fn from_value(document: Value) -> Result<OpenApi, String> {
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or_default();
        if !version.starts_with("3.1") {
            return Err(format!("expected an OpenAPI 3.1 document, got \"openapi\": {:?}", document.get("openapi")));
        }
        if document.pointer("/components/schemas").and_then(Value::as_object).is_none() {
            return Err("the OpenAPI document has no components.schemas object".to_string());
        }
        Ok(OpenApi { document, validators: Mutex::new(HashMap::new()) })
    }

    pub fn from_file(path: &Path) -> Result<OpenApi, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let document = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        OpenApi::from_value(document)
    }

    pub fn from_server(client: &HttpClient, base_url: &str) -> Result<OpenApi, String> {
        let url = format!("{}/openapi.json", base_url.trim_end_matches('/'));
        let exchange = client.get(&url).map_err(|e| e.to_string())?;
        if exchange.status != 200 {
            return Err(format!("GET {url} answered {} instead of 200: {}", exchange.status, exchange.body_excerpt()));
        }
        OpenApi::from_value(exchange.json().map_err(|e| format!("GET {url}: {e}"))?)
    }

    pub fn load(source: &OpenApiSource, client: &HttpClient, base_url: &str) -> Result<OpenApi, String> {
        match source {
            OpenApiSource::File(path) => OpenApi::from_file(path),
            OpenApiSource::Served => OpenApi::from_server(client, base_url),
        }
    }

    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The names under `components.schemas`.
    pub fn schema_names(&self) -> Vec<String> {
        self.document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Checks a value against `components.schemas.<type_name>`, formats (uuid, date-time, uri) included.
    /// The error lists every violation with its JSON pointer.
    pub fn validate(&self, type_name: &str, value: &Value) -> Result<(), String> {
        let validator = self.validator(type_name)?;
        let problems: Vec<String> = validator
            .iter_errors(value)
            .map(|error| {
                let path = error.instance_path().to_string();
                format!("at {:?}: {error}", if path.is_empty() { "/" } else { path.as_str() })
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("does not match schema {type_name}: {}", problems.join("; ")))
        }
    }

    fn validator(&self, type_name: &str) -> Result<std::sync::Arc<jsonschema::Validator>, String> {
        let mut validators = self.validators.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(validator) = validators.get(type_name) {
            return Ok(validator.clone());
        }
        let components = self.document.get("components").cloned().unwrap_or(Value::Null);
        if components.pointer(&format!("/schemas/{type_name}")).is_none() {
            return Err(format!(
                "the OpenAPI document has no components.schemas.{type_name} (it has: {})",
                self.schema_names().join(", ")
            ));
        }
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{type_name}"),
            "components": components,
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("components.schemas.{type_name} is not a valid JSON Schema: {e}"))?;
        let validator = std::sync::Arc::new(validator);
        validators.insert(type_name.to_string(), validator.clone());
        Ok(validator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> OpenApi {
        OpenApi::from_value(json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "RunStatus": {"type": "string", "enum": ["queued", "running"]},
                "Accepted": {
                    "type": "object",
                    "required": ["run_id", "status"],
                    "properties": {
                        "run_id": {"type": "string", "format": "uuid"},
                        "status": {"$ref": "#/components/schemas/RunStatus"}
                    }
                }
            }}
        }))
        .unwrap()
    }

    #[test]
    fn refs_between_components_resolve() {
        let api = sample();
        let ok = json!({"run_id": "6f1c2a4e-8b7d-4c3a-9e2f-1a0b3c4d5e6f", "status": "queued"});
        assert_eq!(api.validate("Accepted", &ok), Ok(()));
        let bad_enum = json!({"run_id": "6f1c2a4e-8b7d-4c3a-9e2f-1a0b3c4d5e6f", "status": "done"});
        let error = api.validate("Accepted", &bad_enum).unwrap_err();
        assert!(error.contains("/status"), "{error}");
    }

    #[test]
    fn formats_are_checked() {
        let error = sample().validate("Accepted", &json!({"run_id": "not-a-uuid", "status": "queued"})).unwrap_err();
        assert!(error.contains("/run_id"), "{error}");
    }

    #[test]
    fn unknown_type_names_the_known_ones() {
        let error = sample().validate("Health", &json!({})).unwrap_err();
        assert!(error.contains("no components.schemas.Health") && error.contains("Accepted"), "{error}");
    }

    #[test]
    fn only_openapi_3_1_is_accepted() {
        assert!(OpenApi::from_value(json!({"openapi": "3.0.3", "components": {"schemas": {}}})).is_err());
    }
}
