//! The MCP server: protocol versions the runtime implements, where sessions live, and tools that are bound
//! to routes so that a tool and its route cannot disagree about inputs, output or scopes.

use std::collections::BTreeMap;

use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::spec;

/// The protocol versions `codegen_runtime::mcp` implements, newest first.
pub const SUPPORTED_PROTOCOL_VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26"];

/// The Apps SDK cuts invocation status texts at this length.
const STATUS_TEXT_LIMIT: usize = 64;

pub(super) fn check_mcp(
    check: &mut Checker<'_>,
    mcp: &spec::McpSpec,
    routes: &[Route],
    types: &BTreeMap<String, TypeDef>,
    bindings: &Bindings,
) -> Mcp {
    let path = YamlPath::root().key("mcp");
    check_protocol_versions(check, &mcp.protocol_versions, &path.key("protocol_versions"));
    if !bindings.kv.iter().any(|kv| kv.name == mcp.session_store) {
        check.error(
            path.key("session_store"),
            format!("`{}` is not a declared KV binding", mcp.session_store),
            if bindings.kv.is_empty() {
                "MCP sessions are kept in KV: declare a namespace under `bindings.kv`, e.g. `SESSIONS: {}`, and name \
                 it here"
                    .to_owned()
            } else {
                suggest(&mcp.session_store, bindings.kv.iter().map(|kv| kv.name.as_str()))
            },
        );
    }
    if mcp.session_ttl_seconds < 60 {
        check.error(
            path.key("session_ttl_seconds"),
            format!("{} seconds is shorter than KV's shortest expiry", mcp.session_ttl_seconds),
            "use at least 60; 86400 (a day) suits a chat session",
        );
    }
    let resources: Vec<McpResource> = mcp
        .resources
        .iter()
        .map(|(name, resource)| {
            check_resource(check, name, resource, bindings, &path.key("resources").key(name.clone()))
        })
        .collect();
    let mut uris: BTreeMap<&str, &str> = BTreeMap::new();
    for resource in &resources {
        if let Some(first) = uris.insert(&resource.uri, &resource.name) {
            check.error(
                path.key("resources").key(resource.name.clone()).key("uri"),
                format!("URI `{}` is already used by resource `{first}`", resource.uri),
                "give every resource its own URI",
            );
        }
    }
    let tools = mcp
        .tools
        .iter()
        .map(|(name, tool)| {
            check_tool(check, name, tool, routes, types, &resources, &path.key("tools").key(name.clone()))
        })
        .collect();
    let mcp_routes: Vec<&Route> = routes.iter().filter(|r| matches!(r.kind, RouteKind::Mcp { .. })).collect();
    if mcp_routes.len() > 1 {
        check.error(
            YamlPath::root().key("routes"),
            format!("{} routes serve the MCP server", mcp_routes.len()),
            "keep one route with `kind: {mcp: {}}`",
        );
    }
    if mcp_routes.is_empty() && !(mcp.tools.is_empty() && mcp.resources.is_empty()) {
        check.error(
            path.clone(),
            "no route serves the MCP server's tools and resources",
            "add a route such as `{id: mcp, method: [POST, DELETE], path: /mcp, kind: {mcp: {}}}`",
        );
    }
    Mcp {
        name: mcp.name.clone(),
        title: mcp.title.clone(),
        version: mcp.version.clone(),
        protocol_versions: mcp.protocol_versions.clone(),
        instructions: mcp.instructions.as_deref().map(str::trim_end).map(str::to_owned),
        session_store: mcp.session_store.clone(),
        session_ttl_seconds: mcp.session_ttl_seconds,
        tools,
        resources,
        path: mcp_routes.first().map(|r| r.path.clone()),
    }
}

fn check_protocol_versions(check: &mut Checker<'_>, versions: &[String], path: &YamlPath) {
    if versions.is_empty() {
        check.error(
            path.clone(),
            "no protocol version given",
            format!("list the versions to accept, newest first: {}", SUPPORTED_PROTOCOL_VERSIONS.join(", ")),
        );
    }
    for (i, version) in versions.iter().enumerate() {
        if !SUPPORTED_PROTOCOL_VERSIONS.contains(&version.as_str()) {
            check.error(
                path.index(i),
                format!("MCP protocol version `{version}` is not implemented by the runtime"),
                suggest(version, SUPPORTED_PROTOCOL_VERSIONS.iter().copied()),
            );
        } else if versions[..i].contains(version) {
            check.error(path.index(i), format!("protocol version `{version}` is listed twice"), "list each once");
        } else if versions[..i].iter().any(|earlier| earlier < version) {
            check.error(
                path.index(i),
                format!("protocol version `{version}` is newer than one listed before it"),
                "list versions newest first: a client asking for an unknown version is offered the first",
            );
        }
    }
}

