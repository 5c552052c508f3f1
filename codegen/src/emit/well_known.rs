//! The `.well-known` documents, built as JSON values (keys keep the order they are inserted in).

use serde_json::{json, Map, Value};

use crate::model::{DocumentKind, Environment, Model, RouteKind};

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for one environment, its fields in the RFC's order.
///
/// Without an `oauth` section there is nothing to protect, so the document only names the resource.
pub fn oauth_protected_resource(model: &Model, env: &Environment) -> Value {
    let mut document = Map::new();
    document.insert("resource".into(), json!(env.origin));
    let Some(oauth) = &model.oauth else {
        return Value::Object(document);
    };
    if let Some(endpoints) = &env.oauth {
        document.insert("authorization_servers".into(), json!([endpoints.issuer]));
    }
    if !oauth.scopes.is_empty() {
        // The scopes are a BTreeMap, so their names come out sorted.
        document.insert("scopes_supported".into(), json!(oauth.scopes.keys().collect::<Vec<_>>()));
    }
    if !oauth.bearer_methods.is_empty() {
        let methods: Vec<&str> = oauth.bearer_methods.iter().map(|m| m.as_str()).collect();
        document.insert("bearer_methods_supported".into(), json!(methods));
    }
    document.insert("resource_name".into(), json!(model.api.title));
    if let Some(documentation) = &oauth.resource_documentation {
        document.insert("resource_documentation".into(), json!(documentation));
    }
    Value::Object(document)
}

/// The MCP server manifest served at `/.well-known/mcp.json`, describing what the `mcp` route serves.
///
/// Without an `mcp` section the document still names the API, and claims no capabilities.
pub fn mcp_manifest(model: &Model) -> Value {
    let mut document = Map::new();
    let (name, version) = match &model.mcp {
        Some(mcp) => (&mcp.name, &mcp.version),
        None => (&model.api.title, &model.api.version),
    };
    document.insert("name".into(), json!(name));
    if let Some(title) = model.mcp.as_ref().and_then(|m| m.title.as_ref()) {
        document.insert("title".into(), json!(title));
    }
    document.insert("version".into(), json!(version));
    if let Some(description) = model.api.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        document.insert("description".into(), json!(description));
    }
    let Some(mcp) = &model.mcp else {
        document.insert("capabilities".into(), json!({ "tools": false, "resources": false, "prompts": false }));
        return Value::Object(document);
    };
    document.insert("protocol_version".into(), json!(mcp.protocol_versions.first()));
    document.insert("protocol_versions".into(), json!(mcp.protocol_versions));
    if let Some(path) = &mcp.path {
        document.insert("transport".into(), json!({ "type": "streamable-http", "endpoint": path }));
    }
    let metadata = model.routes.iter().find(|r| r.kind == RouteKind::Document(DocumentKind::OauthProtectedResource));
    if let (Some(_), Some(route)) = (&model.oauth, metadata) {
        document.insert("authorization".into(), json!({ "type": "oauth2", "resource_metadata": route.path }));
    }
    document.insert(
        "capabilities".into(),
        json!({ "tools": !mcp.tools.is_empty(), "resources": !mcp.resources.is_empty(), "prompts": false }),
    );
    let tools: Vec<Value> =
        mcp.tools.iter().map(|t| json!({ "name": t.name, "title": t.title, "description": t.description })).collect();
    document.insert("tools".into(), Value::Array(tools));
    let resources: Vec<Value> =
        mcp.resources.iter().map(|r| json!({ "uri": r.uri, "name": r.name, "mimeType": r.mime_type })).collect();
    document.insert("resources".into(), Value::Array(resources));
    Value::Object(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"
worker: {name: w, crate: ../worker, compatibility_date: "2025-11-20"}
api: {title: Example API, version: 1.2.3, description: "  Does things.\n"}
mcp:
  name: Example MCP
  version: 0.9.0
  protocol_versions: ["2025-06-18", "2025-03-26"]
  session_store: SESSIONS
  tools:
    status: {route: get_status, description: Reports status.}
bindings:
  kv: {SESSIONS: {}}
environments:
  dev: {origin: "http://localhost:8787", kv: {SESSIONS: {id: 00000000000000000000000000000001}}}
  prod: {origin: "https://example.com", kv: {SESSIONS: {id: 00000000000000000000000000000002}}}
types:
  Status: {properties: {ok: {type: boolean}}}
routes:
  - {id: manifest, method: GET, path: /mcp.json, summary: Manifest, kind: {document: mcp-manifest}}
  - {id: get_status, method: GET, path: /status, summary: Status, response: {type: Status}}
  - {id: mcp, method: [POST, DELETE], path: /mcp, summary: MCP, kind: {mcp: {}}}
"#;

    const WITH_OAUTH: &str = r#"
worker: {name: w, crate: ../worker, compatibility_date: "2025-11-20"}
api: {title: Example API, version: 1.2.3}
oauth:
  bearer_methods: [header, query]
  scopes: {write: Change things, read: Read things}
  session_store: SESSIONS
  client_secret: CLIENT_SECRET
bindings:
  kv: {SESSIONS: {}}
  secrets: {CLIENT_SECRET: {}}
environments:
  dev:
    origin: "http://localhost:8787"
    kv: {SESSIONS: {id: 00000000000000000000000000000001}}
    oauth: &server
      issuer: https://auth.example.com
      authorization_endpoint: https://auth.example.com/authorize
      token_endpoint: https://auth.example.com/token
      jwks_uri: https://auth.example.com/jwks
      client_id: example
  prod:
    origin: "https://example.com"
    kv: {SESSIONS: {id: 00000000000000000000000000000002}}
    oauth: *server
routes:
  - {id: metadata, method: GET, path: /.well-known/oauth-protected-resource, summary: Metadata, kind: {document: oauth-protected-resource}}
"#;

    fn model(text: &str) -> Model {
        crate::load::load(text).unwrap_or_else(|d| panic!("{}", d.render("test.yaml")))
    }

    #[test]
    fn protected_resource_metadata_follows_rfc_9728() {
        let model = model(WITH_OAUTH);
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
    fn mcp_manifest_describes_what_the_mcp_route_serves() {
        let model = model(HEAD);
        let manifest = mcp_manifest(&model);
        assert_eq!(
            manifest,
            json!({
                "name": "Example MCP",
                "version": "0.9.0",
                "description": "Does things.",
                "protocol_version": "2025-06-18",
                "protocol_versions": ["2025-06-18", "2025-03-26"],
                "transport": {"type": "streamable-http", "endpoint": "/mcp"},
                "capabilities": {"tools": true, "resources": false, "prompts": false},
                "tools": [{"name": "status", "title": "Status", "description": "Reports status."}],
                "resources": [],
            })
        );
        let keys: Vec<&String> = manifest.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "name",
                "version",
                "description",
                "protocol_version",
                "protocol_versions",
                "transport",
                "capabilities",
                "tools",
                "resources"
            ]
        );
    }
}
