//! Health, the static dashboard, and the answers for unknown paths and wrong methods.

use serde_json::Value;

use super::{CheckResult, Probe};
use crate::http::Request;

/// Health names the environment and version and reports every declared binding as available.
pub fn health(probe: &mut Probe) -> CheckResult {
    let check = "health reports every binding available";
    let exchange = probe.get(check, "/api/health")?;
    let body = probe.expect_json(check, &exchange, 200, "Health")?;

    let environment = body["environment"].as_str().unwrap_or_default();
    let wanted_environment = probe.expect.environment.as_str();
    probe.ensure(
        environment == wanted_environment,
        check,
        &exchange,
        format!("environment {wanted_environment:?}"),
        format!("environment {environment:?}"),
    )?;
    let version = body["version"].as_str().unwrap_or_default();
    let wanted_version = probe.expect.spec.api.version.as_str();
    probe.ensure(
        version == wanted_version,
        check,
        &exchange,
        format!("version {wanted_version:?}"),
        format!("version {version:?}"),
    )?;

    let reported = body["bindings"].as_array().cloned().unwrap_or_default();
    for wanted in probe.expect.spec.expected_bindings() {
        let entry = reported.iter().find(|entry| entry["name"] == wanted.name.as_str());
        let Some(entry) = entry else {
            return Err(probe.fail(check, &exchange, format!("a bindings entry for {wanted}"), "no such entry"));
        };
        let kind = entry["kind"].as_str().unwrap_or_default();
        probe.ensure(kind == wanted.kind, check, &exchange, format!("{wanted}"), format!("{}({kind})", wanted.name))?;
        let available = entry["available"] == Value::Bool(true);
        probe.ensure(available, check, &exchange, format!("{wanted} available"), format!("{entry}"))?;
    }
    // Every binding is available at this point, so the overall status must be "ok".
    let status = body["status"].as_str().unwrap_or_default();
    probe.ensure(status == "ok", check, &exchange, "status \"ok\"", format!("status {status:?}"))?;
    probe.pass(check, &exchange);
    Ok(())
}

/// `/` serves the static dashboard from the assets binding.
pub fn dashboard_page(probe: &mut Probe) -> CheckResult {
    let check = "dashboard page is served";
    let exchange = probe.get(check, "/")?;
    expect_html(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A client-side route that is no file falls back to the dashboard page (single-page application).
pub fn spa_fallback(probe: &mut Probe) -> CheckResult {
    let check = "client-side routes fall back to the dashboard";
    let exchange = probe.get(check, "/runs/some/client/route")?;
    expect_html(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// An unknown path under `/api` is a JSON 404, not the dashboard page.
pub fn unknown_api_route(probe: &mut Probe) -> CheckResult {
    let check = "unknown API path is a JSON not_found";
    let exchange = probe.get(check, "/api/nope")?;
    probe.expect_error(check, &exchange, 404, "not_found", None)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A wrong method is a 405 whose `Allow` lists the path's methods and OPTIONS.
pub fn method_not_allowed(probe: &mut Probe) -> CheckResult {
    let check = "DELETE /api/health is method_not_allowed";
    let exchange = probe.send(check, Request::new("DELETE", probe.url("/api/health")))?;
    probe.expect_method_not_allowed(check, &exchange, &probe.allowed_methods("/api/health"))?;
    probe.pass(check, &exchange);
    Ok(())
}

pub(super) fn expect_html(probe: &Probe, check: &str, exchange: &crate::http::Exchange) -> CheckResult {
    probe.expect_status(check, exchange, 200)?;
    probe.expect_media_type(check, exchange, "text/html")?;
    let looks_like_html = exchange.body.to_ascii_lowercase().contains("<html");
    probe.ensure(looks_like_html, check, exchange, "an HTML document", "a body without <html")
}
