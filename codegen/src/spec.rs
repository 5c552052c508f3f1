//! The spec file format, exactly as a user writes it.
//!
//! These structs are the serde image of `spec/dashboard.yaml`; the JSON Schema that editors and the loader
//! validate against is derived from them with schemars, so the two can never disagree. Nothing here is
//! checked beyond shape: `validate` turns a `Spec` into the checked `model`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A dashboard spec: everything the generator needs to emit the worker, its config and its documents.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Identity of the Worker and where its Rust crate lives.
    pub worker: WorkerSpec,
    /// API-wide metadata used by OpenAPI and the reference.
    pub api: ApiSpec,
    /// Cross-origin resource sharing for browser clients.
    #[serde(default)]
    pub cors: Option<CorsSpec>,
    /// OAuth 2.0 protected-resource metadata (RFC 9728) and the scopes routes may require.
    #[serde(default)]
    pub oauth: Option<OAuthSpec>,
    /// The MCP server: its tools (bound to routes), resources and sessions; also the manifest at
    /// `/.well-known/mcp.json`.
    #[serde(default)]
    pub mcp: Option<McpSpec>,
    /// Worker bindings: KV, Durable Objects, static assets, vars and secrets.
    #[serde(default)]
    pub bindings: BindingsSpec,
    /// Durable Object migrations, applied in order.
    #[serde(default)]
    pub migrations: Vec<MigrationSpec>,
    /// Deployment environments by name.
    pub environments: BTreeMap<String, EnvironmentSpec>,
    /// Named types used by request and response bodies.
    #[serde(default)]
    pub types: BTreeMap<String, TypeSpec>,
    /// The HTTP routes the worker answers.
    pub routes: Vec<RouteSpec>,
    /// Diagnostic test flows against MCP servers: the steps of each workflow and the endpoints each
    /// environment lets a flow reach.
    #[serde(default)]
    pub test_flows: Option<TestFlowsSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerSpec {
    /// Worker script name: lowercase letters, digits and dashes, at most 63 characters.
    pub name: String,
    /// Path of the workers-rs crate, relative to the spec file.
    #[serde(rename = "crate")]
    pub crate_dir: String,
    /// Workers runtime compatibility date (YYYY-MM-DD).
    pub compatibility_date: String,
    /// Workers runtime compatibility flags.
    #[serde(default)]
    pub compatibility_flags: Vec<String>,
    /// A declared var that the generator sets to the environment's name in every environment.
    #[serde(default)]
    pub environment_var: Option<String>,
    /// The environment `wrangler dev` serves and the top level of wrangler.toml describes.
    #[serde(default = "default_environment")]
    pub default_environment: String,
}

