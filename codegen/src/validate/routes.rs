//! Routes: unique ids and method+path pairs, path parameters, and references to types, scopes, tags and bindings.

use std::collections::{BTreeMap, BTreeSet};

use super::types::check_field;
use super::{names, Checker, ERROR_STATUS_HELP};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::naming::snake_case;
use crate::spec::{self, FieldSpec, OneOrMany, RouteKindSpec, Spec};

/// The longest silence between event-stream heartbeats the spec may ask for.
const MAX_HEARTBEAT_SECONDS: u32 = 90;

pub(super) fn check_routes(
    check: &mut Checker<'_>,
    spec: &Spec,
    types: &BTreeMap<String, TypeDef>,
    bindings: &Bindings,
    oauth: Option<&OAuth>,
) -> Vec<Route> {
    let path = YamlPath::root().key("routes");
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut endpoints: BTreeMap<(HttpMethod, String), usize> = BTreeMap::new();
    let mut documents: BTreeMap<DocumentKind, usize> = BTreeMap::new();
    // The first route on each path shape, and its CORS: a path has one preflight answer.
    let mut cors_by_shape: BTreeMap<String, (usize, RouteCors)> = BTreeMap::new();
    let mut routes = Vec::new();

    for (i, route) in spec.routes.iter().enumerate() {
        let at = path.index(i);
        if !names::is_snake_case(&route.id) {
            check.error(
                at.key("id"),
                format!("`{}` is not a valid route id", route.id),
                "use snake_case, e.g. get_health",
            );
        }
        if let Some(first) = ids.get(route.id.as_str()) {
            check.error(
                at.key("id"),
                format!("route id `{}` is already used by routes[{first}]", route.id),
                "give every route a unique id",
            );
        } else {
            ids.insert(&route.id, i);
        }
        let methods = match &route.method {
            OneOrMany::One(method) => vec![*method],
            OneOrMany::Many(methods) => methods.clone(),
        };
        if methods.is_empty() {
            check.error(
                at.key("method"),
                "no method given",
                "write a method such as GET, or a list such as [GET, POST]",
            );
        }
        let segments = check_path(check, &route.path, &at.key("path"));
        let shape = shape_key(&segments);
        let mut seen_methods = BTreeSet::new();
        for (j, method) in methods.iter().enumerate() {
            if !seen_methods.insert(*method) {
                check.error(
                    at.key("method").index(j),
                    format!("method {} is listed twice", method.as_str()),
                    "list each method once",
                );
                continue;
            }
            if let Some(first) = endpoints.get(&(*method, shape.clone())) {
                check.error(
                    at.key("path"),
                    format!(
                        "{} {} is already served by routes[{first}] (`{}`)",
                        method.as_str(),
                        route.path,
                        spec.routes[*first].id
                    ),
                    "change the method or the path, or merge the two routes",
                );
            } else {
                endpoints.insert((*method, shape.clone()), i);
            }
        }
        let kind = check_kind(check, route, &methods, &at, spec, bindings, &mut documents, i);
        let cors = check_cors(check, route, &kind, &at);
        match cors_by_shape.get(&shape) {
            Some(&(first, first_cors)) if first_cors != cors => check.error(
                at.key("cors"),
                format!(
                    "`{}` is readable by {} here but by {} in routes[{first}] (`{}`), which serves the same path",
                    route.path,
                    cors_name(cors),
                    cors_name(first_cors),
                    spec.routes[first].id
                ),
                "give both routes the same `cors`: a path has one answer to a CORS preflight",
            ),
            Some(_) => {}
            None => {
                cors_by_shape.insert(shape.clone(), (i, cors));
            }
        }
        let params = check_params(check, route, &segments, &at, &spec.types);
        check_references(check, route, &at, spec, oauth);
        let body = route.body.as_ref().map(|body| {
            check_object_ref(check, &body.ty, &at.key("body").key("type"), types, "a request body");
            Body { ty: body.ty.clone(), description: body.description.clone() }
        });
        if body.is_some() {
            if let Some(method) = methods.iter().find(|m| matches!(m, HttpMethod::Get | HttpMethod::Delete)) {
                check.error(
                    at.key("body"),
                    format!("{} requests carry no body", method.as_str()),
                    "drop `body`, or use POST, PUT or PATCH",
                );
            } else if !matches!(kind, RouteKind::Json | RouteKind::Redirect) {
                check.error(at.key("body"), "only JSON and redirect routes take a `body`", "remove `body`");
            }
        }
        let response = check_response(check, route, &kind, &at, types);
        let errors = documented_errors(check, route, &kind, &params, body.is_some(), &at);
        routes.push(Route {
            id: route.id.clone(),
            methods,
            path: route.path.clone(),
            segments,
            kind,
            summary: route.summary.clone(),
            description: route.description.clone(),
            tags: route.tags.clone(),
            scopes: route.scopes.clone(),
            cors,
            params,
            body,
            response,
            errors,
        });
    }
    routes
}

