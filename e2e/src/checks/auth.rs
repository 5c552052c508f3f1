//! The OAuth callback and sign-out.

use super::{CheckResult, Probe};
use crate::http::Request;

pub fn callback_requires_code(probe: &mut Probe) -> CheckResult {
    let check = "auth callback without code";
    let exchange = probe.get(check, "/auth/callback?state=e2e-state")?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.code"))?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn callback_requires_state(probe: &mut Probe) -> CheckResult {
    let check = "auth callback without state";
    let exchange = probe.get(check, "/auth/callback?code=e2e-code")?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    probe.pass(check, &exchange);
    Ok(())
}

/// With code and state the worker tries the token exchange; locally the dev token endpoint is
/// unreachable, and a deployed authorization server refuses the made-up code: either way 502, and the
/// answer must not echo the client secret or any other secret.
pub fn callback_exchange_failure(probe: &mut Probe) -> CheckResult {
    let check = "auth callback with a refused code exchange";
    let exchange = probe.get(check, "/auth/callback?code=e2e-made-up-code&state=e2e-state")?;
    probe.expect_error(check, &exchange, 502, "bad_gateway", None)?;
    probe.expect_no_secrets(check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Signing out without a session succeeds: there is nothing to end.
pub fn logout_get(probe: &mut Probe) -> CheckResult {
    let check = "GET sign-out";
    let exchange = probe.get(check, "/auth/logout")?;
    expect_logout_success(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn logout_post(probe: &mut Probe) -> CheckResult {
    let check = "POST sign-out with a session id";
    let request = Request::new("POST", probe.url("/auth/logout")).header("X-Session-Id", "e2e-unknown-session");
    let exchange = probe.send(check, request)?;
    expect_logout_success(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn logout_put_not_allowed(probe: &mut Probe) -> CheckResult {
    let check = "PUT sign-out is method_not_allowed";
    let exchange = probe.send(check, Request::new("PUT", probe.url("/auth/logout")))?;
    probe.expect_method_not_allowed(check, &exchange, &probe.allowed_methods("/auth/logout"))?;
    probe.pass(check, &exchange);
    Ok(())
}

fn expect_logout_success(probe: &Probe, check: &str, exchange: &crate::http::Exchange) -> CheckResult {
    let body = probe.expect_json(check, exchange, 200, "LogoutResult")?;
    probe.ensure(
        body == serde_json::json!({"success": true}),
        check,
        exchange,
        r#"{"success": true}"#,
        body.to_string(),
    )
}
