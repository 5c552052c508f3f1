//! The OpenAPI document and the API reference generated from `spec/dashboard.yaml`.
//!
//! The OpenAPI document is checked by the real validator, `openapi-spec-validator` from PyPI, so a document
//! that merely looks plausible does not pass. Install it with
//! `python3 -m pip install 'openapi-spec-validator==0.7.*'`; the test fails, not skips, without it.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

fn model() -> codegen::model::Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dashboard.yaml");
    let text = std::fs::read_to_string(path).expect("spec/dashboard.yaml is readable");
    codegen::load::load(&text).unwrap_or_else(|d| panic!("{}", d.render("spec/dashboard.yaml")))
}

fn document() -> Value {
    codegen::emit::openapi::document(&model())
}

fn reference() -> (String, String) {
    let model = model();
    let layout = codegen::Layout {
        spec_dir_from_generated: "../spec".to_owned(),
        spec_display_name: "spec/dashboard.yaml".to_owned(),
    };
    let files = codegen::emit::docs::render(&model, &layout);
    let file = |name: &str| files.iter().find(|(path, _)| path == name).map(|(_, text)| text.clone());
    (file("index.html").expect("index.html is rendered"), file("api.md").expect("api.md is rendered"))
}

#[test]
fn document_passes_openapi_spec_validator() {
    let path = std::env::temp_dir().join(format!("codegen-openapi-{}.json", std::process::id()));
    std::fs::write(&path, codegen::emit::json(&document())).expect("temp file is writable");
    let output = Command::new("python3").arg("-m").arg("openapi_spec_validator").arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let install = "install it with: python3 -m pip install 'openapi-spec-validator==0.7.*'";
    let output = output.unwrap_or_else(|e| panic!("cannot run python3 ({e}); install Python 3, then {install}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("No module named"), "openapi-spec-validator is missing; {install}\n{stderr}");
    assert!(output.status.success(), "openapi-spec-validator rejected the document:\n{stdout}\n{stderr}");
    assert!(stdout.contains("OK"), "unexpected validator output:\n{stdout}\n{stderr}");
}

#[test]
fn every_route_and_method_is_an_operation() {
    let model = model();
    let doc = document();
    let mut ids = BTreeSet::new();
    for route in &model.routes {
        for method in &route.methods {
            let op = &doc["paths"][&route.path][method.as_str().to_ascii_lowercase()];
            assert!(op.is_object(), "{} {} is missing", method.as_str(), route.path);
            assert_eq!(op["summary"], route.summary.as_str());
            assert!(
                ids.insert(op["operationId"].as_str().unwrap_or_default().to_owned()),
                "duplicate operationId for {}",
                route.id
            );
        }
    }
    assert_eq!(doc["paths"]["/auth/logout"]["get"]["operationId"], "auth_logout");
    assert_eq!(doc["paths"]["/auth/logout"]["post"]["operationId"], "auth_logout_post");
    assert!(doc["paths"]["/auth/logout"].get("options").is_none(), "CORS preflights are not operations");
}

#[test]
fn info_servers_and_tags_come_from_the_spec() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "CortexDx Dashboard API");
    assert_eq!(doc["info"]["version"], "0.1.0");
    let servers: Vec<&str> = doc["servers"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap()).collect();
    // The default environment first, then the others by name.
    assert_eq!(
        servers,
        [
            "http://localhost:8787",
            "https://dashboard.cortexdx.io",
            "https://cortexdx-dashboard-staging.brainwav.workers.dev"
        ]
    );
    assert_eq!(doc["servers"][0]["description"], "dev environment (default)");
    let tags: Vec<&str> = doc["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tags, ["system", "observability", "control", "auth", "discovery", "realtime", "mcp"]);
    assert_eq!(doc["tags"][0]["description"], "Health and service status");
}

#[test]
fn scoped_operations_require_oauth2_and_public_ones_do_not() {
    let doc = document();
    assert_eq!(doc["paths"]["/api/logs"]["get"]["security"], serde_json::json!([{ "oauth2": ["search.read"] }]));
    assert_eq!(doc["paths"]["/api/control"]["post"]["security"], serde_json::json!([{ "oauth2": ["memory.write"] }]));
    assert!(doc["paths"]["/api/health"]["get"].get("security").is_none());
    let flow = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(flow["authorizationUrl"], "https://auth.openai.com/oauth/authorize");
    assert_eq!(flow["tokenUrl"], "https://auth.openai.com/oauth/token");
    assert_eq!(flow["scopes"]["search.read"], "Read health, logs, traces, runs and metrics");
    assert_eq!(flow["scopes"].as_object().unwrap().len(), 5);
}

#[test]
fn parameters_carry_their_constraints() {
    let doc = document();
    let params = doc["paths"]["/api/logs"]["get"]["parameters"].as_array().unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["required"], false);
    assert_eq!(
        limit["schema"],
        serde_json::json!({ "type": "integer", "format": "int64", "minimum": 1, "maximum": 1000, "default": 100 })
    );
    let session = &doc["paths"]["/auth/logout"]["get"]["parameters"][0];
    assert_eq!(session["name"], "X-Session-Id");
    assert_eq!(session["in"], "header");
    assert_eq!(session["schema"]["maxLength"], 128);
}

