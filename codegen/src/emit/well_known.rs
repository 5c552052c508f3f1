//! The `.well-known` documents.

use serde_json::{json, Value};

use crate::model::{Environment, Model};

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for one environment.
pub fn oauth_protected_resource(model: &Model, env: &Environment) -> Value {
    let _ = model;
    json!({ "resource": env.origin })
}

/// The MCP server manifest served at `/.well-known/mcp.json`.
pub fn mcp_manifest(model: &Model) -> Value {
    json!({ "name": model.mcp.as_ref().map(|m| m.name.clone()) })
}
