//! One operation object per route and method: parameters, request body, responses and security.

use serde_json::{json, Map, Value};

use super::mcp;
use super::schemas::{self, ERROR_SCHEMA};
use crate::model::OAuthStep;
use crate::model::{DocumentKind, HttpMethod, Model, Param, Route, RouteKind};

/// The name of the security scheme that scoped operations require.
pub const OAUTH_SCHEME: &str = "oauth2";

/// The operationId of `method` on `route`: the route id for its first method, `<id>_<method>` for the others,
/// so a route serving several methods still has unique ids.
pub fn operation_id(route: &Route, method: HttpMethod) -> String {
    if route.methods.first() == Some(&method) {
        route.id.clone()
    } else {
        format!("{}_{}", route.id, method.as_str().to_ascii_lowercase())
    }
}

pub fn operation(model: &Model, route: &Route, method: HttpMethod) -> Value {
    let mut op = Map::new();
    if !route.tags.is_empty() {
        op.insert("tags".into(), json!(route.tags));
    }
    op.insert("summary".into(), json!(route.summary));
    if let Some(description) = &route.description {
        op.insert("description".into(), json!(description));
    }
    op.insert("operationId".into(), json!(operation_id(route, method)));
    let parameters = parameters(route, method);
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if matches!(route.kind, RouteKind::Mcp { .. }) && method == HttpMethod::Post {
        op.insert("requestBody".into(), mcp::request_body());
    }
    if let Some(body) = &route.body {
        let mut request = Map::new();
        if let Some(description) = &body.description {
            request.insert("description".into(), json!(description));
        }
        request.insert("content".into(), json!({ "application/json": { "schema": schemas::reference(&body.ty) } }));
        request.insert("required".into(), json!(true));
        op.insert("requestBody".into(), Value::Object(request));
    }
    op.insert("responses".into(), Value::Object(responses(model, route, method)));
    if model.oauth.is_some() && !route.scopes.is_empty() {
        op.insert("security".into(), json!([{ OAUTH_SCHEME: route.scopes }]));
    }
    if let (Some(_), Some(mcp), RouteKind::Mcp { .. }) = (&model.oauth, &model.mcp, &route.kind) {
        // Listing and open tools need no token; a tool bound to a scoped route needs that route's scopes.
        let scopes = mcp::tool_scopes(model, mcp);
        if method == HttpMethod::Post && !scopes.is_empty() {
            op.insert("security".into(), json!([{}, { OAUTH_SCHEME: scopes }]));
        }
    }
    Value::Object(op)
}

fn parameters(route: &Route, method: HttpMethod) -> Vec<Value> {
    let mut list: Vec<Value> = route.params.iter().map(parameter).collect();
    if matches!(route.kind, RouteKind::Mcp { .. }) && method != HttpMethod::Get {
        list.extend(mcp::headers(method));
    }
    let upgrade = match &route.kind {
        RouteKind::WebSocket { .. } => true,
        RouteKind::Mcp { websocket } => websocket.is_some() && method == HttpMethod::Get,
        _ => false,
    };
    if upgrade {
        list.push(json!({
            "name": "Upgrade",
            "in": "header",
            "description": "Must be `websocket`: the request asks to switch to the WebSocket protocol",
            "required": true,
            "schema": { "type": "string", "enum": ["websocket"] },
        }));
    }
    list
}

fn parameter(param: &Param) -> Value {
    let field = &param.field;
    let mut object = Map::new();
    object.insert("name".into(), json!(field.name));
    object.insert("in".into(), json!(param.location.as_str()));
    if let Some(description) = &field.description {
        object.insert("description".into(), json!(description));
    }
    object.insert("required".into(), json!(field.required));
    // The description already sits on the parameter; the schema carries type, bounds and default only.
    let mut schema = schemas::field_schema(field);
    if let Value::Object(map) = &mut schema {
        map.remove("description");
        map.remove("examples");
    }
    object.insert("schema".into(), schema);
    if let Some(example) = &field.example {
        object.insert("example".into(), example.clone());
    }
    Value::Object(object)
}