/// Two paths with parameters in the same places would match the same requests, whatever the names.
fn shape_key(segments: &[PathSegment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            PathSegment::Literal(l) => l.as_str(),
            PathSegment::Param(_) => "{}",
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn check_path(check: &mut Checker<'_>, path: &str, at: &YamlPath) -> Vec<PathSegment> {
    let Some(rest) = path.strip_prefix('/') else {
        check.error(at.clone(), format!("path `{path}` does not start with `/`"), format!("write `/{path}`"));
        return Vec::new();
    };
    if path.len() > 1 && path.ends_with('/') {
        check.error(at.clone(), format!("path `{path}` ends with `/`"), "remove the trailing slash");
    }
    if rest.contains("//") {
        check.error(at.clone(), format!("path `{path}` has an empty segment"), "remove the doubled `/`");
    }
    let mut segments = Vec::new();
    let mut params = BTreeSet::new();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if !names::is_snake_case(name) {
                check.error(
                    at.clone(),
                    format!("path parameter `{{{name}}}` is not a snake_case name"),
                    "use e.g. `{run_id}`",
                );
            } else if !params.insert(name) {
                check.error(
                    at.clone(),
                    format!("path parameter `{{{name}}}` appears twice"),
                    "give each path parameter its own name",
                );
            }
            segments.push(PathSegment::Param(name.to_owned()));
        } else if segment.contains(['{', '}', '?', '#', '*', ' ', '%', '\\']) || segment.chars().any(|c| c.is_control())
        {
            check.error(
                at.clone(),
                format!("path segment `{segment}` is not valid"),
                "segments are literal text or a whole `{name}` parameter; query parameters go under `query`",
            );
        } else {
            segments.push(PathSegment::Literal(segment.to_owned()));
        }
    }
    segments
}