fn default_environment() -> String {
    "dev".to_owned()
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    pub title: String,
    /// API version, reported by health and OpenAPI.
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Tag names with their descriptions; routes may only use these tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The environment whose authorization server the published OpenAPI document names; the default
    /// environment when absent.
    #[serde(default)]
    pub reference_environment: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorsSpec {
    /// Exact origins (scheme://host[:port]) whose requests get CORS headers.
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_credentials: bool,
    /// Request headers a browser may send.
    #[serde(default)]
    pub allow_headers: Vec<String>,
    /// Response headers a browser script may read.
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// Seconds a browser may cache a preflight answer.
    #[serde(default)]
    pub max_age: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthSpec {
    /// How a bearer token may be sent (RFC 9728 `bearer_methods_supported`).
    #[serde(default)]
    pub bearer_methods: Vec<BearerMethod>,
    /// Human-readable documentation of the resource.
    #[serde(default)]
    pub resource_documentation: Option<String>,
    /// Scope names with what each one grants.
    pub scopes: BTreeMap<String, String>,
    /// The KV binding that stores sign-in state and sessions.
    pub session_store: String,
    /// Seconds a session lasts after sign-in.
    #[serde(default = "default_session_ttl")]
    pub session_ttl_seconds: u32,
    /// Name of the session cookie; a `__Host-` prefix binds it to this origin over HTTPS.
    #[serde(default = "default_session_cookie")]
    pub session_cookie: String,
    /// The declared secret that holds the OAuth client secret for the code exchange.
    pub client_secret: String,
    /// Seconds a sign-in may take between `/auth/login` and the callback.
    #[serde(default = "default_login_state_ttl")]
    pub login_state_ttl_seconds: u32,
}

fn default_session_ttl() -> u32 {
    3600
}

fn default_session_cookie() -> String {
    "__Host-session".to_owned()
}

fn default_login_state_ttl() -> u32 {
    600
}

/// Where an environment's authorization server is and how this worker is registered with it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvOAuthSpec {
    /// Issuer identifier (the `iss` of its tokens), listed in the protected-resource metadata.
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// Where the server publishes the keys that sign its access tokens.
    pub jwks_uri: String,
    /// This worker's OAuth client id (the secret stays a Worker secret).
    pub client_id: String,
    /// Where the browser goes after signing in: a path on this origin or an absolute URL.
    #[serde(default = "default_post_login_redirect")]
    pub post_login_redirect: String,
}

fn default_post_login_redirect() -> String {
    "/".to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BearerMethod {
    Header,
    Body,
    Query,
}

/// The MCP server the `mcp` route serves (Streamable HTTP), and the manifest at `/.well-known/mcp.json`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpSpec {
    /// Server name reported by `initialize` and the manifest.
    pub name: String,
    /// Display name for people.
    #[serde(default)]
    pub title: Option<String>,
    pub version: String,
    /// Protocol versions the server accepts, newest first; a client asking for another gets the first.
    /// The runtime implements 2025-11-25, 2025-06-18 and 2025-03-26.
    #[serde(default = "default_protocol_versions")]
    pub protocol_versions: Vec<String>,
    /// Guidance for the model, returned by `initialize`.
    #[serde(default)]
    pub instructions: Option<String>,
    /// The KV binding that stores MCP sessions (`Mcp-Session-Id`).
    pub session_store: String,
    /// Seconds an MCP session lives after `initialize` (at least 60, KV's shortest expiry).
    #[serde(default = "default_mcp_session_ttl")]
    pub session_ttl_seconds: u32,
    /// Tools by name, each bound to a JSON route whose parameters or body are its input and whose response
    /// is its output.
    #[serde(default)]
    pub tools: BTreeMap<String, McpToolSpec>,
    /// Resources by name, each served from a file of the static assets.
    #[serde(default)]
    pub resources: BTreeMap<String, McpResourceSpec>,
}

fn default_protocol_versions() -> Vec<String> {
    ["2025-11-25", "2025-06-18", "2025-03-26"].map(str::to_owned).to_vec()
}

fn default_mcp_session_ttl() -> u32 {
    86_400
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpToolSpec {
    /// Id of the JSON route whose handler the tool runs, with the same scopes.
    pub route: String,
    /// Display name; the route's summary when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// What the tool does, for the model; the route's description (or summary) when absent.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub annotations: McpAnnotationsSpec,
    /// A resource (by name) that renders this tool's result: the OpenAI Apps SDK `openai/outputTemplate`.
    #[serde(default)]
    pub widget: Option<String>,
    /// Whether the widget may call this tool itself (`openai/widgetAccessible`).
    #[serde(default)]
    pub widget_accessible: bool,
    /// Status text while the tool runs (`openai/toolInvocation/invoking`, at most 64 characters).
    #[serde(default)]
    pub invoking: Option<String>,
    /// Status text once the tool has run (`openai/toolInvocation/invoked`, at most 64 characters).
    #[serde(default)]
    pub invoked: Option<String>,
}

/// Hints for clients (MCP tool annotations); absent hints are left to the client's defaults, except
/// `read_only`, which defaults to whether the route is a GET.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpAnnotationsSpec {
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub destructive: Option<bool>,
    #[serde(default)]
    pub idempotent: Option<bool>,
    #[serde(default)]
    pub open_world: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpResourceSpec {
    /// The resource URI, e.g. `ui://widget/dashboard.html` for an Apps SDK widget.
    pub uri: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Path of the file under the assets directory whose bytes are the resource, e.g. `/widget.html`.
    pub asset: String,
    /// MIME type of the contents; `text/html+skybridge` marks an Apps SDK widget.
    #[serde(default = "default_resource_mime_type")]
    pub mime_type: String,
    /// How ChatGPT should frame the widget.
    #[serde(default)]
    pub widget: Option<McpWidgetSpec>,
}

fn default_resource_mime_type() -> String {
    "text/html+skybridge".to_owned()
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpWidgetSpec {
    /// What the widget shows, for the model (`openai/widgetDescription`).
    #[serde(default)]
    pub description: Option<String>,
    /// Whether ChatGPT draws a border around the widget (`openai/widgetPrefersBorder`).
    #[serde(default)]
    pub prefers_border: bool,
    /// Origins the widget may fetch from (`openai/widgetCSP.connect_domains`).
    #[serde(default)]
    pub connect_domains: Vec<String>,
    /// Origins the widget may load scripts, styles and images from (`openai/widgetCSP.resource_domains`).
    #[serde(default)]
    pub resource_domains: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingsSpec {
    /// KV namespaces by binding name; every environment must give each one an id.
    #[serde(default)]
    pub kv: BTreeMap<String, KvSpec>,
    /// Durable Object namespaces by binding name.
    #[serde(default)]
    pub durable_objects: BTreeMap<String, DurableObjectSpec>,
    /// Static assets served by Workers Assets.
    #[serde(default)]
    pub assets: Option<AssetsSpec>,
    /// Plain-text vars by name; every environment must give each one a value (or a default here).
    #[serde(default)]
    pub vars: BTreeMap<String, VarSpec>,
    /// Secret names. Values are never written in the spec: set them with `wrangler secret put`.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretSpec>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KvSpec {
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DurableObjectSpec {
    /// Rust/JS class name of the Durable Object exported by the worker.
    pub class: String,
    #[serde(default)]
    pub storage: DurableObjectStorage,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DurableObjectStorage {
    #[default]
    Sqlite,
    Kv,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetsSpec {
    /// Binding name through which the worker can fetch assets.
    pub binding: String,
    /// Directory of the static files, relative to the spec file.
    pub directory: String,
    #[serde(default)]
    pub not_found_handling: NotFoundHandling,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NotFoundHandling {
    #[default]
    None,
    SinglePageApplication,
    #[serde(rename = "404-page")]
    NotFoundPage,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VarSpec {
    #[serde(default)]
    pub description: Option<String>,
    /// Value used by environments that do not set their own.
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationSpec {
    pub tag: String,
    #[serde(default)]
    pub new_sqlite_classes: Vec<String>,
    #[serde(default)]
    pub new_classes: Vec<String>,
    #[serde(default)]
    pub deleted_classes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// Public origin (scheme://host[:port]) this environment is reached at.
    pub origin: String,
    /// This environment's authorization server; required when the spec has an `oauth` section.
    #[serde(default)]
    pub oauth: Option<EnvOAuthSpec>,
    /// Whether to publish on `*.workers.dev`.
    #[serde(default)]
    pub workers_dev: Option<bool>,
    /// Routes or custom domains that send traffic to this worker.
    #[serde(default)]
    pub routes: Vec<EnvRouteSpec>,
    /// Values of the declared vars.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Namespace ids of the declared KV bindings.
    #[serde(default)]
    pub kv: BTreeMap<String, KvNamespaceIds>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvRouteSpec {
    pub pattern: String,
    #[serde(default)]
    pub custom_domain: bool,
    #[serde(default)]
    pub zone_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KvNamespaceIds {
    pub id: String,
    #[serde(default)]
    pub preview_id: Option<String>,
}

/// A named type: an object with properties, or a string enum.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TypeSpec {
    Enum(EnumTypeSpec),
    Object(ObjectTypeSpec),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumTypeSpec {
    #[serde(default)]
    pub description: Option<String>,
    /// The allowed string values, in wire form (snake_case recommended).
    #[serde(rename = "enum")]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectTypeSpec {
    #[serde(default)]
    pub description: Option<String>,
    pub properties: BTreeMap<String, FieldSpec>,
}

/// A property of an object type, or a path/query/header parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// `string`, `integer`, `number`, `boolean`, `array` (with `items`), `map` (with `values`), `json`,
    /// or the name of a declared type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Element type of an `array`.
    #[serde(default)]
    pub items: Option<String>,
    /// Value type of a `map` (string keys).
    #[serde(default)]
    pub values: Option<String>,
    /// Defaults to true; a field with a `default` is never required.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    /// Value used when the field is absent.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// Example value for the reference and OpenAPI.
    #[serde(default)]
    pub example: Option<serde_json::Value>,
    #[serde(default)]
    pub format: Option<StringFormat>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub maximum: Option<f64>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Allowed string values (for parameters; body fields use an enum type instead).
    #[serde(default, rename = "enum")]
    pub allowed: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StringFormat {
    DateTime,
    Uri,
    Uuid,
    Email,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Unique snake_case id; becomes the service trait method and the OpenAPI operationId.
    pub id: String,
    /// One HTTP method, or a list of methods served by the same handler.
    pub method: OneOrMany<HttpMethod>,
    /// Path starting with `/`; `{name}` segments are path parameters.
    pub path: String,
    #[serde(default)]
    pub kind: RouteKindSpec,
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// OAuth scopes a caller needs.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Which browser origins may read the answers. `listed` (the default): the origins the `cors` section
    /// allows, each echoed, with its `allow_credentials`. `public`: any origin, without credentials
    /// (`Access-Control-Allow-Origin: *`), for answers that are the same for every caller, such as health
    /// checks and discovery documents; not for routes with scopes, sign-in steps, streams or the MCP endpoint.
    #[serde(default)]
    pub cors: RouteCors,
    #[serde(default)]
    pub path_params: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub query: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub header: BTreeMap<String, FieldSpec>,
    /// JSON request body.
    #[serde(default)]
    pub body: Option<BodySpec>,
    /// The success response of a JSON route.
    #[serde(default)]
    pub response: Option<ResponseSpec>,
    /// Documented error responses: status code to when it happens.
    #[serde(default)]
    pub errors: BTreeMap<u16, String>,
}

/// Which browser origins may read a route's answers (see `RouteSpec::cors`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteCors {
    #[default]
    Listed,
    Public,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// How a route answers: plain JSON (the default), a redirect, a generated document, or a stream handed to a
/// Durable Object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteKindSpec {
    #[default]
    Json,
    Redirect,
    /// A document the generator builds.
    Document(DocumentKind),
    /// Starts an OAuth sign-in: redirects to the environment's authorization server (with state and PKCE).
    #[serde(rename = "oauth-login")]
    OauthLogin,
    /// Completes a sign-in: checks the state, exchanges the code, stores a session and sets its cookie.
    /// Declare the `code` and `state` query parameters.
    #[serde(rename = "oauth-callback")]
    OauthCallback,
    /// Ends the session named by the session cookie or an `X-Session-Id` header, and clears the cookie.
    #[serde(rename = "oauth-logout")]
    OauthLogout,
    /// Server-Sent Events, served by the named Durable Object binding: its name, or the binding with stream
    /// settings.
    Sse(SseKindSpec),
    /// A WebSocket, served by the named Durable Object binding.
    Websocket(String),
    /// The MCP server of the `mcp` section over Streamable HTTP (POST, DELETE); a GET that asks for a
    /// WebSocket goes to the Durable Object binding named by `websocket`, when there is one.
    Mcp(McpRouteSpec),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct McpRouteSpec {
    /// A Durable Object binding that serves WebSocket upgrades on the same path.
    #[serde(default)]
    pub websocket: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    OauthProtectedResource,
    McpManifest,
    Openapi,
    ReferenceHtml,
    ReferenceMarkdown,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    /// A declared object type.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// Success status code; 200 when absent.
    #[serde(default)]
    pub status: Option<u16>,
    /// A declared type.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// An event stream's Durable Object binding, alone or with its settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SseKindSpec {
    /// The binding's name; the settings keep their defaults.
    Binding(String),
    Stream(SseStreamSpec),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SseStreamSpec {
    /// The Durable Object binding that serves the stream.
    pub binding: String,
    /// Seconds between the comment lines that keep an idle stream open through proxies.
    #[serde(default = "default_heartbeat_seconds")]
    pub heartbeat_seconds: u32,
}

fn default_heartbeat_seconds() -> u32 {
    30
}

impl SseKindSpec {
    pub fn binding(&self) -> &str {
        match self {
            Self::Binding(binding) | Self::Stream(SseStreamSpec { binding, .. }) => binding,
        }
    }

    pub fn heartbeat_seconds(&self) -> u32 {
        match self {
            Self::Binding(_) => default_heartbeat_seconds(),
            Self::Stream(stream) => stream.heartbeat_seconds,
        }
    }
}

/// Diagnostic test flows: a run calls an MCP server's methods over Streamable HTTP, one traced step each.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestFlowsSpec {
    /// The declared enum type whose values name the workflows, e.g. `Workflow`.
    pub workflow_type: String,
    /// MCP protocol version a flow offers in `initialize` (YYYY-MM-DD), e.g. 2025-06-18.
    pub protocol_version: String,
    /// Seconds one step may take before it fails.
    #[serde(default = "default_step_timeout")]
    pub step_timeout_seconds: u32,
    /// The MCP methods each workflow calls, in order, by workflow name. Every workflow starts with
    /// `initialize` and `notifications/initialized`.
    pub workflows: BTreeMap<String, Vec<String>>,
    /// Which endpoints a flow may reach, for every environment by name.
    pub endpoints: BTreeMap<String, EndpointRulesSpec>,
}

fn default_step_timeout() -> u32 {
    10
}

/// The endpoints one environment lets a test flow reach. Link-local addresses (cloud metadata services
/// among them), unspecified and multicast addresses are never reachable.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointRulesSpec {
    /// URL schemes a flow may use.
    #[serde(default = "default_endpoint_schemes")]
    pub schemes: Vec<EndpointScheme>,
    /// Allows loopback addresses (127.0.0.0/8, ::1) and `localhost` names; only the default environment
    /// may, for local servers under test.
    #[serde(default)]
    pub allow_loopback: bool,
    /// Allows private-network addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10,
    /// fc00::/7); only the default environment may.
    #[serde(default)]
    pub allow_private: bool,
}

fn default_endpoint_schemes() -> Vec<EndpointScheme> {
    vec![EndpointScheme::Https]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EndpointScheme {
    Http,
    Https,
}
