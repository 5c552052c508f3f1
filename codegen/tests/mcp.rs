//! Every MCP tool describes exactly its route: its input schema is the route's OpenAPI parameters or
//! request body, its output schema the route's OpenAPI response, and it asks for the route's scopes.
//! Checked on the documents as published (the OpenAPI document and `tools/list`), for every spec with tools.

use serde_json::{Map, Value};

const SPECS: &[&str] = &["../spec/dashboard.yaml", "tests/specs/full.yaml"];

struct Published {
    openapi: Value,
    tools: Vec<Value>,
    model: codegen::model::Model,
}

fn published(spec: &str) -> Published {
    let path = format!("{}/{spec}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let model = codegen::load::load(&text).unwrap_or_else(|d| panic!("{}", d.render(spec)));
    let mcp = model.mcp.as_ref().expect("the spec has an mcp section");
    let tools = codegen::emit::mcp::tools(&model, mcp).as_array().expect("a list").clone();
    assert!(!tools.is_empty(), "{spec} declares tools");
    Published { openapi: codegen::emit::openapi::document(&model), tools, model }
}

/// A component reference's target.
fn component<'a>(openapi: &'a Value, schema: &Value) -> (&'a Value, String) {
    let target = schema["$ref"].as_str().unwrap_or_else(|| panic!("{schema} is a component reference"));
    let name = target.strip_prefix("#/components/schemas/").expect("a component schema").to_owned();
    (&openapi["components"]["schemas"][&name], name)
}

/// A standalone tool schema, read back as OpenAPI components: `#/$defs/` references point at components.
fn as_components(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| key.as_str() != "$defs")
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        (key.clone(), Value::String(target.replace("#/$defs/", "#/components/schemas/")))
                    }
                    _ => (key.clone(), as_components(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_components).collect()),
        other => other.clone(),
    }
}

/// The tool schema equals the component it was made from, and each `$defs` entry equals its component.
fn assert_same_as_component(openapi: &Value, tool_schema: &Value, reference: &Value, what: &str) {
    let (expected, name) = component(openapi, reference);
    assert_eq!(&as_components(tool_schema), expected, "{what}: differs from component {name}");
    for (def, schema) in tool_schema.get("$defs").and_then(Value::as_object).into_iter().flatten() {
        assert_eq!(as_components(schema), openapi["components"]["schemas"][def], "{what}: $defs.{def}");
    }
}

#[test]
fn every_tool_schema_is_its_routes_openapi_schema() {
    for spec in SPECS {
        let Published { openapi, tools, model } = published(spec);
        for tool in &tools {
            let name = tool["name"].as_str().unwrap();
            let declared = model.mcp.as_ref().unwrap().tools.iter().find(|t| t.name == name).unwrap();
            let route = model.routes.iter().find(|r| r.id == declared.route).unwrap();
            let operation = &openapi["paths"][&route.path][route.methods[0].as_str().to_ascii_lowercase()];
            let what = format!("{spec}: tool {name} ({})", route.id);

            let input = &tool["inputSchema"];
            assert_eq!(input["type"], "object", "{what}: MCP input schemas are objects");
            match operation.get("requestBody") {
                Some(body) => {
                    assert_same_as_component(&openapi, input, &body["content"]["application/json"]["schema"], &what)
                }
                None => {
                    let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
                    let properties = input["properties"].as_object().expect("properties");
                    let names: Vec<&str> = parameters.iter().map(|p| p["name"].as_str().unwrap()).collect();
                    assert_eq!(properties.keys().map(String::as_str).collect::<Vec<_>>(), names, "{what}");
                    for parameter in &parameters {
                        let mut property: Map<String, Value> =
                            properties[parameter["name"].as_str().unwrap()].as_object().unwrap().clone();
                        assert_eq!(property.remove("description"), parameter.get("description").cloned(), "{what}");
                        let examples = property.remove("examples");
                        assert_eq!(examples.map(|e| e[0].clone()), parameter.get("example").cloned(), "{what}");
                        assert_eq!(Value::Object(property), parameter["schema"], "{what}: {}", parameter["name"]);
                    }
                    let required: Vec<&Value> =
                        parameters.iter().filter(|p| p["required"] == true).map(|p| &p["name"]).collect();
                    let tool_required: Vec<&Value> = input["required"].as_array().into_iter().flatten().collect();
                    assert_eq!(tool_required, required, "{what}: required arguments");
                    assert_eq!(input["additionalProperties"], false, "{what}");
                }
            }

            let (status, success) = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .expect("a success response");
            let schema = &success["content"]["application/json"]["schema"];
            assert_same_as_component(&openapi, &tool["outputSchema"], schema, &format!("{what} output ({status})"));

            let scopes = operation.get("security").map(|s| s[0]["oauth2"].clone()).unwrap_or(Value::Null);
            match tool["securitySchemes"][0]["type"].as_str() {
                Some("oauth2") => assert_eq!(tool["securitySchemes"][0]["scopes"], scopes, "{what}: scopes"),
                Some("noauth") => assert!(scopes.is_null(), "{what}: the route needs {scopes}"),
                other => assert!(model.oauth.is_none(), "{what}: security scheme {other:?}"),
            }
            assert_eq!(tool["_meta"]["securitySchemes"], tool["securitySchemes"], "{what}");
        }
    }
}

#[test]
fn read_only_hints_follow_the_route_method_unless_declared() {
    let Published { tools, .. } = published(SPECS[0]);
    let hint = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["annotations"].clone();
    assert_eq!(hint("get_logs")["readOnlyHint"], true);
    assert_eq!(hint("control")["readOnlyHint"], false);
    assert_eq!(hint("control")["destructiveHint"], true);
    assert_eq!(hint("start_test_flow")["openWorldHint"], true);
}

#[test]
fn widget_tools_point_at_a_skybridge_resource() {
    let Published { tools, model, .. } = published(SPECS[0]);
    let mcp = model.mcp.as_ref().unwrap();
    let resources = codegen::emit::mcp::resources(mcp);
    let widget = resources.as_array().unwrap().iter().find(|r| r["uri"] == "ui://widget/dashboard.html").unwrap();
    assert_eq!(widget["mimeType"], "text/html+skybridge");
    assert_eq!(widget["_meta"]["openai/widgetPrefersBorder"], true);
    let rendering: Vec<&str> = tools
        .iter()
        .filter(|t| t["_meta"]["openai/outputTemplate"] == widget["uri"])
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(rendering, ["get_health", "get_metrics", "get_runs"]);
}