#[allow(clippy::too_many_arguments)] // Each input is a different part of the spec the kind depends on.
fn check_kind(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    methods: &[HttpMethod],
    at: &YamlPath,
    spec: &Spec,
    bindings: &Bindings,
    documents: &mut BTreeMap<DocumentKind, usize>,
    index: usize,
) -> RouteKind {
    let durable_object = |check: &mut Checker<'_>, binding: &str, key: &str| {
        if !bindings.durable_objects.iter().any(|d| d.name == binding) {
            let help = if bindings.durable_objects.is_empty() {
                format!("declare it under `bindings.durable_objects`, e.g. `{binding}: {{class: RealtimeSession}}`")
            } else {
                suggest(binding, bindings.durable_objects.iter().map(|d| d.name.as_str()))
            };
            check.error(at.key("kind").key(key), format!("`{binding}` is not a declared Durable Object binding"), help);
        }
    };
    let kind = match &route.kind {
        RouteKindSpec::Json => RouteKind::Json,
        RouteKindSpec::Redirect => RouteKind::Redirect,
        RouteKindSpec::Document(document) => {
            let name = document_name(*document);
            if let Some(first) = documents.get(document) {
                check.error(
                    at.key("kind").key("document"),
                    format!(
                        "the `{name}` document is already served by routes[{first}] (`{}`)",
                        spec.routes[*first].id
                    ),
                    "serve each document from one route",
                );
            } else {
                documents.insert(*document, index);
            }
            let needs = match document {
                DocumentKind::OauthProtectedResource if spec.oauth.is_none() => Some("oauth"),
                DocumentKind::McpManifest if spec.mcp.is_none() => Some("mcp"),
                _ => None,
            };
            if let Some(section) = needs {
                check.error(
                    at.key("kind").key("document"),
                    format!("the `{name}` document needs an `{section}` section"),
                    format!("add `{section}:` at the top level of the spec, or remove this route"),
                );
            }
            RouteKind::Document(*document)
        }
        RouteKindSpec::OauthLogin => oauth_step(check, spec, route, at, OAuthStep::Login),
        RouteKindSpec::OauthCallback => oauth_step(check, spec, route, at, OAuthStep::Callback),
        RouteKindSpec::OauthLogout => oauth_step(check, spec, route, at, OAuthStep::Logout),
        RouteKindSpec::Sse(stream) => {
            durable_object(check, stream.binding(), "sse");
            let heartbeat_seconds = stream.heartbeat_seconds();
            if !(1..=MAX_HEARTBEAT_SECONDS).contains(&heartbeat_seconds) {
                check.error(
                    at.key("kind").key("sse").key("heartbeat_seconds"),
                    format!("a heartbeat every {heartbeat_seconds} seconds is out of range"),
                    format!(
                        "use 1 to {MAX_HEARTBEAT_SECONDS} seconds: proxies, Cloudflare's included, close a \
                         connection that stays silent for about 100 seconds"
                    ),
                );
            }
            RouteKind::Sse { binding: stream.binding().to_owned(), heartbeat_seconds }
        }
        RouteKindSpec::Websocket(binding) => {
            durable_object(check, binding, "websocket");
            RouteKind::WebSocket { binding: binding.clone() }
        }
        RouteKindSpec::Mcp(mcp) => {
            if let Some(binding) = &mcp.websocket {
                durable_object(check, binding, "mcp");
            }
            check_mcp_route(check, spec, route, methods, at, mcp.websocket.is_some());
            RouteKind::Mcp { websocket: mcp.websocket.clone() }
        }
    };
    if methods.iter().any(|m| *m != HttpMethod::Get) {
        match kind {
            RouteKind::Json | RouteKind::Redirect | RouteKind::OAuth(OAuthStep::Logout) | RouteKind::Mcp { .. } => {}
            RouteKind::OAuth(_) => check.error(
                at.key("method"),
                "the OAuth sign-in and callback are served on GET only",
                "write `method: GET`: browsers reach both by following redirects, which are GET requests",
            ),
            _ => check.error(
                at.key("method"),
                "documents, event streams and WebSockets are served on GET only",
                "write `method: GET`",
            ),
        }
    }
    kind
}

/// A public route answers every origin alike and without credentials, so it must answer every caller alike
/// too, and build its own answer (streams and the MCP endpoint check who is calling, by Origin or session).
fn check_cors(check: &mut Checker<'_>, route: &spec::RouteSpec, kind: &RouteKind, at: &YamlPath) -> RouteCors {
    if route.cors == RouteCors::Public {
        if !route.scopes.is_empty() {
            check.error(
                at.key("cors"),
                "a public route cannot require scopes: its answer is the same for every origin and caller",
                "remove `cors: public`, or the route's `scopes`",
            );
        }
        if !matches!(kind, RouteKind::Json | RouteKind::Redirect | RouteKind::Document(_)) {
            check.error(
                at.key("cors"),
                "only JSON, redirect and document routes can be public",
                "remove `cors: public`: sign-in steps, event streams, WebSockets and the MCP endpoint answer the \
                 `cors` section's origins only",
            );
        }
    }
    route.cors
}

fn cors_name(cors: RouteCors) -> &'static str {
    match cors {
        RouteCors::Listed => "the `cors` section's origins",
        RouteCors::Public => "every origin (`cors: public`)",
    }
}