#[test]
fn responses_follow_the_route_kind() {
    let doc = document();
    let paths = &doc["paths"];
    assert_eq!(
        paths["/api/test-flow"]["post"]["responses"]["202"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TestFlowAccepted"
    );
    assert_eq!(
        paths["/api/test-flow"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TestFlowRequest"
    );
    assert_eq!(paths["/api/test-flow"]["post"]["requestBody"]["required"], true);
    assert!(paths["/auth/callback"]["get"]["responses"]["302"]["headers"]["Location"].is_object());
    assert!(paths["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"].is_object());
    assert!(paths["/mcp"]["get"]["responses"]["101"].is_object());
    assert!(paths["/mcp"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Upgrade" && p["required"] == true));
    assert!(paths["/docs"]["get"]["responses"]["200"]["content"]["text/html"].is_object());
    let metadata = &paths["/.well-known/oauth-protected-resource"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    assert_eq!(metadata["required"], serde_json::json!(["resource"]));
    let control = paths["/api/control"]["post"]["responses"].as_object().unwrap();
    assert_eq!(control.keys().collect::<Vec<_>>(), ["200", "400", "401", "403", "409"]);
    assert_eq!(control["409"]["description"], "The action does not apply in the current state");
    assert_eq!(control["409"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
}

/// Operations with scopes answer 401 and 403 from the generated scope check; public ones do not.
#[test]
fn scoped_operations_document_the_scope_check() {
    let doc = document();
    let control = &doc["paths"]["/api/control"]["post"]["responses"];
    assert_eq!(control["401"]["$ref"], "#/components/responses/Unauthorized");
    assert_eq!(control["403"]["$ref"], "#/components/responses/Forbidden");
    let health = doc["paths"]["/api/health"]["get"]["responses"].as_object().unwrap();
    assert!(!health.contains_key("401") && !health.contains_key("403"));
    for name in ["Unauthorized", "Forbidden"] {
        let response = &doc["components"]["responses"][name];
        assert!(response["headers"]["WWW-Authenticate"].is_object(), "{name}");
        assert_eq!(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
    }
}

#[test]
fn components_describe_every_type_and_the_error_body() {
    let model = model();
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in model.types.keys() {
        assert!(schemas.contains_key(name), "component {name} is missing");
    }
    let error = &schemas["Error"];
    assert_eq!(error["required"], serde_json::json!(["error"]));
    assert_eq!(error["properties"]["error"]["required"], serde_json::json!(["code", "message"]));
    assert!(error["properties"]["error"]["properties"]["location"].is_object());

    let page = &schemas["LogPage"];
    assert_eq!(page["required"], serde_json::json!(["entries"]), "optional fields are left out of required");
    assert_eq!(
        page["properties"]["entries"],
        serde_json::json!({ "type": "array", "items": { "$ref": "#/components/schemas/LogEntry" } })
    );
    assert!(page.get("additionalProperties").is_none(), "objects stay open for forward compatibility");
    assert_eq!(
        schemas["Metrics"]["properties"]["logs_by_level"]["additionalProperties"],
        serde_json::json!({ "type": "integer", "format": "int64" })
    );
    assert_eq!(
        schemas["HealthStatus"],
        serde_json::json!({ "type": "string", "enum": ["ok", "degraded"], "description": "Overall service health" })
    );
    assert_eq!(schemas["TestFlowRequest"]["properties"]["endpoint"]["maxLength"], 2048);
    assert_eq!(
        schemas["TestFlowRequest"]["properties"]["endpoint"]["examples"],
        serde_json::json!(["https://mcp.example.com/mcp"])
    );
}

#[test]
fn every_reference_resolves() {
    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 20, "expected many references, found {}", found.len());
    for target in found {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("{target} is not a local reference"));
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    assert_eq!(codegen::emit::json(&document()), codegen::emit::json(&document()));
    assert_eq!(reference(), reference());
}

#[test]
fn reference_names_every_route_and_type() {
    let model = model();
    let (html, markdown) = reference();
    // Compare against the HTML's text, with entities such as `&#39;` decoded.
    let html_text = unescape_html(&html);
    for (name, text) in [("index.html", &html_text), ("api.md", &markdown)] {
        assert!(text.contains("@generated by codegen"), "{name} has no generated header");
        for route in &model.routes {
            assert!(text.contains(&route.path), "{name} does not mention {}", route.path);
            assert!(text.contains(&route.summary), "{name} does not mention the summary of {}", route.id);
        }
        for type_name in model.types.keys() {
            assert!(text.contains(type_name.as_str()), "{name} does not mention type {type_name}");
        }
        for scope in ["search.read", "memory.delete"] {
            assert!(text.contains(scope), "{name} does not list scope {scope}");
        }
        assert!(text.contains("https://chatgpt.com"), "{name} does not list the CORS origins");
        assert!(text.contains("https://auth.openai.com"), "{name} does not list the authorization server");
    }
    assert!(html.starts_with("<!doctype html>\n<!-- @generated"));
    assert!(markdown.starts_with("<!-- @generated"));
}

#[test]
fn html_is_self_contained() {
    let (html, _) = reference();
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "the reference needs no script");
    assert!(!lower.contains("<link"), "styles are inline, not linked");
    assert!(!lower.contains("@import"), "styles import nothing");
    assert!(!lower.contains("src=\"http"), "nothing is loaded from elsewhere");
    assert!(lower.contains("<style>") && lower.contains("prefers-color-scheme: dark"));
}

#[test]
fn html_escapes_spec_text() {
    let (html, _) = reference();
    // Spec descriptions use backticks for code; they become <code> after escaping, never raw markup.
    assert!(html.contains("after the <code>since</code> id"), "backtick spans become code");
    assert!(html.contains("Authorization: Bearer &lt;token&gt;"));
}

#[test]
fn example_payloads_are_json_matching_their_types() {
    let (html, markdown) = reference();
    let html_examples: Vec<Value> = between(&html, "<pre class=\"example\"><code>", "</code></pre>")
        .into_iter()
        .map(|text| parse(&unescape_html(text)))
        .collect();
    let markdown_examples: Vec<Value> = between(&markdown, "```json\n", "\n```").into_iter().map(parse).collect();
    assert!(html_examples.len() >= 10, "expected an example per JSON body, found {}", html_examples.len());
    assert_eq!(html_examples, markdown_examples, "both files show the same examples");

    let model = model();
    let health = codegen::emit::examples::type_example(&model, "Health");
    assert_eq!(health["status"], "ok", "an enum shows its first value");
    assert_eq!(health["environment"], "dev", "a declared example wins");
    assert_eq!(health["timestamp"], "2025-01-01T00:00:00Z");
    assert_eq!(health["bindings"][0]["kind"], "kv", "arrays hold one expanded element");
    assert!(html_examples.contains(&health));
    let page = codegen::emit::examples::type_example(&model, "LogPage");
    assert_eq!(page["entries"][0]["id"], 1, "an integer shows its minimum");
    let metrics = codegen::emit::examples::type_example(&model, "Metrics");
    assert_eq!(metrics["logs_by_level"], serde_json::json!({ "key": 0 }));
    let run = codegen::emit::examples::type_example(&model, "Run");
    assert_eq!(run["id"], "00000000-0000-4000-8000-000000000000");
    assert_eq!(run["endpoint"], "https://example.com");
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(start) {
        let after = &rest[at + start.len()..];
        let Some(stop) = after.find(end) else { break };
        found.push(&after[..stop]);
        rest = &after[stop + end.len()..];
    }
    found
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("example is not JSON ({e}):\n{text}"))
}

fn unescape_html(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}
