//! What the reference templates see: the model flattened into plain, display-ready values.
//!
//! Every decision about wording, grouping and order is made here, so the HTML and Markdown templates only lay
//! out the same content and cannot drift apart.

use serde::Serialize;
use serde_json::Value;

use crate::emit::examples::{json_number, type_example};
use crate::emit::openapi::{format_name, operation_id, tags_in_order};
use crate::model::OAuthStep;
use crate::model::{
    Constraints, DocumentKind, Field, FieldType, Model, ParamLocation, Route, RouteCors, RouteKind, TypeDef,
};

#[derive(Debug, Serialize)]
pub struct Reference {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Path of the route serving the OpenAPI document, if any.
    pub openapi_path: Option<String>,
    pub groups: Vec<Group>,
    pub oauth: Option<OAuth>,
    pub cors: Option<Cors>,
    pub mcp: Option<McpView>,
    /// An example error body, pretty JSON.
    pub error_example: String,
    pub types: Vec<Type>,
}

#[derive(Debug, Serialize)]
pub struct Server {
    pub name: String,
    pub origin: String,
    pub is_default: bool,
}

/// The routes of one tag; each route is listed under its first tag only, so it has one anchor.
#[derive(Debug, Serialize)]
pub struct Group {
    pub name: String,
    /// The name as a heading: first letter upper case.
    pub title: String,
    pub anchor: String,
    pub description: Option<String>,
    pub routes: Vec<Operation>,
}

#[derive(Debug, Serialize)]
pub struct Operation {
    pub anchor: String,
    pub methods: Vec<String>,
    pub operation_ids: Vec<String>,
    pub path: String,
    pub summary: String,
    pub description: Option<String>,
    /// What a route that does not answer plain JSON does.
    pub behaviour: Option<String>,
    /// Any origin may read the answers (`cors: public`).
    pub public: bool,
    pub scopes: Vec<Scope>,
    pub params: Vec<Row>,
    pub body: Option<Payload>,
    pub response: Answer,
    pub errors: Vec<ErrorAnswer>,
}

#[derive(Debug, Serialize)]
pub struct Scope {
    pub name: String,
    pub description: String,
}

/// One line of a parameters or fields table.
#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    /// `path`, `query` or `header` for parameters; absent for type fields.
    pub location: Option<String>,
    pub ty: String,
    /// The anchor of the named type `ty` mentions, for a link.
    pub type_anchor: Option<String>,
    pub required: bool,
    /// The default as JSON text.
    pub default: Option<String>,
    pub constraints: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Payload {
    pub type_name: String,
    pub type_anchor: String,
    pub description: Option<String>,
    pub example: String,
}

#[derive(Debug, Serialize)]
pub struct Answer {
    pub status: u16,
    pub reason: String,
    pub content_type: Option<String>,
    pub description: Option<String>,
    pub payload: Option<Payload>,
}

#[derive(Debug, Serialize)]
pub struct ErrorAnswer {
    pub status: u16,
    pub reason: String,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct OAuth {
    pub authorization_servers: Vec<String>,
    pub bearer_methods: Vec<String>,
    pub resource_documentation: Option<String>,
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Serialize)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_credentials: bool,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<u32>,
    /// The routes any origin may read, without credentials.
    pub public_routes: Vec<RouteLink>,
}

/// A route named by its methods and path, and its anchor.
#[derive(Debug, Serialize)]
pub struct RouteLink {
    pub label: String,
    pub anchor: String,
}

/// The MCP server: where it is served and what each tool runs.
#[derive(Debug, Serialize)]
pub struct McpView {
    pub name: String,
    pub version: String,
    pub path: Option<String>,
    pub protocol_versions: Vec<String>,
    /// The path of the route that also takes WebSocket upgrades, if any.
    pub websocket: bool,
    pub tools: Vec<ToolView>,
    pub resources: Vec<ResourceView>,
}