/// The MCP route serves the `mcp` section: JSON-RPC on POST, session ends on DELETE, and GET only for the
/// WebSocket it hands on. Its tools carry their own routes' scopes, parameters and bodies, so the route
/// declares none.
fn check_mcp_route(
    check: &mut Checker<'_>,
    spec: &Spec,
    route: &spec::RouteSpec,
    methods: &[HttpMethod],
    at: &YamlPath,
    websocket: bool,
) {
    if spec.mcp.is_none() {
        check.error(
            at.key("kind").key("mcp"),
            "the `mcp` route kind needs an `mcp` section",
            "add `mcp:` at the top level of the spec (name, version, session_store, tools), or remove this route",
        );
    }
    let mut expected = vec![HttpMethod::Post, HttpMethod::Delete];
    if websocket {
        expected.insert(0, HttpMethod::Get);
    }
    let mut given = methods.to_vec();
    given.sort();
    if given != expected {
        let list = expected.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
        check.error(
            at.key("method"),
            if websocket {
                "an MCP route with a WebSocket serves GET (the upgrade), POST (JSON-RPC) and DELETE (end a session)"
            } else {
                "an MCP route serves POST (JSON-RPC) and DELETE (end a session)"
            },
            format!("write `method: [{list}]`"),
        );
    }
    let declared = [
        ("scopes", !route.scopes.is_empty()),
        ("path_params", !route.path_params.is_empty()),
        ("query", !route.query.is_empty()),
        ("header", !route.header.is_empty()),
    ];
    for (key, present) in declared {
        if present {
            check.error(
                at.key(key),
                format!("an MCP route takes no `{key}`"),
                "each tool takes the scopes, parameters, body and response of the route it is bound to; remove it",
            );
        }
    }
}

/// The sign-in steps need the `oauth` section, and the callback declares the `code` and `state` it is sent,
/// as plain required strings, since the generated callback hands them to the runtime as `&str`; likewise
/// the sign-out's one header parameter, the session id.
fn oauth_step(
    check: &mut Checker<'_>,
    spec: &Spec,
    route: &spec::RouteSpec,
    at: &YamlPath,
    step: OAuthStep,
) -> RouteKind {
    if spec.oauth.is_none() {
        check.error(
            at.key("kind"),
            "OAuth sign-in routes need an `oauth` section",
            "add `oauth:` at the top level of the spec, or remove this route",
        );
    }
    if step == OAuthStep::Callback {
        // Point into `query` when the route has one, since that is where the parameter goes.
        let query = if route.query.is_empty() { at.clone() } else { at.key("query") };
        for name in ["code", "state"] {
            if let Some(field) = route.query.get(name) {
                let plain_string = field.ty == "string"
                    && field.required != Some(false)
                    && field.default.is_none()
                    && field.format.is_none()
                    && field.allowed.is_none();
                if !plain_string {
                    check.error(
                        at.key("query").key(name),
                        format!("the OAuth callback's `{name}` must be a required string"),
                        format!(
                            "write `{name}: {{type: string}}` (length bounds are fine); the authorization server's \
                             value is opaque, and a missing one is refused"
                        ),
                    );
                }
            } else {
                check.error(
                    query.clone(),
                    format!("the OAuth callback does not declare the query parameter `{name}`"),
                    if route.query.is_empty() {
                        format!(
                            "add `query: {{{name}: {{type: string}}}}`: the callback reads it, and the docs list it"
                        )
                    } else {
                        format!(
                            "add `{name}: {{type: string}}` under `query`: the callback reads it, and the docs list it"
                        )
                    },
                );
            }
        }
    }
    if step == OAuthStep::Logout {
        // The generated sign-out passes its header parameter to the runtime as the session id (`&str`).
        for (i, (name, field)) in route.header.iter().enumerate() {
            if i > 0 {
                check.error(
                    at.key("header").key(name.clone()),
                    "the OAuth sign-out takes one header parameter, the session to end",
                    "keep one header such as `X-Session-Id: {type: string, required: false}`",
                );
            } else if field.ty != "string" || field.format.is_some() || field.allowed.is_some() {
                check.error(
                    at.key("header").key(name.clone()),
                    format!("the OAuth sign-out reads the session id from `{name}`, which must be a plain string"),
                    format!("write `{name}: {{type: string, required: false}}` (length bounds are fine)"),
                );
            }
        }
    }
    RouteKind::OAuth(step)
}

fn document_name(document: DocumentKind) -> &'static str {
    match document {
        DocumentKind::OauthProtectedResource => "oauth-protected-resource",
        DocumentKind::McpManifest => "mcp-manifest",
        DocumentKind::Openapi => "openapi",
        DocumentKind::ReferenceHtml => "reference-html",
        DocumentKind::ReferenceMarkdown => "reference-markdown",
    }
}

