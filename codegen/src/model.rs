//! The checked model every emitter reads. Building one (see `validate`) guarantees that names are valid and
//! unique, every reference resolves, and every environment is complete, so emitters never fail.

use std::collections::BTreeMap;

pub use crate::spec::{
    BearerMethod, DocumentKind, DurableObjectStorage, EndpointScheme, HttpMethod, KvNamespaceIds, NotFoundHandling,
    RouteCors, StringFormat,
};

#[derive(Debug, Clone)]
pub struct Model {
    pub worker: Worker,
    pub api: Api,
    pub cors: Option<Cors>,
    pub oauth: Option<OAuth>,
    pub mcp: Option<Mcp>,
    pub bindings: Bindings,
    pub migrations: Vec<Migration>,
    /// The default environment first (served by `wrangler dev` and the top level of wrangler.toml), then the
    /// others by name.
    pub environments: Vec<Environment>,
    pub types: BTreeMap<String, TypeDef>,
    pub routes: Vec<Route>,
    pub test_flows: Option<TestFlows>,
}

#[derive(Debug, Clone)]
pub struct Worker {
    pub name: String,
    /// Path of the workers-rs crate, relative to the spec file.
    pub crate_dir: String,
    pub compatibility_date: String,
    pub compatibility_flags: Vec<String>,
    pub environment_var: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Validated to name an environment.
    pub reference_environment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_credentials: bool,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct OAuth {
    pub bearer_methods: Vec<BearerMethod>,
    pub resource_documentation: Option<String>,
    pub scopes: BTreeMap<String, String>,
    /// KV binding of sign-in state and sessions.
    pub session_store: String,
    pub session_ttl_seconds: u32,
    pub session_cookie: String,
    pub login_state_ttl_seconds: u32,
    /// Name of the secret holding the OAuth client secret.
    pub client_secret: String,
}

/// One environment's authorization server and client registration.
#[derive(Debug, Clone)]
pub struct EnvOAuth {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub client_id: String,
    pub post_login_redirect: String,
}

#[derive(Debug, Clone)]
pub struct Mcp {
    pub name: String,
    pub title: Option<String>,
    pub version: String,
    /// Newest first; each one the runtime implements.
    pub protocol_versions: Vec<String>,
    pub instructions: Option<String>,
    /// KV binding of MCP sessions.
    pub session_store: String,
    pub session_ttl_seconds: u32,
    /// By name.
    pub tools: Vec<McpTool>,
    /// By name.
    pub resources: Vec<McpResource>,
    /// Path of the route that serves the server, when there is one.
    pub path: Option<String>,
}

/// A tool bound to a JSON route: it takes the route's parameters or body and answers its response.
#[derive(Debug, Clone)]
pub struct McpTool {
    pub name: String,
    /// Id of the route.
    pub route: String,
    pub title: String,
    pub description: String,
    pub annotations: ToolAnnotations,
    /// URI of the resource that renders the result.
    pub widget: Option<String>,
    pub widget_accessible: bool,
    pub invoking: Option<String>,
    pub invoked: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolAnnotations {
    pub read_only: bool,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct McpResource {
    pub name: String,
    pub uri: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Path under the assets directory, starting with `/`.
    pub asset: String,
    pub mime_type: String,
    pub widget: Option<Widget>,
}

#[derive(Debug, Clone, Default)]
pub struct Widget {
    pub description: Option<String>,
    pub prefers_border: bool,
    pub connect_domains: Vec<String>,
    pub resource_domains: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Bindings {
    pub kv: Vec<KvBinding>,
    pub durable_objects: Vec<DurableObjectBinding>,
    pub assets: Option<Assets>,
    pub vars: Vec<Var>,
    pub secrets: Vec<Secret>,
}

impl Bindings {
    /// Every declared binding as `(name, kind)`, in the order the health report lists them; `kind` is the
    /// wire name (`kv`, `durable_object`, `assets`, `var`, `secret`).
    pub fn declared(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.kv
            .iter()
            .map(|kv| (kv.name.as_str(), "kv"))
            .chain(self.durable_objects.iter().map(|object| (object.name.as_str(), "durable_object")))
            .chain(self.assets.iter().map(|assets| (assets.binding.as_str(), "assets")))
            .chain(self.vars.iter().map(|var| (var.name.as_str(), "var")))
            .chain(self.secrets.iter().map(|secret| (secret.name.as_str(), "secret")))
    }
}

#[derive(Debug, Clone)]
pub struct KvBinding {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DurableObjectBinding {
    pub name: String,
    pub class: String,
    pub storage: DurableObjectStorage,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Assets {
    pub binding: String,
    /// Relative to the spec file.
    pub directory: String,
    pub not_found_handling: NotFoundHandling,
}

#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub tag: String,
    pub new_sqlite_classes: Vec<String>,
    pub new_classes: Vec<String>,
    pub deleted_classes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub is_default: bool,
    pub origin: String,
    /// Present for every environment exactly when the spec has an `oauth` section.
    pub oauth: Option<EnvOAuth>,
    pub workers_dev: Option<bool>,
    pub routes: Vec<EnvRoute>,
    /// Every declared var with its value here (the environment var included).
    pub vars: BTreeMap<String, String>,
    /// Every declared KV binding with its namespace ids here.
    pub kv: BTreeMap<String, KvNamespaceIds>,
}

#[derive(Debug, Clone)]
pub struct EnvRoute {
    pub pattern: String,
    pub custom_domain: bool,
    pub zone_name: Option<String>,
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Enum(EnumDef),
    Object(ObjectDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Enum(e) => &e.name,
            TypeDef::Object(o) => &o.name,
        }
    }

    pub fn description(&self) -> Option<&str> {
        match self {
            TypeDef::Enum(e) => e.description.as_deref(),
            TypeDef::Object(o) => o.description.as_deref(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub description: Option<String>,
    /// Wire values in declaration order.
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ObjectDef {
    pub name: String,
    pub description: Option<String>,
    /// Fields by wire name.
    pub fields: Vec<Field>,
}

/// An object property or a request parameter.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire (a header name keeps its case).
    pub name: String,
    pub ty: FieldType,
    /// False when the field may be absent; a field with a default is never required.
    pub required: bool,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub example: Option<serde_json::Value>,
    pub constraints: Constraints,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    /// Any JSON value.
    Json,
    /// A declared type.
    Named(String),
    Array(Box<FieldType>),
    /// A map with string keys.
    Map(Box<FieldType>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub format: Option<StringFormat>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// Allowed string values of a parameter.
    pub allowed: Option<Vec<String>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone)]
pub struct Route {
    pub id: String,
    pub methods: Vec<HttpMethod>,
    pub path: String,
    pub segments: Vec<PathSegment>,
    pub kind: RouteKind,
    pub summary: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub scopes: Vec<String>,
    /// Which browser origins may read the answers.
    pub cors: RouteCors,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: Option<Response>,
    /// Documented error responses by status, including those every route of this shape can return.
    pub errors: BTreeMap<u16, String>,
}

impl Route {
    /// Its methods and path, as the reference and the generated docs name it: `GET, POST /auth/logout`.
    pub fn label(&self) -> String {
        let methods: Vec<&str> = self.methods.iter().map(|m| m.as_str()).collect();
        format!("{} {}", methods.join(", "), self.path)
    }

    pub fn params_in(&self, location: ParamLocation) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.location == location)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteKind {
    Json,
    Redirect,
    Document(DocumentKind),
    /// A generated step of the OAuth sign-in flow.
    OAuth(OAuthStep),
    /// Server-Sent Events handed to the named Durable Object binding.
    Sse {
        binding: String,
        /// Seconds between keep-alive comments on an idle stream.
        heartbeat_seconds: u32,
    },
    /// A WebSocket handed to the named Durable Object binding.
    WebSocket {
        binding: String,
    },
    /// The MCP server over Streamable HTTP; a WebSocket upgrade goes to `websocket`, when named.
    Mcp {
        websocket: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OAuthStep {
    Login,
    Callback,
    Logout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

impl ParamLocation {
    /// The name used in error locations (`query.limit`) and OpenAPI's `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub location: ParamLocation,
    pub field: Field,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub ty: String,
    pub description: Option<String>,
}

/// Diagnostic test flows: the steps of each workflow and where flows may go.
#[derive(Debug, Clone)]
pub struct TestFlows {
    /// The enum type whose values name the workflows.
    pub workflow_type: String,
    pub protocol_version: String,
    pub step_timeout_seconds: u32,
    /// Every value of the workflow enum with its steps, in the enum's order.
    pub workflows: Vec<Workflow>,
    /// The rules of every environment, in the model's environment order.
    pub endpoints: Vec<(String, EndpointRules)>,
}

#[derive(Debug, Clone)]
pub struct Workflow {
    pub name: String,
    pub steps: Vec<McpMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRules {
    pub schemes: Vec<EndpointScheme>,
    pub allow_loopback: bool,
    pub allow_private: bool,
}

/// The MCP methods a test-flow step may call: the handshake and the requests that take no arguments, so
/// a step needs nothing but its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum McpMethod {
    Initialize,
    Initialized,
    Ping,
    ToolsList,
    ResourcesList,
    ResourceTemplatesList,
    PromptsList,
}

impl McpMethod {
    pub const ALL: [McpMethod; 7] = [
        McpMethod::Initialize,
        McpMethod::Initialized,
        McpMethod::Ping,
        McpMethod::ToolsList,
        McpMethod::ResourcesList,
        McpMethod::ResourceTemplatesList,
        McpMethod::PromptsList,
    ];

    /// The JSON-RPC method name.
    pub fn as_str(self) -> &'static str {
        match self {
            McpMethod::Initialize => "initialize",
            McpMethod::Initialized => "notifications/initialized",
            McpMethod::Ping => "ping",
            McpMethod::ToolsList => "tools/list",
            McpMethod::ResourcesList => "resources/list",
            McpMethod::ResourceTemplatesList => "resources/templates/list",
            McpMethod::PromptsList => "prompts/list",
        }
    }

    /// Whether the method is a notification, sent without an id and never answered.
    pub fn is_notification(self) -> bool {
        self == McpMethod::Initialized
    }

    pub fn from_name(name: &str) -> Option<McpMethod> {
        McpMethod::ALL.into_iter().find(|method| method.as_str() == name)
    }
}

impl EndpointScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointScheme::Http => "http",
            EndpointScheme::Https => "https",
        }
    }
}

impl BearerMethod {
    /// The name RFC 9728's `bearer_methods_supported` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            BearerMethod::Header => "header",
            BearerMethod::Body => "body",
            BearerMethod::Query => "query",
        }
    }
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl Model {
    pub fn default_environment(&self) -> &Environment {
        // validate guarantees exactly one default environment, placed first.
        &self.environments[0]
    }

    /// The environment the published documents describe (its authorization server, for instance).
    pub fn reference_environment(&self) -> &Environment {
        let name = self.api.reference_environment.as_deref();
        self.environments.iter().find(|e| Some(e.name.as_str()) == name).unwrap_or_else(|| self.default_environment())
    }

    /// Issuers of every environment, deduplicated, in environment order.
    pub fn authorization_servers(&self) -> Vec<&str> {
        let mut servers: Vec<&str> = Vec::new();
        for issuer in self.environments.iter().filter_map(|e| e.oauth.as_ref()).map(|o| o.issuer.as_str()) {
            if !servers.contains(&issuer) {
                servers.push(issuer);
            }
        }
        servers
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }
}
