//! Routes: unique ids and method+path pairs, path parameters, and references to types, scopes, tags and bindings.

use std::collections::{BTreeMap, BTreeSet};

use super::types::check_field;
use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::spec::{self, FieldSpec, OneOrMany, RouteKindSpec, Spec};

pub(super) fn check_routes(
    check: &mut Checker<'_>,
    spec: &Spec,
    types: &BTreeMap<String, TypeDef>,
    bindings: &Bindings,
    oauth: Option<&OAuth>,
) -> Vec<Route> {
    let path = YamlPath::root().key("routes");
    let declared: BTreeSet<&str> = types.keys().map(String::as_str).collect();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut endpoints: BTreeMap<(HttpMethod, String), usize> = BTreeMap::new();
    let mut documents: BTreeMap<DocumentKind, usize> = BTreeMap::new();
    let mut routes = Vec::new();

    for (i, route) in spec.routes.iter().enumerate() {
        let at = path.index(i);
        if !names::is_snake_case(&route.id) {
            check.error(at.key("id"), format!("`{}` is not a valid route id", route.id), "use snake_case, e.g. get_health");
        }
        if let Some(first) = ids.insert(&route.id, i) {
            ids.insert(&spec.routes[first].id, first);
            check.error(at.key("id"), format!("route id `{}` is already used by routes[{first}]", route.id), "give every route a unique id");
        }
        let methods = match &route.method {
            OneOrMany::One(method) => vec![*method],
            OneOrMany::Many(methods) => methods.clone(),
        };
        if methods.is_empty() {
            check.error(at.key("method"), "no method given", "write a method such as GET, or a list such as [GET, POST]");
        }
        let segments = check_path(check, &route.path, &at.key("path"));
        let shape = shape_key(&segments);
        let mut seen_methods = BTreeSet::new();
        for method in &methods {
            if !seen_methods.insert(*method) {
                check.error(at.key("method"), format!("method {} is listed twice", method.as_str()), "list each method once");
            }
            if let Some(first) = endpoints.insert((*method, shape.clone()), i) {
                endpoints.insert((*method, shape.clone()), first);
                check.error(
                    at.key("path"),
                    format!("{} {} is already served by routes[{first}] (`{}`)", method.as_str(), route.path, spec.routes[first].id),
                    "change the method or the path, or merge the two routes",
                );
            }
        }
        let kind = check_kind(check, route, &at, bindings, &mut documents, i);
        let params = check_params(check, route, &segments, &at, &declared);
        check_references(check, route, &at, spec, oauth);
        let body = route.body.as_ref().map(|body| {
            check_object_ref(check, &body.ty, &at.key("body").key("type"), types);
            Body { ty: body.ty.clone(), description: body.description.clone() }
        });
        let response = check_response(check, route, &kind, &at, types);
        if body.is_some() && methods.iter().any(|m| matches!(m, HttpMethod::Get | HttpMethod::Delete)) {
            check.error(at.key("body"), "GET and DELETE requests carry no body", "drop `body` or use POST, PUT or PATCH");
        }
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
    if !path.starts_with('/') {
        check.error(at.clone(), format!("path `{path}` does not start with `/`"), format!("write `/{path}`"));
        return Vec::new();
    }
    if path.len() > 1 && path.ends_with('/') {
        check.error(at.clone(), format!("path `{path}` ends with `/`"), "remove the trailing slash");
    }
    let mut segments = Vec::new();
    for segment in path[1..].split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if !names::is_snake_case(name) {
                check.error(at.clone(), format!("path parameter `{{{name}}}` is not a snake_case name"), "use e.g. `{run_id}`");
            }
            segments.push(PathSegment::Param(name.to_owned()));
        } else if segment.contains(['{', '}', '?', '#', '*', ' ']) {
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

fn check_kind(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    at: &YamlPath,
    bindings: &Bindings,
    documents: &mut BTreeMap<DocumentKind, usize>,
    index: usize,
) -> RouteKind {
    let durable_object = |check: &mut Checker<'_>, binding: &str, key: &str| {
        if !bindings.durable_objects.iter().any(|d| d.name == binding) {
            check.error(
                at.key("kind").key(key),
                format!("`{binding}` is not a declared Durable Object binding"),
                suggest(binding, bindings.durable_objects.iter().map(|d| d.name.as_str())),
            );
        }
    };
    match &route.kind {
        RouteKindSpec::Json => RouteKind::Json,
        RouteKindSpec::Redirect => RouteKind::Redirect,
        RouteKindSpec::Document(document) => {
            if let Some(first) = documents.insert(*document, index) {
                documents.insert(*document, first);
                check.error(at.key("kind"), format!("routes[{first}] already serves this document"), "serve each document from one route");
            }
            RouteKind::Document(*document)
        }
        RouteKindSpec::Sse(binding) => {
            durable_object(check, binding, "sse");
            RouteKind::Sse { binding: binding.clone() }
        }
        RouteKindSpec::Websocket(binding) => {
            durable_object(check, binding, "websocket");
            RouteKind::WebSocket { binding: binding.clone() }
        }
    }
}

fn check_params(
    check: &mut Checker<'_>,
    route: &spec::RouteSpec,
    segments: &[PathSegment],
    at: &YamlPath,
    declared: &BTreeSet<&str>,
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
    let mut params = Vec::new();
    let mut add = |check: &mut Checker<'_>, location: ParamLocation, key: &str, fields: &BTreeMap<String, FieldSpec>| {
        for (name, field) in fields {
            let field_at = at.key(key).key(name.clone());
            let valid_name = match location {
                ParamLocation::Header => names::is_header_name(name),
                _ => names::is_snake_case(name) || name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            };
            if !valid_name {
                check.error(field_at.clone(), format!("`{name}` is not a valid {} parameter name", location.as_str()), "use letters, digits, `_` or `-`");
            }
            if location == ParamLocation::Path && !used.contains(&name.as_str()) {
                check.error(
                    field_at.clone(),
                    format!("path parameter `{name}` does not appear in the path `{}`", route.path),
                    format!("add `{{{name}}}` to the path or remove this parameter"),
                );
            }
            let field = check_field(check, name, field, &field_at, declared);
            if !matches!(field.ty, FieldType::String | FieldType::Integer | FieldType::Number | FieldType::Boolean) {
                check.error(field_at.key("type"), "parameters must be string, integer, number or boolean", "use `enum: [...]` on a string parameter for a fixed set of values");
            }
            let mut field = field;
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

fn check_references(check: &mut Checker<'_>, route: &spec::RouteSpec, at: &YamlPath, spec: &Spec, oauth: Option<&OAuth>) {
    for (i, tag) in route.tags.iter().enumerate() {
        if !spec.api.tags.contains_key(tag) {
            check.error(at.key("tags").index(i), format!("unknown tag `{tag}`"), suggest(tag, spec.api.tags.keys().map(String::as_str)));
        }
    }
    for (i, scope) in route.scopes.iter().enumerate() {
        match oauth {
            None => check.error(at.key("scopes").index(i), format!("scope `{scope}` needs an `oauth` section"), "declare the scope under `oauth.scopes`"),
            Some(oauth) if !oauth.scopes.contains_key(scope) => check.error(
                at.key("scopes").index(i),
                format!("unknown scope `{scope}`"),
                suggest(scope, oauth.scopes.keys().map(String::as_str)),
            ),
            Some(_) => {}
        }
    }
}

fn check_object_ref(check: &mut Checker<'_>, name: &str, at: &YamlPath, types: &BTreeMap<String, TypeDef>) {
    match types.get(name) {
        Some(TypeDef::Object(_)) => {}
        Some(TypeDef::Enum(_)) => check.error(at.clone(), format!("`{name}` is an enum; bodies are objects"), "wrap it in an object type"),
        None => check.error(at.clone(), format!("unknown type `{name}`"), suggest(name, types.keys().map(String::as_str))),
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
            check_object_ref(check, &response.ty, &at.key("response").key("type"), types);
            let status = response.status.unwrap_or(200);
            if !(200..=299).contains(&status) || status == 204 {
                check.error(at.key("response").key("status"), format!("{status} is not a success status with a body"), "use 200, 201 or 202");
            }
            Some(Response { status, ty: response.ty.clone(), description: response.description.clone() })
        }
        (None, true) => {
            check.error(at.clone(), "a JSON route needs a `response`", "add `response: {type: SomeType}`");
            None
        }
        (Some(_), false) => {
            check.error(at.key("response"), "only JSON routes declare a `response`", "remove `response`; this kind of route answers on its own");
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
            check.error(at.key("errors").key(status.to_string()), format!("{status} is not an error status"), "use a 4xx or 5xx status");
        }
        errors.insert(*status, description.clone());
    }
    if !params.is_empty() && !matches!(kind, RouteKind::Document(_)) {
        errors.entry(400).or_insert_with(|| "A parameter is missing, malformed or out of range".to_owned());
    }
    if has_body {
        errors.entry(400).or_insert_with(|| "The body is missing, is not JSON, or fails validation".to_owned());
    }
    errors
}