/// The success answer for the route's kind, then every documented error, by status; a route with scopes
/// also answers 401 and 403, which the generated scope check sends whatever the spec documents.
fn responses(model: &Model, route: &Route, method: HttpMethod) -> Map<String, Value> {
    let mut responses = Map::new();
    if matches!(route.kind, RouteKind::Mcp { .. }) && method != HttpMethod::Get {
        responses.extend(mcp::success(method));
    } else {
        let (status, success) = success(model, route);
        responses.insert(status.to_string(), success);
    }
    for (status, description) in &route.errors {
        let schema = match (&route.kind, status) {
            (RouteKind::Mcp { .. }, 400) => mcp::bad_request_schema(schemas::reference(ERROR_SCHEMA)),
            _ => schemas::reference(ERROR_SCHEMA),
        };
        responses.insert(
            status.to_string(),
            json!({ "description": description, "content": { "application/json": { "schema": schema } } }),
        );
    }
    if !route.scopes.is_empty() {
        for (status, name) in [("401", UNAUTHORIZED), ("403", FORBIDDEN)] {
            responses.entry(status).or_insert_with(|| json!({ "$ref": format!("#/components/responses/{name}") }));
        }
    }
    // By status, as a reader scans them (three-digit codes sort as numbers do).
    let mut sorted: Vec<(String, Value)> = responses.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.into_iter().collect()
}

/// Names of the shared 401 and 403 answers under `components.responses`.
const UNAUTHORIZED: &str = "Unauthorized";
const FORBIDDEN: &str = "Forbidden";

/// The answers of the generated scope check, shared by every operation with scopes.
pub fn auth_responses() -> Value {
    let challenge = json!({
        "description": "`Bearer` with `resource_metadata` (RFC 9728), the scopes the operation needs and, \
                        when credentials were refused, `error`",
        "schema": { "type": "string" },
    });
    let error = |description: &str| {
        json!({
            "description": description,
            "headers": { "WWW-Authenticate": challenge.clone() },
            "content": { "application/json": { "schema": schemas::reference(ERROR_SCHEMA) } },
        })
    };
    json!({
        UNAUTHORIZED: error("No credentials, or a token or session that is invalid, expired or not meant for this API"),
        FORBIDDEN: error("The credentials lack a scope this operation needs (`insufficient_scope`)"),
    })
}

fn success(model: &Model, route: &Route) -> (u16, Value) {
    match &route.kind {
        RouteKind::Json => match &route.response {
            Some(response) => {
                let description = response
                    .description
                    .as_deref()
                    .or_else(|| model.type_def(&response.ty).and_then(|t| t.description()))
                    .unwrap_or("Success");
                let content = json!({ "application/json": { "schema": schemas::reference(&response.ty) } });
                (response.status, json!({ "description": description, "content": content }))
            }
            None => (204, json!({ "description": "Success, with no body" })),
        },
        RouteKind::OAuth(OAuthStep::Logout) => (
            200,
            json!({
                "description": "The session is ended (or there was none) and the session cookie is cleared",
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": { "success": { "type": "boolean" } },
                    "required": ["success"],
                } } },
            }),
        ),
        RouteKind::Redirect | RouteKind::OAuth(_) => (
            302,
            json!({
                "description": "Redirects the browser; the `Location` header names the target",
                "headers": {
                    "Location": {
                        "description": "Where to go next",
                        "required": true,
                        "schema": { "type": "string", "format": "uri-reference" },
                    },
                },
            }),
        ),
        RouteKind::Document(kind) => (200, document(*kind)),
        RouteKind::Sse { .. } => (
            200,
            json!({
                "description": "A Server-Sent Events stream that stays open; each event's `data` is one JSON object",
                "content": {
                    "text/event-stream": {
                        "schema": {
                            "type": "string",
                            "description": "`event:` names the kind of change, `data:` carries it as JSON; \
                                            events are separated by blank lines",
                        },
                    },
                },
            }),
        ),
        // An MCP route's GET is its WebSocket upgrade; its POST and DELETE are described by `mcp::success`.
        RouteKind::WebSocket { .. } | RouteKind::Mcp { .. } => (
            101,
            json!({
                "description": "Switching Protocols: the connection becomes a WebSocket. \
                                The request must carry `Upgrade: websocket`",
            }),
        ),
    }
}

fn document(kind: DocumentKind) -> Value {
    let (description, media_type, schema) = match kind {
        DocumentKind::OauthProtectedResource => (
            "OAuth 2.0 protected resource metadata (RFC 9728)",
            "application/json",
            schemas::protected_resource_schema(),
        ),
        DocumentKind::McpManifest => ("The MCP server manifest", "application/json", json!({ "type": "object" })),
        DocumentKind::Openapi => ("This OpenAPI document", "application/json", json!({ "type": "object" })),
        DocumentKind::ReferenceHtml => ("The API reference as an HTML page", "text/html", json!({ "type": "string" })),
        DocumentKind::ReferenceMarkdown => {
            ("The API reference as Markdown", "text/markdown", json!({ "type": "string" }))
        }
    };
    json!({ "description": description, "content": { media_type: { "schema": schema } } })
}