fn check_params(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    segments: &[PathSegment],
    at: &YamlPath,
    types: &BTreeMap<String, spec::TypeSpec>,
) -> Vec<Param> {
    let used: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            PathSegment::Param(name) => Some(name.as_str()),
            PathSegment::Literal(_) => None,
        })
        .collect();
    for name in &used {
        if !route.path_params.contains_key(*name) {
            check.error(
                at.key("path"),
                format!("path parameter `{{{name}}}` is not declared"),
                format!("add `path_params: {{{name}: {{type: string}}}}` to the route"),
            );
        }
    }
    // All parameters of a route become fields of one generated struct.
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut params = Vec::new();
    let mut add = |check: &mut Checker<'_>,
                   location: ParamLocation,
                   key: &str,
                   declared: &BTreeMap<String, FieldSpec>| {
        for (name, spec) in declared {
            let field_at = at.key(key).key(name.clone());
            let valid_name = match location {
                ParamLocation::Path => names::is_snake_case(name),
                ParamLocation::Query => names::is_param_name(name),
                ParamLocation::Header => names::is_header_name(name),
            };
            if !valid_name {
                let help = match location {
                    ParamLocation::Path => "use snake_case, e.g. run_id",
                    ParamLocation::Query => "start with a letter and use letters, digits, `_` or `-`",
                    ParamLocation::Header => "start with a letter and use letters, digits and `-`, e.g. X-Session-Id",
                };
                check.error(
                    field_at.clone(),
                    format!("`{name}` is not a valid {} parameter name", location.as_str()),
                    help,
                );
            } else {
                let field = snake_case(name);
                let this = format!("{} parameter `{name}`", location.as_str());
                match fields.get(&field) {
                    Some(other) => check.error(
                        field_at.clone(),
                        format!("{other} and {this} would both become the Rust field `{field}`"),
                        "rename one of them",
                    ),
                    None => {
                        fields.insert(field, this);
                    }
                }
            }
            if location == ParamLocation::Path {
                if !used.contains(&name.as_str()) {
                    check.error(
                        field_at.clone(),
                        format!("path parameter `{name}` does not appear in the path `{}`", route.path),
                        format!("add `{{{name}}}` to the path or remove this parameter"),
                    );
                }
                if spec.required == Some(false) || spec.default.is_some() {
                    check.error(
                        field_at.clone(),
                        "a path parameter is always present",
                        "remove `required: false` and `default`, or make it a query parameter",
                    );
                }
            }
            let mut field = check_field(check, name, spec, &field_at, types);
            if !matches!(field.ty, FieldType::String | FieldType::Integer | FieldType::Number | FieldType::Boolean) {
                check.error(
                    field_at.key("type"),
                    "parameters must be string, integer, number or boolean",
                    "use `enum: [...]` on a string parameter for a fixed set of values",
                );
            }
            if location == ParamLocation::Path {
                // A path parameter is always present when the route matches.
                field.required = true;
            }
            params.push(Param { location, field });
        }
    };
    add(check, ParamLocation::Path, "path_params", &route.path_params);
    add(check, ParamLocation::Query, "query", &route.query);
    add(check, ParamLocation::Header, "header", &route.header);
    params
}

fn check_references(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    at: &YamlPath,
    spec: &Spec,
    oauth: Option<&OAuth>,
) {
    let mut seen = BTreeSet::new();
    for (i, tag) in route.tags.iter().enumerate() {
        if !spec.api.tags.contains_key(tag) {
            let help = if spec.api.tags.is_empty() {
                format!("declare it under `api.tags`, e.g. `tags: {{{tag}: What these routes do}}`")
            } else {
                suggest(tag, spec.api.tags.keys().map(String::as_str))
            };
            check.error(at.key("tags").index(i), format!("unknown tag `{tag}`"), help);
        } else if !seen.insert(tag) {
            check.error(at.key("tags").index(i), format!("tag `{tag}` is listed twice"), "list each tag once");
        }
    }
    let mut seen = BTreeSet::new();
    for (i, scope) in route.scopes.iter().enumerate() {
        match oauth {
            None => check.error(
                at.key("scopes").index(i),
                format!("scope `{scope}` needs an `oauth` section"),
                "add `oauth:` with `scopes`, `session_store` and `client_secret`, or remove `scopes` from the route",
            ),
            Some(oauth) if !oauth.scopes.contains_key(scope) => {
                let help = if oauth.scopes.is_empty() {
                    format!("declare it under `oauth.scopes`, e.g. `{scope}: What it grants`")
                } else {
                    suggest(scope, oauth.scopes.keys().map(String::as_str))
                };
                check.error(at.key("scopes").index(i), format!("unknown scope `{scope}`"), help);
            }
            Some(_) if !seen.insert(scope) => {
                check.error(
                    at.key("scopes").index(i),
                    format!("scope `{scope}` is listed twice"),
                    "list each scope once",
                );
            }
            Some(_) => {}
        }
    }
}

