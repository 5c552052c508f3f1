//! The well-known documents, the OpenAPI document and the API reference page.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{CheckResult, Probe};
use crate::openapi::OpenApiSource;

/// `/openapi.json` is OpenAPI 3.1; locally it is exactly the generated file.
pub fn openapi_document(probe: &mut Probe) -> CheckResult {
    let check = "OpenAPI document is served";
    let exchange = probe.get(check, "/openapi.json")?;
    let served = probe.expect_json_document(check, &exchange, 200)?;
    let version = served["openapi"].as_str().unwrap_or_default();
    probe.ensure(
        version.starts_with("3.1"),
        check,
        &exchange,
        "\"openapi\": \"3.1.x\"",
        format!("\"openapi\": {:?}", served["openapi"]),
    )?;
    if let OpenApiSource::File(path) = &probe.expect.openapi {
        let same = &served == probe.openapi.document();
        probe.ensure(
            same,
            check,
            &exchange,
            format!("the same JSON as {}", path.display()),
            first_difference(probe.openapi.document(), &served, "").unwrap_or_default(),
        )?;
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// RFC 9728 metadata naming the environment's public origin (not the address the test reached).
pub fn protected_resource_metadata(probe: &mut Probe) -> CheckResult {
    let check = "OAuth protected resource metadata";
    let exchange = probe.get(check, "/.well-known/oauth-protected-resource")?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    let oauth = &probe.expect.spec.oauth;

    expect_field(probe, check, &exchange, &body, "resource", &Value::from(probe.expect.origin.as_str()))?;
    // The environment's own authorization server, where its tokens come from.
    let issuer = probe
        .expect
        .spec
        .env_oauth(&probe.expect.environment)
        .map_err(|problem| probe.fail(check, &exchange, "the environment's OAuth settings", problem))?
        .issuer
        .clone();
    expect_field(probe, check, &exchange, &body, "authorization_servers", &Value::from(vec![issuer]))?;
    expect_field(
        probe,
        check,
        &exchange,
        &body,
        "bearer_methods_supported",
        &Value::from(oauth.bearer_methods.iter().map(|m| m.as_str()).collect::<Vec<_>>()),
    )?;
    expect_field(
        probe,
        check,
        &exchange,
        &body,
        "resource_documentation",
        &Value::from(oauth.resource_documentation.as_deref().unwrap_or_default()),
    )?;

    // Scopes are a set: the order is the generator's choice.
    let wanted: BTreeSet<String> = oauth.scopes.keys().cloned().collect();
    let got: BTreeSet<String> = body["scopes_supported"]
        .as_array()
        .map(|scopes| scopes.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let listed = body["scopes_supported"].as_array().map_or(0, Vec::len);
    probe.ensure(
        got == wanted && listed == wanted.len(),
        check,
        &exchange,
        format!("scopes_supported {wanted:?}"),
        format!("scopes_supported {}", body["scopes_supported"]),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

/// The MCP manifest: name, version, protocol version, tools and capabilities from what the server serves.
pub fn mcp_manifest(probe: &mut Probe) -> CheckResult {
    let check = "MCP manifest";
    let exchange = probe.get(check, "/.well-known/mcp.json")?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    let mcp = &probe.expect.spec.mcp;

    expect_field(probe, check, &exchange, &body, "name", &Value::from(mcp.name.as_str()))?;
    expect_field(probe, check, &exchange, &body, "version", &Value::from(mcp.version.as_str()))?;
    let newest = mcp.protocol_versions.first().map(String::as_str).unwrap_or_default();
    expect_field(probe, check, &exchange, &body, "protocol_version", &Value::from(newest))?;
    let tools: Vec<&str> = mcp.tools.iter().map(|t| t.name.as_str()).collect();
    let listed: Vec<&str> = body["tools"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    probe.ensure(listed == tools, check, &exchange, format!("tools {tools:?}"), format!("tools {listed:?}"))?;
    // Capabilities are what the server serves: tools and resources when it has some, never prompts.
    let served = [("tools", !mcp.tools.is_empty()), ("resources", !mcp.resources.is_empty()), ("prompts", false)];
    for (capability, enabled) in served {
        let got = &body["capabilities"][capability];
        probe.ensure(
            got == &Value::Bool(enabled),
            check,
            &exchange,
            format!("capabilities.{capability} = {enabled}"),
            format!("capabilities.{capability} = {got}"),
        )?;
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// `/docs` is an HTML page that documents every route path.
pub fn api_reference(probe: &mut Probe) -> CheckResult {
    let check = "API reference mentions every route";
    let exchange = probe.get(check, "/docs")?;
    super::system::expect_html(probe, check, &exchange)?;
    for route in &probe.expect.spec.routes {
        probe.ensure(
            exchange.body.contains(&route.path),
            check,
            &exchange,
            format!("the page mentions {}", route.path),
            format!("{} is not on the page", route.path),
        )?;
    }
    probe.pass(check, &exchange);
    Ok(())
}

fn expect_field(
    probe: &Probe,
    check: &str,
    exchange: &crate::http::Exchange,
    body: &Value,
    field: &str,
    wanted: &Value,
) -> CheckResult {
    let got = body.get(field).unwrap_or(&Value::Null);
    probe.ensure(got == wanted, check, exchange, format!("{field} = {wanted}"), format!("{field} = {got}"))
}

/// Where two JSON documents first differ, as a JSON pointer with both values.
pub fn first_difference(expected: &Value, got: &Value, pointer: &str) -> Option<String> {
    match (expected, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{pointer}/{key}");
                match b.get(key) {
                    None => return Some(format!("{here} is missing")),
                    Some(other) => {
                        if let Some(difference) = first_difference(value, other, &here) {
                            return Some(difference);
                        }
                    }
                }
            }
            b.keys().find(|key| !a.contains_key(*key)).map(|key| format!("{pointer}/{key} is not in the file"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{pointer}/{i}")))
        }
        _ if expected == got => None,
        _ => {
            let show = |value: &Value| crate::http::excerpt(&value.to_string());
            Some(format!(
                "{} is {} instead of {}",
                if pointer.is_empty() { "/" } else { pointer },
                show(got),
                show(expected)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_difference_names_the_pointer() {
        let file = json!({"info": {"version": "0.1.0"}, "paths": {"/a": 1}});
        assert_eq!(first_difference(&file, &file.clone(), ""), None);
        let served = json!({"info": {"version": "0.2.0"}, "paths": {"/a": 1}});
        assert_eq!(
            first_difference(&file, &served, "").as_deref(),
            Some("/info/version is \"0.2.0\" instead of \"0.1.0\"")
        );
        let extra = json!({"info": {"version": "0.1.0"}, "paths": {"/a": 1}, "x": true});
        assert_eq!(first_difference(&file, &extra, "").as_deref(), Some("/x is not in the file"));
    }
}
