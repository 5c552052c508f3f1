//! What the MCP server says about itself: `tools/list` and `resources/list` entries, and its identity.
//!
//! Built once here as JSON, then embedded by the Rust emitter as constant text (the worker never serializes
//! them) and summarised by the manifest and the reference, so all three describe the same tools.

use serde_json::{json, Map, Value};

use super::openapi::{field_schema, standalone};
use crate::model::{Mcp, McpResource, McpTool, Model, Route};

/// Every tool's descriptor, in name order.
pub fn tools(model: &Model, mcp: &Mcp) -> Value {
    Value::Array(mcp.tools.iter().map(|tool| tool_descriptor(model, tool)).collect())
}

/// Every resource's descriptor, in name order.
pub fn resources(mcp: &Mcp) -> Value {
    Value::Array(mcp.resources.iter().map(resource_descriptor).collect())
}

/// `serverInfo` of the `initialize` result.
pub fn server_info(mcp: &Mcp) -> Value {
    let mut info = Map::new();
    info.insert("name".into(), json!(mcp.name));
    if let Some(title) = &mcp.title {
        info.insert("title".into(), json!(title));
    }
    info.insert("version".into(), json!(mcp.version));
    Value::Object(info)
}

/// The capabilities the server announces: what it declares, nothing more (no prompts, no subscriptions).
pub fn capabilities(mcp: &Mcp) -> Value {
    let mut capabilities = Map::new();
    if !mcp.tools.is_empty() {
        capabilities.insert("tools".into(), json!({ "listChanged": false }));
    }
    if !mcp.resources.is_empty() {
        capabilities.insert("resources".into(), json!({ "subscribe": false, "listChanged": false }));
    }
    Value::Object(capabilities)
}

/// The route a tool runs; validation guarantees it exists.
pub fn route_of<'a>(model: &'a Model, tool: &McpTool) -> &'a Route {
    model.routes.iter().find(|r| r.id == tool.route).expect("validated: every tool names a route")
}

fn tool_descriptor(model: &Model, tool: &McpTool) -> Value {
    let route = route_of(model, tool);
    let mut descriptor = Map::new();
    descriptor.insert("name".into(), json!(tool.name));
    descriptor.insert("title".into(), json!(tool.title));
    descriptor.insert("description".into(), json!(tool.description));
    descriptor.insert("inputSchema".into(), input_schema(model, route));
    if let Some(response) = &route.response {
        descriptor.insert("outputSchema".into(), standalone(model, &response.ty));
    }
    descriptor.insert("annotations".into(), annotations(tool));
    let mut meta = Map::new();
    if model.oauth.is_some() {
        // The Apps SDK reads the schemes from the descriptor; older clients from `_meta`.
        let schemes = security_schemes(route);
        descriptor.insert("securitySchemes".into(), schemes.clone());
        meta.insert("securitySchemes".into(), schemes);
    }
    if let Some(uri) = &tool.widget {
        meta.insert("openai/outputTemplate".into(), json!(uri));
        meta.insert("openai/widgetAccessible".into(), json!(tool.widget_accessible));
    }
    if let Some(text) = &tool.invoking {
        meta.insert("openai/toolInvocation/invoking".into(), json!(text));
    }
    if let Some(text) = &tool.invoked {
        meta.insert("openai/toolInvocation/invoked".into(), json!(text));
    }
    if !meta.is_empty() {
        descriptor.insert("_meta".into(), Value::Object(meta));
    }
    Value::Object(descriptor)
}

/// The body's schema, or the parameters as one object with exactly their schemas (as OpenAPI publishes
/// them, with each parameter's description); validation allows one or the other.
pub fn input_schema(model: &Model, route: &Route) -> Value {
    if let Some(body) = &route.body {
        return standalone(model, &body.ty);
    }
    let properties: Map<String, Value> =
        route.params.iter().map(|param| (param.field.name.clone(), field_schema(&param.field))).collect();
    let required: Vec<&str> = route.params.iter().filter(|p| p.field.required).map(|p| p.field.name.as_str()).collect();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

fn annotations(tool: &McpTool) -> Value {
    let hints = &tool.annotations;
    let mut annotations = Map::new();
    annotations.insert("title".into(), json!(tool.title));
    annotations.insert("readOnlyHint".into(), json!(hints.read_only));
    for (key, hint) in [
        ("destructiveHint", hints.destructive),
        ("idempotentHint", hints.idempotent),
        ("openWorldHint", hints.open_world),
    ] {
        if let Some(hint) = hint {
            annotations.insert(key.into(), json!(hint));
        }
    }
    Value::Object(annotations)
}

/// The Apps SDK's per-tool authentication: `noauth` for an open route, `oauth2` with the route's scopes.
fn security_schemes(route: &Route) -> Value {
    if route.scopes.is_empty() {
        json!([{ "type": "noauth" }])
    } else {
        json!([{ "type": "oauth2", "scopes": route.scopes }])
    }
}

fn resource_descriptor(resource: &McpResource) -> Value {
    let mut descriptor = Map::new();
    descriptor.insert("uri".into(), json!(resource.uri));
    descriptor.insert("name".into(), json!(resource.name));
    if let Some(title) = &resource.title {
        descriptor.insert("title".into(), json!(title));
    }
    if let Some(description) = &resource.description {
        descriptor.insert("description".into(), json!(description.trim_end()));
    }
    descriptor.insert("mimeType".into(), json!(resource.mime_type));
    if let Some(meta) = resource_meta(resource) {
        descriptor.insert("_meta".into(), meta);
    }
    Value::Object(descriptor)
}

/// The Apps SDK's widget settings, sent with the resource's listing and its contents.
pub fn resource_meta(resource: &McpResource) -> Option<Value> {
    let widget = resource.widget.as_ref()?;
    let mut meta = Map::new();
    if let Some(description) = &widget.description {
        meta.insert("openai/widgetDescription".into(), json!(description.trim_end()));
    }
    meta.insert("openai/widgetPrefersBorder".into(), json!(widget.prefers_border));
    meta.insert(
        "openai/widgetCSP".into(),
        json!({ "connect_domains": widget.connect_domains, "resource_domains": widget.resource_domains }),
    );
    Some(Value::Object(meta))
}