fn check_tool(
    check: &mut Checker<'_>,
    name: &str,
    tool: &spec::McpToolSpec,
    routes: &[Route],
    types: &BTreeMap<String, TypeDef>,
    resources: &[McpResource],
    at: &YamlPath,
) -> McpTool {
    if !is_tool_name(name) {
        check.error(
            at.clone(),
            format!("`{name}` is not a valid tool name"),
            "use 1 to 64 letters, digits, `_`, `-` or `.`, e.g. get_logs",
        );
    }
    let route = routes.iter().find(|r| r.id == tool.route);
    match route {
        None => check.error(
            at.key("route"),
            format!("`{}` is not a route id", tool.route),
            suggest(&tool.route, routes.iter().map(|r| r.id.as_str())),
        ),
        Some(route) => check_tool_route(check, route, types, &at.key("route")),
    }
    let widget = tool.widget.as_ref().and_then(|widget| {
        let found = resources.iter().find(|r| &r.name == widget);
        if found.is_none() {
            check.error(
                at.key("widget"),
                format!("`{widget}` is not a declared resource"),
                if resources.is_empty() {
                    "declare the widget under `mcp.resources`, e.g. `dashboard: {uri: ui://widget/dashboard.html, \
                     asset: /widget.html}`"
                        .to_owned()
                } else {
                    suggest(widget, resources.iter().map(|r| r.name.as_str()))
                },
            );
        }
        found.map(|r| r.uri.clone())
    });
    for (key, text) in [("invoking", &tool.invoking), ("invoked", &tool.invoked)] {
        if text.as_ref().is_some_and(|t| t.is_empty() || t.chars().count() > STATUS_TEXT_LIMIT) {
            check.error(
                at.key(key),
                format!("the `{key}` text must be 1 to {STATUS_TEXT_LIMIT} characters"),
                "write a short status such as `Loading logs…`",
            );
        }
    }
    let summary = route.map(|r| r.summary.clone()).unwrap_or_default();
    let description = tool
        .description
        .clone()
        .or_else(|| route.and_then(|r| r.description.clone()))
        .unwrap_or_else(|| summary.clone());
    let is_get = route.is_some_and(|r| r.methods == [HttpMethod::Get]);
    McpTool {
        name: name.to_owned(),
        route: tool.route.clone(),
        title: tool.title.clone().unwrap_or(summary),
        description: description.trim_end().to_owned(),
        annotations: ToolAnnotations {
            read_only: tool.annotations.read_only.unwrap_or(is_get),
            destructive: tool.annotations.destructive,
            idempotent: tool.annotations.idempotent,
            open_world: tool.annotations.open_world,
        },
        widget,
        widget_accessible: tool.widget_accessible,
        invoking: tool.invoking.clone(),
        invoked: tool.invoked.clone(),
    }
}

/// A tool's arguments are one JSON object: the route's parameters or its body, not both, and nothing that
/// only an HTTP request carries (headers). Its result is the route's response, an object.
fn check_tool_route(check: &mut Checker<'_>, route: &Route, types: &BTreeMap<String, TypeDef>, at: &YamlPath) {
    let problem = if route.kind != RouteKind::Json {
        Some(format!("route `{}` is not a JSON route", route.id))
    } else if route.params_in(ParamLocation::Header).next().is_some() {
        Some(format!("route `{}` takes header parameters, which a tool call cannot carry", route.id))
    } else if route.body.is_some() && !route.params.is_empty() {
        Some(format!("route `{}` takes both parameters and a body; a tool takes one object", route.id))
    } else if route.response.as_ref().is_some_and(|r| !matches!(types.get(&r.ty), Some(TypeDef::Object(_)))) {
        Some(format!("route `{}` does not answer an object, which a tool result must be", route.id))
    } else {
        None
    };
    if let Some(problem) = problem {
        check.error(at.clone(), problem, "bind the tool to a JSON route whose response is an object type");
    }
}

fn check_resource(
    check: &mut Checker<'_>,
    name: &str,
    resource: &spec::McpResourceSpec,
    bindings: &Bindings,
    at: &YamlPath,
) -> McpResource {
    if !names::is_snake_case(name) {
        check.error(at.clone(), format!("`{name}` is not a valid resource name"), "use snake_case, e.g. dashboard");
    }
    if !names::is_uri(&resource.uri) {
        check.error(
            at.key("uri"),
            format!("`{}` is not a URI", resource.uri),
            "write scheme:rest, e.g. ui://widget/dashboard.html",
        );
    }
    if !resource.asset.starts_with('/') || resource.asset.contains("..") {
        check.error(
            at.key("asset"),
            format!("`{}` is not a path inside the assets directory", resource.asset),
            "write the file's path from the assets directory, starting with `/`, e.g. /widget.html",
        );
    } else if bindings.assets.is_none() {
        check.error(
            at.key("asset"),
            "resources are served from the static assets, and none are declared",
            "declare `bindings.assets` (binding and directory) and put the file there",
        );
    }
    let (kind, subtype) = resource.mime_type.split_once('/').unwrap_or(("", ""));
    if kind.is_empty() || subtype.is_empty() || resource.mime_type.contains(char::is_whitespace) {
        check.error(
            at.key("mime_type"),
            format!("`{}` is not a MIME type", resource.mime_type),
            "write type/subtype, e.g. text/html+skybridge for an Apps SDK widget",
        );
    }
    let widget = resource.widget.as_ref().map(|widget| {
        for (key, domains) in
            [("connect_domains", &widget.connect_domains), ("resource_domains", &widget.resource_domains)]
        {
            for (i, domain) in domains.iter().enumerate() {
                if !names::is_origin(domain) {
                    check.error(
                        at.key("widget").key(key).index(i),
                        format!("`{domain}` is not an origin"),
                        "write scheme://host[:port], e.g. https://dashboard.cortexdx.io",
                    );
                }
            }
        }
        Widget {
            description: widget.description.clone(),
            prefers_border: widget.prefers_border,
            connect_domains: widget.connect_domains.clone(),
            resource_domains: widget.resource_domains.clone(),
        }
    });
    McpResource {
        name: name.to_owned(),
        uri: resource.uri.clone(),
        title: resource.title.clone(),
        description: resource.description.clone(),
        asset: resource.asset.clone(),
        mime_type: resource.mime_type.clone(),
        widget,
    }
}

/// MCP's tool-name guidance: short, and safe in any client's UI and logs.
fn is_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