#[derive(Debug, Serialize)]
pub struct ToolView {
    pub name: String,
    pub title: String,
    /// The route the tool runs: method, path and its anchor.
    pub route: String,
    pub route_anchor: String,
    pub scopes: Vec<String>,
    /// Annotation hints that are set, e.g. `read-only`.
    pub hints: Vec<String>,
    pub widget: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ResourceView {
    pub uri: String,
    pub name: String,
    pub mime_type: String,
    pub asset: String,
}

#[derive(Debug, Serialize)]
pub struct Type {
    pub name: String,
    pub anchor: String,
    pub description: Option<String>,
    /// Values of an enum type; empty for objects.
    pub values: Vec<String>,
    /// Fields of an object type; empty for enums.
    pub fields: Vec<Row>,
}

pub fn reference(model: &Model) -> Reference {
    Reference {
        title: model.api.title.clone(),
        version: model.api.version.clone(),
        description: model.api.description.as_ref().map(|d| d.trim_end().to_owned()),
        servers: model
            .environments
            .iter()
            .map(|env| Server { name: env.name.clone(), origin: env.origin.clone(), is_default: env.is_default })
            .collect(),
        openapi_path: model
            .routes
            .iter()
            .find(|r| r.kind == RouteKind::Document(DocumentKind::Openapi))
            .map(|r| r.path.clone()),
        groups: groups(model),
        oauth: model.oauth.as_ref().map(|oauth| OAuth {
            authorization_servers: model.authorization_servers().into_iter().map(str::to_owned).collect(),
            bearer_methods: oauth.bearer_methods.iter().map(|m| m.as_str().to_owned()).collect(),
            resource_documentation: oauth.resource_documentation.clone(),
            scopes: oauth
                .scopes
                .iter()
                .map(|(name, description)| Scope { name: name.clone(), description: description.clone() })
                .collect(),
        }),
        cors: model.cors.as_ref().map(|cors| Cors {
            allow_origins: cors.allow_origins.clone(),
            allow_credentials: cors.allow_credentials,
            allow_headers: cors.allow_headers.clone(),
            expose_headers: cors.expose_headers.clone(),
            max_age: cors.max_age,
            public_routes: model
                .routes
                .iter()
                .filter(|route| route.cors == RouteCors::Public)
                .map(|route| RouteLink { label: route.label(), anchor: anchor("op", &route.id) })
                .collect(),
        }),
        mcp: mcp_view(model),
        error_example: pretty(&error_example(model)),
        types: model.types.values().map(type_view).collect(),
    }
}

fn mcp_view(model: &Model) -> Option<McpView> {
    let mcp = model.mcp.as_ref()?;
    let route = model.routes.iter().find(|r| matches!(r.kind, RouteKind::Mcp { .. }));
    let tools = mcp
        .tools
        .iter()
        .map(|tool| {
            let route = crate::emit::mcp::route_of(model, tool);
            let hints = &tool.annotations;
            let hint_names = [
                (Some(hints.read_only), "read-only"),
                (hints.destructive, "destructive"),
                (hints.idempotent, "idempotent"),
                (hints.open_world, "open-world"),
            ];
            ToolView {
                name: tool.name.clone(),
                title: tool.title.clone(),
                route: route.label(),
                route_anchor: anchor("op", &route.id),
                scopes: route.scopes.clone(),
                hints: hint_names
                    .iter()
                    .filter(|(on, _)| *on == Some(true))
                    .map(|(_, name)| (*name).to_owned())
                    .collect(),
                widget: tool.widget.clone(),
            }
        })
        .collect();
    Some(McpView {
        name: mcp.name.clone(),
        version: mcp.version.clone(),
        path: mcp.path.clone(),
        protocol_versions: mcp.protocol_versions.clone(),
        websocket: route.is_some_and(|r| matches!(r.kind, RouteKind::Mcp { websocket: Some(_) })),
        tools,
        resources: mcp
            .resources
            .iter()
            .map(|r| ResourceView {
                uri: r.uri.clone(),
                name: r.name.clone(),
                mime_type: r.mime_type.clone(),
                asset: r.asset.clone(),
            })
            .collect(),
    })
}

/// Tagged routes in tag order, then untagged ones under "Other".
fn groups(model: &Model) -> Vec<Group> {
    let mut groups: Vec<Group> = tags_in_order(model)
        .into_iter()
        .map(|(name, description)| Group {
            name: name.to_owned(),
            title: heading(name),
            anchor: anchor("tag", name),
            description: Some(description.to_owned()),
            routes: Vec::new(),
        })
        .collect();
    let mut other = Vec::new();
    for route in &model.routes {
        let operation = operation(model, route);
        match route.tags.first().and_then(|tag| groups.iter_mut().find(|g| &g.name == tag)) {
            Some(group) => group.routes.push(operation),
            None => other.push(operation),
        }
    }
    if !other.is_empty() {
        groups.push(Group {
            name: "other".to_owned(),
            title: "Other".to_owned(),
            anchor: anchor("tag", "other"),
            description: None,
            routes: other,
        });
    }
    groups.retain(|g| !g.routes.is_empty());
    groups
}

fn operation(model: &Model, route: &Route) -> Operation {
    let scope_description =
        |name: &String| model.oauth.as_ref().and_then(|o| o.scopes.get(name)).cloned().unwrap_or_default();
    Operation {
        anchor: anchor("op", &route.id),
        methods: route.methods.iter().map(|m| m.as_str().to_owned()).collect(),
        operation_ids: route.methods.iter().map(|m| operation_id(route, *m)).collect(),
        path: route.path.clone(),
        summary: route.summary.clone(),
        description: route.description.clone(),
        behaviour: behaviour(&route.kind),
        public: route.cors == RouteCors::Public,
        scopes: route
            .scopes
            .iter()
            .map(|name| Scope { name: name.clone(), description: scope_description(name) })
            .collect(),
        params: route.params.iter().map(|p| row(&p.field, Some(p.location))).collect(),
        body: route.body.as_ref().map(|body| payload(model, &body.ty, body.description.clone())),
        response: answer(model, route),
        errors: route
            .errors
            .iter()
            .map(|(status, description)| ErrorAnswer {
                status: *status,
                reason: reason(*status).to_owned(),
                description: description.clone(),
            })
            .collect(),
    }
}

fn behaviour(kind: &RouteKind) -> Option<String> {
    let text = match kind {
        RouteKind::Json => return None,
        RouteKind::Redirect => "Answers `302 Found` with a `Location` header; a browser follows it.",
        RouteKind::Document(DocumentKind::OauthProtectedResource) => {
            "Serves this environment's OAuth 2.0 protected resource metadata (RFC 9728), generated from the spec."
        }
        RouteKind::Document(DocumentKind::McpManifest) => "Serves the MCP server manifest, generated from the spec.",
        RouteKind::Document(DocumentKind::Openapi) => {
            "Serves the OpenAPI 3.1 document of this API, generated from the spec."
        }
        RouteKind::Document(DocumentKind::ReferenceHtml) => "Serves this reference as an HTML page.",
        RouteKind::Document(DocumentKind::ReferenceMarkdown) => "Serves this reference as Markdown.",
        RouteKind::OAuth(OAuthStep::Login) => {
            "Starts signing in: redirects to this environment's authorization server with a one-time `state` and a \
             PKCE challenge."
        }
        RouteKind::OAuth(OAuthStep::Callback) => {
            "Completes signing in: refuses a missing, unknown, reused or expired `state`, exchanges the code for \
             tokens, stores the session and sets the session cookie, then redirects to the dashboard."
        }
        RouteKind::OAuth(OAuthStep::Logout) => {
            "Ends the session named by the session cookie or the `X-Session-Id` header and clears the cookie; \
             answers `{\"success\": true}`."
        }
        RouteKind::Sse { .. } => {
            "Opens a Server-Sent Events stream (`text/event-stream`) that stays open: each event names the kind \
             of change in `event:` and carries it as JSON in `data:`."
        }
        RouteKind::WebSocket { .. } => {
            "Upgrades the connection to a WebSocket: the request must carry `Upgrade: websocket` (every WebSocket \
             client sends it) and the server answers `101 Switching Protocols`."
        }
        RouteKind::Mcp { websocket } => {
            let upgrade = if websocket.is_some() {
                " A GET with `Upgrade: websocket` opens the realtime JSON-RPC WebSocket instead."
            } else {
                ""
            };
            return Some(format!(
                "The MCP server (Streamable HTTP): POST JSON-RPC messages, starting with `initialize`, whose answer \
                 sets `Mcp-Session-Id`; send that header with every later request, and DELETE to end the session.\
                 {upgrade} The MCP server section lists its tools."
            ));
        }
    };
    Some(text.to_owned())
}

/// The success answer. Routes that do not answer JSON get no description here: `behaviour` already says it.
fn answer(model: &Model, route: &Route) -> Answer {
    let plain = |status: u16, content_type: Option<&str>| Answer {
        status,
        reason: reason(status).to_owned(),
        content_type: content_type.map(str::to_owned),
        description: None,
        payload: None,
    };
    match &route.kind {
        RouteKind::Json => match &route.response {
            Some(response) => Answer {
                status: response.status,
                reason: reason(response.status).to_owned(),
                content_type: Some("application/json".to_owned()),
                description: response.description.clone(),
                payload: Some(payload(model, &response.ty, None)),
            },
            None => Answer { description: Some("Success, with no body".to_owned()), ..plain(204, None) },
        },
        RouteKind::Redirect | RouteKind::OAuth(OAuthStep::Login | OAuthStep::Callback) => plain(302, None),
        RouteKind::OAuth(OAuthStep::Logout) => plain(200, Some("application/json")),
        RouteKind::Document(kind) => {
            let content_type = match kind {
                DocumentKind::ReferenceHtml => "text/html",
                DocumentKind::ReferenceMarkdown => "text/markdown",
                DocumentKind::OauthProtectedResource | DocumentKind::McpManifest | DocumentKind::Openapi => {
                    "application/json"
                }
            };
            plain(200, Some(content_type))
        }
        RouteKind::Sse { .. } => plain(200, Some("text/event-stream")),
        RouteKind::WebSocket { .. } => plain(101, None),
        RouteKind::Mcp { .. } => plain(200, Some("application/json")),
    }
}

fn payload(model: &Model, type_name: &str, description: Option<String>) -> Payload {
    Payload {
        type_name: type_name.to_owned(),
        type_anchor: anchor("type", type_name),
        description: description.or_else(|| model.type_def(type_name).and_then(|t| t.description()).map(str::to_owned)),
        example: pretty(&type_example(model, type_name)),
    }
}

fn type_view(def: &TypeDef) -> Type {
    let (values, fields) = match def {
        TypeDef::Enum(e) => (e.values.clone(), Vec::new()),
        TypeDef::Object(o) => (Vec::new(), o.fields.iter().map(|f| row(f, None)).collect()),
    };
    Type {
        name: def.name().to_owned(),
        anchor: anchor("type", def.name()),
        description: def.description().map(str::to_owned),
        values,
        fields,
    }
}

fn row(field: &Field, location: Option<ParamLocation>) -> Row {
    Row {
        name: field.name.clone(),
        location: location.map(|l| l.as_str().to_owned()),
        ty: type_text(&field.ty, &field.constraints),
        type_anchor: named_in(&field.ty).map(|name| anchor("type", name)),
        required: field.required,
        default: field.default.as_ref().map(Value::to_string),
        constraints: constraints_text(&field.constraints),
        description: field.description.clone(),
    }
}

fn type_text(ty: &FieldType, constraints: &Constraints) -> String {
    match ty {
        FieldType::String => match constraints.format {
            Some(format) => format!("string ({})", format_name(format)),
            None => "string".to_owned(),
        },
        FieldType::Integer => "integer".to_owned(),
        FieldType::Number => "number".to_owned(),
        FieldType::Boolean => "boolean".to_owned(),
        FieldType::Json => "any JSON".to_owned(),
        FieldType::Named(name) => name.clone(),
        FieldType::Array(item) => format!("array of {}", type_text(item, &Constraints::default())),
        FieldType::Map(value) => format!("map of {}", type_text(value, &Constraints::default())),
    }
}

/// The declared type a field's type mentions, for a link.
fn named_in(ty: &FieldType) -> Option<&str> {
    match ty {
        FieldType::Named(name) => Some(name),
        FieldType::Array(inner) | FieldType::Map(inner) => named_in(inner),
        _ => None,
    }
}

fn constraints_text(c: &Constraints) -> String {
    let bound = |x: f64| json_number(x).to_string();
    let mut parts = Vec::new();
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) => parts.push(format!("{} to {}", bound(min), bound(max))),
        (Some(min), None) => parts.push(format!("at least {}", bound(min))),
        (None, Some(max)) => parts.push(format!("at most {}", bound(max))),
        (None, None) => {}
    }
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters")),
        (Some(min), None) => parts.push(format!("at least {min} characters")),
        (None, Some(max)) => parts.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if let Some(allowed) = &c.allowed {
        parts.push(format!("one of {}", allowed.join(", ")));
    }
    parts.join("; ")
}

/// An error body like those the runtime sends, naming a real parameter when the API has one.
fn error_example(model: &Model) -> Value {
    let location = model
        .routes
        .iter()
        .flat_map(|r| r.params.iter())
        .next()
        .map_or_else(|| "body".to_owned(), |p| format!("{}.{}", p.location.as_str(), p.field.name));
    serde_json::json!({
        "error": {
            "code": "invalid_parameter",
            "message": "The value is malformed or out of range",
            "location": location,
        }
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn heading(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An HTML id: a prefix and the name with anything but letters, digits, `_` and `-` replaced by `-`.
fn anchor(prefix: &str, name: &str) -> String {
    let slug: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect();
    format!("{prefix}-{slug}")
}

/// The reason phrase of the statuses an API reference commonly shows.
fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
