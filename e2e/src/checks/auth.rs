//! Sign-in, sign-out, and the credentials the routes with scopes ask for.
//!
//! The worker's answers come from the spec: the `WWW-Authenticate` challenge names the environment's
//! public origin and the route's scopes, and sign-in redirects to the environment's authorization server
//! with this worker's client id.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use url::Url;

use super::{CheckResult, Probe};
use crate::http::{Exchange, Request};
use crate::spec::{methods, OAuthStep, Route};

/// Where RFC 9728 puts the protected-resource metadata, which every challenge names.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// Every route that needs scopes answers an anonymous request with 401 and a challenge that names the
/// metadata and the route's scopes, before it looks at parameters or the body.
pub fn scoped_routes_refuse_anonymous_callers(probe: &mut Probe) -> CheckResult {
    let routes: Vec<Route> = probe.expect.spec.scoped_routes().cloned().collect();
    for route in routes {
        let method = methods(&route).into_iter().next().unwrap_or_else(|| "GET".to_string());
        let path = example_path(&route.path);
        let check = format!("{method} {path} without credentials is 401");
        let mut request = Request::new(&method, probe.url(&path));
        if method != "GET" {
            request = request.json_text("{}");
        }
        let exchange = probe.send_anonymous(&check, request)?;
        expect_challenge(probe, &check, &exchange, 401, None, &route.scopes)?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// RFC 6750 allows `access_token` in the query; this API does not (`bearer_methods: [header]`): a valid
/// token there is not a credential.
pub fn token_in_the_query_is_ignored(probe: &mut Probe) -> CheckResult {
    let Some(token) = probe.bearer_token.clone() else { return Ok(()) };
    let Some(route) = probe.expect.spec.scoped_routes().find(|route| methods(route).contains(&"GET".to_string()))
    else {
        return Ok(());
    };
    let (path, scopes) = (example_path(&route.path), route.scopes.clone());
    let check = format!("GET {path}?access_token=… is 401");
    let url = probe.url(&format!("{path}?access_token={token}"));
    let mut exchange = probe.send_anonymous(&check, Request::new("GET", url))?;
    // The smoke command prints each URL, and a deployed environment's token is a live credential.
    exchange.url = exchange.url.replace(&token, "<token>");
    expect_challenge(probe, &check, &exchange, 401, None, &scopes)?;
    probe.pass(&check, &exchange);
    Ok(())
}

/// `/auth/login` sends the browser to the environment's authorization server with a PKCE challenge and
/// a fresh state.
pub fn login_redirects_to_the_authorization_server(probe: &mut Probe) -> CheckResult {
    let check = "sign-in redirects to the authorization server";
    let (exchange, _) = begin_login(probe, check)?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn callback_requires_code(probe: &mut Probe) -> CheckResult {
    let check = "auth callback without code";
    let exchange = probe.get(check, &format!("{}?state=e2e-state", callback_path(probe)))?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.code"))?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn callback_requires_state(probe: &mut Probe) -> CheckResult {
    let check = "auth callback without state";
    let exchange = probe.get(check, &format!("{}?code=e2e-code", callback_path(probe)))?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A state the worker never issued (a forged or replayed callback) is refused before any code exchange.
pub fn callback_refuses_an_unknown_state(probe: &mut Probe) -> CheckResult {
    let check = "auth callback with an unknown state";
    let exchange = probe.get(check, &format!("{}?code=e2e-code&state=e2e-unknown-state", callback_path(probe)))?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    probe.pass(check, &exchange);
    Ok(())
}

/// With a state from a real sign-in but a made-up code, the authorization server refuses the exchange:
/// 502, no session cookie, and no secret in the answer.
pub fn callback_exchange_failure(probe: &mut Probe) -> CheckResult {
    let check = "auth callback with a refused code exchange";
    let (_, authorize) = begin_login(probe, check)?;
    let state = query_pairs(&authorize).remove("state").unwrap_or_default();
    let exchange = probe.get(check, &callback_query(probe, "e2e-made-up-code", &state))?;
    expect_failed_exchange(probe, check, &exchange)?;
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

/// `GET /auth/login`, checked to redirect to the environment's authorization endpoint with every
/// parameter of an authorization-code request with PKCE; returns the answer and the authorization URL.
pub fn begin_login(probe: &Probe, check: &str) -> CheckResult<(Exchange, Url)> {
    let spec = &probe.expect.spec;
    let login_path = spec.path_of_step(OAuthStep::Login).unwrap_or("/auth/login");
    let exchange = probe.send_anonymous(check, Request::new("GET", probe.url(login_path)))?;
    probe.expect_status(check, &exchange, 302)?;
    probe.expect_no_secrets(check, &exchange)?;
    let location = exchange.header("location").unwrap_or_default();
    let server = spec
        .env_oauth(&probe.expect.environment)
        .map_err(|problem| probe.fail(check, &exchange, "the environment's OAuth settings", problem))?;
    let authorize = Url::parse(&location)
        .map_err(|e| probe.fail(check, &exchange, "an absolute Location", format!("{location:?} ({e})")))?;
    let endpoint = Url::parse(&server.authorization_endpoint).ok();
    let without_query = |url: &Url| format!("{}://{}{}", url.scheme(), url.authority(), url.path());
    probe.ensure(
        endpoint.as_ref().map(without_query) == Some(without_query(&authorize)),
        check,
        &exchange,
        format!("Location at {}", server.authorization_endpoint),
        format!("Location {location}"),
    )?;

    let query = query_pairs(&authorize);
    let redirect_uri = format!("{}{}", probe.expect.origin, callback_path(probe));
    let scopes: BTreeSet<String> = spec.oauth.scopes.keys().cloned().collect();
    let asked: BTreeSet<String> =
        query.get("scope").map(|s| s.split(' ').map(str::to_string).collect()).unwrap_or_default();
    for (name, wanted) in [
        ("response_type", Some("code")),
        ("client_id", Some(server.client_id.as_str())),
        ("redirect_uri", Some(redirect_uri.as_str())),
        ("code_challenge_method", Some("S256")),
    ] {
        let got = query.get(name).map(String::as_str);
        probe.ensure(got == wanted, check, &exchange, format!("{name}={wanted:?}"), format!("{name}={got:?}"))?;
    }
    probe.ensure(asked == scopes, check, &exchange, format!("scope {scopes:?}"), format!("scope {asked:?}"))?;
    let state = query.get("state").map(String::as_str).unwrap_or_default();
    probe.ensure(state.len() >= 16, check, &exchange, "a random state", format!("state {state:?}"))?;
    // A base64url SHA-256 digest (RFC 7636 §4.2).
    let challenge = query.get("code_challenge").map(String::as_str).unwrap_or_default();
    let well_formed =
        challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
    probe.ensure(well_formed, check, &exchange, "an S256 code_challenge", format!("{challenge:?}"))?;
    Ok((exchange, authorize))
}

/// The callback path with `code` and `state` in its query.
pub fn callback_query(probe: &Probe, code: &str, state: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("code", code)
        .append_pair("state", state)
        .finish();
    format!("{}?{query}", callback_path(probe))
}

pub fn callback_path(probe: &Probe) -> String {
    probe.expect.spec.path_of_step(OAuthStep::Callback).unwrap_or("/auth/callback").to_string()
}

/// A refused code exchange: 502 `bad_gateway`, no session cookie, and no secret anywhere in the answer.
pub fn expect_failed_exchange(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult {
    probe.expect_error(check, exchange, 502, "bad_gateway", None)?;
    probe.expect_no_secrets(check, exchange)?;
    let leaked: Vec<&(String, String)> = exchange
        .headers
        .iter()
        .filter(|(_, value)| probe.expect.forbidden_values.iter().any(|secret| value.contains(secret.as_str())))
        .collect();
    probe.ensure(leaked.is_empty(), check, exchange, "headers without secret values", format!("{leaked:?}"))?;
    let cookie = exchange.header("set-cookie");
    probe.ensure(cookie.is_none(), check, exchange, "no Set-Cookie", format!("Set-Cookie: {cookie:?}"))
}

/// `{"success": true}`, and the session cookie cleared.
pub fn expect_logout_success(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult {
    let body = probe.expect_json_document(check, exchange, 200)?;
    probe.ensure(body == json!({"success": true}), check, exchange, r#"{"success": true}"#, body.to_string())?;
    let cookie = exchange.header("set-cookie").unwrap_or_default();
    let name = &probe.expect.spec.oauth.session_cookie;
    probe.ensure(
        cookie.starts_with(&format!("{name}=;")) && cookie.contains("Max-Age=0"),
        check,
        exchange,
        format!("Set-Cookie: {name}=; …; Max-Age=0"),
        format!("Set-Cookie: {cookie}"),
    )
}

/// A refusal of credentials: `status` (401 or 403) with the matching error code, and a `Bearer`
/// challenge naming the metadata URL on the public origin, the route's scopes, and `error` exactly when
/// one is expected (`invalid_token`, `insufficient_scope`).
pub fn expect_challenge(
    probe: &Probe,
    check: &str,
    exchange: &Exchange,
    status: u16,
    error: Option<&str>,
    scopes: &[String],
) -> CheckResult {
    let code = if status == 403 { "insufficient_scope" } else { "unauthorized" };
    probe.expect_error(check, exchange, status, code, None)?;
    let header = exchange.header("www-authenticate").unwrap_or_default();
    let fail = |expected: String| probe.fail(check, exchange, expected, format!("WWW-Authenticate: {header}"));
    let Some(params) = header.strip_prefix("Bearer ").and_then(challenge_params) else {
        return Err(fail("a Bearer challenge".to_string()));
    };
    let metadata = format!("{}{METADATA_PATH}", probe.expect.origin);
    if params.get("resource_metadata") != Some(&metadata) {
        return Err(fail(format!("resource_metadata=\"{metadata}\"")));
    }
    let scope = scopes.join(" ");
    if params.get("scope") != Some(&scope) {
        return Err(fail(format!("scope=\"{scope}\"")));
    }
    if params.get("error").map(String::as_str) != error {
        return Err(fail(match error {
            Some(error) => format!("error=\"{error}\""),
            None => "no error (no credentials were sent)".to_string(),
        }));
    }
    Ok(())
}

/// The `name="value"` parameters of a challenge; `None` when it does not parse.
pub fn challenge_params(text: &str) -> Option<BTreeMap<String, String>> {
    let mut params = BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=')?;
        let after = after.strip_prefix('"')?;
        let (value, after) = after.split_once('"')?;
        params.insert(name.trim().to_string(), value.to_string());
        rest = after.trim_start().trim_start_matches(',').trim_start();
    }
    Some(params)
}

/// A URL's query as a map (the last value wins).
pub fn query_pairs(url: &Url) -> BTreeMap<String, String> {
    url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// A concrete path for a route path: each `{param}` becomes `e2e`.
fn example_path(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with('{') && segment.ends_with('}') { "e2e" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// The value of a `Set-Cookie` header's cookie, when it sets `name`.
pub fn set_cookie_value(header: &str, name: &str) -> Option<String> {
    let (pair, _) = header.split_once(';').unwrap_or((header, ""));
    let (key, value) = pair.trim().split_once('=')?;
    (key == name).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_parsed_into_their_parameters() {
        let params = challenge_params(
            r#"resource_metadata="https://a.example/.well-known/oauth-protected-resource", scope="a b", error="invalid_token", error_description="the token has expired, sorry""#,
        )
        .unwrap();
        assert_eq!(params["scope"], "a b");
        assert_eq!(params["error"], "invalid_token");
        assert_eq!(params["error_description"], "the token has expired, sorry");
        assert_eq!(challenge_params(r#"scope=a"#), None);
    }

    #[test]
    fn example_paths_fill_parameters() {
        assert_eq!(example_path("/api/runs/{run_id}/steps"), "/api/runs/e2e/steps");
        assert_eq!(example_path("/api/logs"), "/api/logs");
    }

    #[test]
    fn session_cookies_are_read_from_set_cookie() {
        let header = "__Host-session=abc; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=3600";
        assert_eq!(set_cookie_value(header, "__Host-session").as_deref(), Some("abc"));
        assert_eq!(set_cookie_value(header, "other"), None);
    }
}
