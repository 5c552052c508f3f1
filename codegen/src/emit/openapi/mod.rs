//! The OpenAPI 3.1 document, built as a serde value.
//!
//! serde_json keeps insertion order (`preserve_order`), so every map is filled in a fixed order: the document
//! reads top-down like the spec, and the same model always gives the same bytes.

mod mcp;
mod operations;
mod schemas;

use serde_json::{json, Map, Value};

use crate::model::Model;

pub use operations::{operation_id, OAUTH_SCHEME};
pub use schemas::{field_schema, format_name, standalone, ERROR_SCHEMA};

pub fn document(model: &Model) -> Value {
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.1.0"));
    doc.insert("info".into(), info(model));
    doc.insert("servers".into(), servers(model));
    let tags: Vec<Value> = tags_in_order(model)
        .into_iter()
        .map(|(name, description)| json!({ "name": name, "description": description }))
        .collect();
    if !tags.is_empty() {
        doc.insert("tags".into(), Value::Array(tags));
    }
    doc.insert("paths".into(), Value::Object(paths(model)));
    doc.insert("components".into(), components(model));
    Value::Object(doc)
}

/// The API's tags with their descriptions, in the order the routes first use them, then unused ones by name.
/// The reference groups its routes in the same order.
pub fn tags_in_order(model: &Model) -> Vec<(&str, &str)> {
    let mut ordered: Vec<(&str, &str)> = Vec::new();
    let used = model.routes.iter().flat_map(|r| r.tags.iter());
    for name in used.chain(model.api.tags.keys()) {
        if ordered.iter().all(|(seen, _)| seen != name) {
            if let Some(description) = model.api.tags.get(name) {
                ordered.push((name, description));
            }
        }
    }
    ordered
}

fn info(model: &Model) -> Value {
    let mut info = Map::new();
    info.insert("title".into(), json!(model.api.title));
    info.insert("version".into(), json!(model.api.version));
    if let Some(description) = &model.api.description {
        info.insert("description".into(), json!(description.trim_end()));
    }
    Value::Object(info)
}

/// One server per environment, the default first (the model keeps that order).
fn servers(model: &Model) -> Value {
    let servers: Vec<Value> = model
        .environments
        .iter()
        .map(|env| {
            let role = if env.is_default { " (default)" } else { "" };
            json!({ "url": env.origin, "description": format!("{} environment{role}", env.name) })
        })
        .collect();
    Value::Array(servers)
}

/// Routes sharing a path share one path item, in the order the routes are declared.
fn paths(model: &Model) -> Map<String, Value> {
    let mut paths = Map::new();
    for route in &model.routes {
        let item = paths.entry(route.path.clone()).or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            for method in &route.methods {
                item.insert(method.as_str().to_ascii_lowercase(), operations::operation(model, route, *method));
            }
        }
    }
    paths
}

fn components(model: &Model) -> Value {
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas::components(model)));
    if model.routes.iter().any(|route| !route.scopes.is_empty()) {
        components.insert("responses".into(), operations::auth_responses());
    }
    if let Some(oauth) = &model.oauth {
        let endpoints = model.reference_environment().oauth.as_ref();
        let flow = json!({
            "authorizationUrl": endpoints.map_or("", |e| e.authorization_endpoint.as_str()),
            "tokenUrl": endpoints.map_or("", |e| e.token_endpoint.as_str()),
            "scopes": oauth.scopes,
        });
        let scheme = json!({
            "type": "oauth2",
            "description": "OAuth 2.0 bearer tokens; each operation lists the scopes it needs",
            "flows": { "authorizationCode": flow },
        });
        components.insert("securitySchemes".into(), json!({ OAUTH_SCHEME: scheme }));
    }
    Value::Object(components)
}