/// A body or response must name a declared object type; `what` names which, for the message.
fn check_object_ref(check: &mut Checker<'_>, name: &str, at: &YamlPath, types: &BTreeMap<String, TypeDef>, what: &str) {
    match types.get(name) {
        Some(TypeDef::Object(_)) => {}
        Some(TypeDef::Enum(_)) => check.error(
            at.clone(),
            format!("`{name}` is an enum, but {what} must be an object type"),
            format!("declare an object type with a property of type `{name}` and use that"),
        ),
        None => {
            let objects = types.iter().filter(|(_, t)| matches!(t, TypeDef::Object(_))).map(|(n, _)| n.as_str());
            let help = if types.is_empty() {
                format!("declare it under `types`, e.g. `{name}: {{properties: {{...}}}}`")
            } else {
                suggest(name, objects)
            };
            check.error(at.clone(), format!("unknown type `{name}`"), help);
        }
    }
}

fn check_response(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    kind: &RouteKind,
    at: &YamlPath,
    types: &BTreeMap<String, TypeDef>,
) -> Option<Response> {
    let wants_response = *kind == RouteKind::Json;
    match (&route.response, wants_response) {
        (Some(response), true) => {
            check_object_ref(check, &response.ty, &at.key("response").key("type"), types, "a response");
            let status = response.status.unwrap_or(200);
            if !(200..=299).contains(&status) || status == 204 {
                check.error(
                    at.key("response").key("status"),
                    format!("{status} is not a success status with a body"),
                    "use 200, 201 or 202 (errors go under `errors`)",
                );
            }
            Some(Response { status, ty: response.ty.clone(), description: response.description.clone() })
        }
        (None, true) => {
            check.error(
                at.clone(),
                "a JSON route needs a `response`",
                "add `response: {type: SomeType}`, or set `kind` for a route that answers on its own",
            );
            None
        }
        (Some(_), false) => {
            check.error(
                at.key("response"),
                "only JSON routes declare a `response`",
                "remove `response`; this kind of route answers on its own",
            );
            None
        }
        (None, false) => None,
    }
}

/// The spec's documented errors, plus those the generated code itself can return for this route.
fn documented_errors(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    kind: &RouteKind,
    params: &[Param],
    has_body: bool,
    at: &YamlPath,
) -> BTreeMap<u16, String> {
    let mut errors = BTreeMap::new();
    for (status, description) in &route.errors {
        if !(400..=599).contains(status) {
            check.error(
                at.key("errors").key(status.to_string()),
                format!("`{status}` is not an error status"),
                ERROR_STATUS_HELP,
            );
        }
        errors.insert(*status, description.clone());
    }
    if !params.is_empty() && !matches!(kind, RouteKind::Document(_)) {
        errors.entry(400).or_insert_with(|| "A parameter is missing, malformed or out of range".to_owned());
    }
    if has_body {
        errors.entry(400).or_insert_with(|| "The body is missing, is not JSON, or fails validation".to_owned());
    }
    if matches!(kind, RouteKind::Mcp { .. }) {
        for (status, description) in MCP_ERRORS {
            errors.entry(*status).or_insert_with(|| (*description).to_owned());
        }
    }
    errors
}

/// What the generated MCP endpoint answers besides JSON-RPC results, whatever the spec documents.
const MCP_ERRORS: &[(u16, &str)] = &[
    (400, "The body is not JSON-RPC, a session id is missing, or the MCP-Protocol-Version is not supported"),
    (401, "A tool that needs scopes was called without valid credentials"),
    (403, "The Origin is not allowed, or the credentials lack a scope the tool needs"),
    (404, "The Mcp-Session-Id names no live session: start again with `initialize`"),
    (406, "The Accept header allows neither JSON nor an event stream"),
    (415, "The body is not `application/json`"),
];
