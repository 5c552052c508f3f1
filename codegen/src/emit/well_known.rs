//! The `.well-known` documents, built as JSON values (keys keep the order they are inserted in).

use serde_json::{json, Map, Value};

use crate::model::{BearerMethod, Environment, Model};

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for one environment, its fields in the RFC's order.
///
/// Without an `oauth` section there is nothing to protect, so the document only names the resource.
pub fn oauth_protected_resource(model: &Model, env: &Environment) -> Value {
    let mut document = Map::new();
    document.insert("resource".into(), json!(env.origin));
    let Some(oauth) = &model.oauth else {
        return Value::Object(document);
    };
    if !oauth.authorization_servers.is_empty() {
        document.insert("authorization_servers".into(), json!(oauth.authorization_servers));
    }
    if !oauth.scopes.is_empty() {
        // The scopes are a BTreeMap, so their names come out sorted.
        document.insert("scopes_supported".into(), json!(oauth.scopes.keys().collect::<Vec<_>>()));
    }
    if !oauth.bearer_methods.is_empty() {
        let methods: Vec<&str> = oauth.bearer_methods.iter().map(|m| bearer_method(*m)).collect();
        document.insert("bearer_methods_supported".into(), json!(methods));
    }
    document.insert("resource_name".into(), json!(model.api.title));
    if let Some(documentation) = &oauth.resource_documentation {
        document.insert("resource_documentation".into(), json!(documentation));
    }
    Value::Object(document)
}

/// RFC 6750's names for the ways a bearer token can travel.
fn bearer_method(method: BearerMethod) -> &'static str {
    match method {
        BearerMethod::Header => "header",
        BearerMethod::Body => "body",
        BearerMethod::Query => "query",
    }
}

/// The MCP server manifest served at `/.well-known/mcp.json`.
///
/// Without an `mcp` section the document still names the API, and claims no capabilities.
pub fn mcp_manifest(model: &Model) -> Value {
    let mut document = Map::new();
    let (name, version) = match &model.mcp {
        Some(mcp) => (&mcp.name, &mcp.version),
        None => (&model.api.title, &model.api.version),
    };
    document.insert("name".into(), json!(name));
    document.insert("version".into(), json!(version));
    if let Some(description) = model.api.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        document.insert("description".into(), json!(description));
    }
    if let Some(mcp) = &model.mcp {
        document.insert("protocol_version".into(), json!(mcp.protocol_version));
    }
    let capability = |pick: fn(&crate::model::Mcp) -> bool| model.mcp.as_ref().is_some_and(pick);
    document.insert(
        "capabilities".into(),
        json!({
            "resources": capability(|m| m.resources),
            "tools": capability(|m| m.tools),
            "prompts": capability(|m| m.prompts),
        }),
    );
    Value::Object(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"
worker: {name: w, crate: ../worker, compatibility_date: "2025-11-20"}
api: {title: Example API, version: 1.2.3, description: "  Does things.\n"}
mcp: {name: Example MCP, version: 0.9.0, protocol_version: "2025-06-18", capabilities: {tools: true}}
environments:
  dev: {origin: "http://localhost:8787"}
  prod: {origin: "https://example.com"}
routes:
  - {id: manifest, method: GET, path: /mcp.json, summary: Manifest, kind: {document: mcp-manifest}}
"#;

    const OAUTH: &str = r#"
oauth:
  authorization_servers: [https://auth.example.com]
  bearer_methods: [header, query]
  scopes: {write: Change things, read: Read things}
"#;

    fn model(text: &str) -> Model {
        crate::load::load(text).unwrap_or_else(|d| panic!("{}", d.render("test.yaml")))
    }

    #[test]
    fn protected_resource_metadata_follows_rfc_9728() {
        let model = model(&format!("{HEAD}{OAUTH}"));
        let prod = model.environments.iter().find(|e| e.name == "prod").unwrap();
        assert_eq!(
            oauth_protected_resource(&model, prod),
            json!({
                "resource": "https://example.com",
                "authorization_servers": ["https://auth.example.com"],
                "scopes_supported": ["read", "write"],
                "bearer_methods_supported": ["header", "query"],
                "resource_name": "Example API",
            })
        );
    }

    #[test]
    fn without_oauth_only_the_resource_is_named() {
        let model = model(HEAD);
        assert_eq!(
            oauth_protected_resource(&model, model.default_environment()),
            json!({"resource": "http://localhost:8787"})
        );
    }

    #[test]
    fn mcp_manifest_names_the_server_and_its_capabilities() {
        let model = model(HEAD);
        let manifest = mcp_manifest(&model);
        assert_eq!(
            manifest,
            json!({
                "name": "Example MCP",
                "version": "0.9.0",
                "description": "Does things.",
                "protocol_version": "2025-06-18",
                "capabilities": {"resources": false, "tools": true, "prompts": false},
            })
        );
        let keys: Vec<&String> = manifest.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "version", "description", "protocol_version", "capabilities"]);
    }
}
