//! The smoke checks: every route of the spec, against any base URL, stopping at the first wrong answer.
//!
//! Each check is a function over a [`Probe`], which sends requests and turns every wrong answer into a
//! [`CheckFailure`] naming the request, what was expected, what came back and the start of the body. The
//! focused end-to-end tests use the same `Probe` helpers, so both report failures the same way.

pub mod auth;
pub mod broadcast;
pub mod browser;
pub mod control;
pub mod cors;
pub mod discovery;
pub mod event_log;
pub mod mcp;
pub mod observability;
pub mod persistence;
pub mod realtime;
pub mod system;
pub mod test_flows;

use std::fmt;

use serde_json::Value;

use crate::dev_secrets::DevSecrets;
use crate::http::{excerpt, Exchange, HttpClient, Request, TransportError};
use crate::openapi::{OpenApi, OpenApiSource};
use crate::spec::Spec;

use control::ControlState;

/// What the server under test should answer, taken from the spec and the environment's name.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The environment health must report: `dev`, `staging` or `production`.
    pub environment: String,
    /// The environment's public origin from the spec; discovery documents name it, not the test URL.
    pub origin: String,
    /// When true, nothing is sent that could change the server's state (for production).
    pub read_only: bool,
    pub openapi: OpenApiSource,
    /// Secret values that must never appear in a response (known only for the local dev server).
    pub forbidden_values: Vec<String>,
    /// An access token with every scope, sent as `Authorization: Bearer` on every request. Without one,
    /// the routes that need scopes are only checked to refuse anonymous requests.
    pub bearer_token: Option<String>,
    pub spec: Spec,
}

impl Expectations {
    /// Expectations for one environment of the repository's spec.
    pub fn for_environment(environment: &str, read_only: bool, openapi: OpenApiSource) -> Result<Self, String> {
        let spec = Spec::load_repo()?;
        let origin = spec.origin(environment)?.to_string();
        Ok(Expectations {
            environment: environment.to_string(),
            origin,
            read_only,
            openapi,
            forbidden_values: Vec::new(),
            bearer_token: None,
            spec,
        })
    }

    /// The local dev server: environment `dev`, the generated OpenAPI file, and its placeholder secrets.
    /// The caller adds a bearer token from the local authorization server.
    pub fn local_dev(secrets: &DevSecrets) -> Result<Self, String> {
        let openapi = std::env::var_os("E2E_OPENAPI_FILE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(crate::paths::openapi_file);
        let mut expectations = Expectations::for_environment("dev", false, OpenApiSource::File(openapi))?;
        expectations.forbidden_values = secrets.values();
        Ok(expectations)
    }
}

/// A check that passed, with the request that showed it.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub check: String,
    pub method: String,
    pub url: String,
    pub status: u16,
}

impl fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ok  {:<44} {} {} → {}", self.check, self.method, self.url, self.status)
    }
}

/// The first wrong answer.
#[derive(Debug, Clone)]
pub struct CheckFailure {
    pub check: String,
    /// Method and URL, e.g. `GET http://127.0.0.1:8787/api/health`.
    pub request: String,
    pub expected: String,
    pub got: String,
    pub body_excerpt: String,
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "check failed: {}", self.check)?;
        writeln!(f, "  request:  {}", self.request)?;
        writeln!(f, "  expected: {}", self.expected)?;
        writeln!(f, "  got:      {}", self.got)?;
        write!(f, "  body:     {}", if self.body_excerpt.is_empty() { "(empty)" } else { &self.body_excerpt })
    }
}

impl std::error::Error for CheckFailure {}

pub type CheckResult<T = ()> = Result<T, CheckFailure>;

/// Sends requests to one server and judges the answers.
pub struct Probe<'a> {
    pub client: HttpClient,
    pub base_url: String,
    pub expect: &'a Expectations,
    /// Sent as `Authorization: Bearer` unless a request brings its own `Authorization`.
    pub bearer_token: Option<String>,
    pub openapi: OpenApi,
    /// What the control checks found before changing anything, to restore it at the end.
    pub control_state: ControlState,
    passed: Vec<CheckOutcome>,
    on_pass: Box<dyn FnMut(&CheckOutcome) + 'a>,
}

impl<'a> Probe<'a> {
    /// Loads the OpenAPI document (from the file or the server, as the expectations say).
    pub fn new(base_url: &str, expect: &'a Expectations) -> CheckResult<Probe<'a>> {
        let base_url = base_url.trim_end_matches('/').to_string();
        let client = HttpClient::default();
        let openapi = OpenApi::load(&expect.openapi, &client, &base_url).map_err(|reason| CheckFailure {
            check: "load the OpenAPI document".into(),
            request: format!("GET {base_url}/openapi.json"),
            expected: "an OpenAPI 3.1 document with components.schemas".into(),
            got: reason,
            body_excerpt: String::new(),
        })?;
        Ok(Probe {
            client,
            base_url,
            expect,
            bearer_token: expect.bearer_token.clone(),
            openapi,
            control_state: ControlState::default(),
            passed: Vec::new(),
            on_pass: Box::new(|_| {}),
        })
    }

    /// Calls `on_pass` as each check passes (the smoke command prints a line per check).
    pub fn on_pass(mut self, on_pass: impl FnMut(&CheckOutcome) + 'a) -> Self {
        self.on_pass = Box::new(on_pass);
        self
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url, path_and_query)
    }

    /// A probe that sends no credentials, for checks of what anonymous callers get.
    pub fn anonymous(mut self) -> Self {
        self.bearer_token = None;
        self
    }

    pub fn send(&self, check: &str, mut request: Request) -> CheckResult<Exchange> {
        let has_authorization = request.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        if let (Some(token), false) = (&self.bearer_token, has_authorization) {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        self.client.send(request).map_err(|error| transport_failure(check, error))
    }

    /// Sends `request` as it is, without the probe's bearer token.
    pub fn send_anonymous(&self, check: &str, request: Request) -> CheckResult<Exchange> {
        self.client.send(request).map_err(|error| transport_failure(check, error))
    }

    pub fn get(&self, check: &str, path_and_query: &str) -> CheckResult<Exchange> {
        self.send(check, Request::new("GET", self.url(path_and_query)))
    }

    pub fn post_json(&self, check: &str, path: &str, body: &Value) -> CheckResult<Exchange> {
        self.send(check, Request::new("POST", self.url(path)).json(body))
    }

    /// Records a passed check.
    pub fn pass(&mut self, check: &str, exchange: &Exchange) {
        let outcome = CheckOutcome {
            check: check.to_string(),
            method: exchange.method.clone(),
            url: exchange.url.clone(),
            status: exchange.status,
        };
        (self.on_pass)(&outcome);
        self.passed.push(outcome);
    }

    pub fn into_outcomes(self) -> Vec<CheckOutcome> {
        self.passed
    }

    /// A failure about this exchange.
    pub fn fail(
        &self,
        check: &str,
        exchange: &Exchange,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> CheckFailure {
        CheckFailure {
            check: check.to_string(),
            request: format!("{} {}", exchange.method, exchange.url),
            expected: expected.into(),
            got: got.into(),
            body_excerpt: exchange.body_excerpt(),
        }
    }

    /// Fails unless `condition` holds; `expected` and `got` describe the values compared.
    pub fn ensure(
        &self,
        condition: bool,
        check: &str,
        exchange: &Exchange,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> CheckResult {
        if condition {
            Ok(())
        } else {
            Err(self.fail(check, exchange, expected, got))
        }
    }

    pub fn expect_status(&self, check: &str, exchange: &Exchange, status: u16) -> CheckResult {
        self.ensure(
            exchange.status == status,
            check,
            exchange,
            format!("status {status}"),
            format!("status {}", exchange.status),
        )
    }

    /// Status, a JSON content type, and a body valid against `components.schemas.<type_name>`.
    pub fn expect_json(&self, check: &str, exchange: &Exchange, status: u16, type_name: &str) -> CheckResult<Value> {
        let body = self.expect_json_document(check, exchange, status)?;
        self.openapi
            .validate(type_name, &body)
            .map_err(|problem| self.fail(check, exchange, format!("a {type_name} body"), problem))?;
        Ok(body)
    }

    /// Status, a JSON content type and a JSON body, without a schema (for documents outside the API types).
    pub fn expect_json_document(&self, check: &str, exchange: &Exchange, status: u16) -> CheckResult<Value> {
        self.expect_status(check, exchange, status)?;
        self.expect_media_type(check, exchange, "application/json")?;
        exchange.json().map_err(|problem| self.fail(check, exchange, "a JSON body", problem))
    }

    pub fn expect_media_type(&self, check: &str, exchange: &Exchange, media_type: &str) -> CheckResult {
        let got = exchange.media_type();
        self.ensure(
            got.as_deref() == Some(media_type),
            check,
            exchange,
            format!("Content-Type {media_type}"),
            format!("Content-Type {}", got.as_deref().unwrap_or("(none)")),
        )
    }

    /// An error response: status, `Error` schema, `error.code`, a message, and the location when given.
    pub fn expect_error(
        &self,
        check: &str,
        exchange: &Exchange,
        status: u16,
        code: &str,
        location: Option<&str>,
    ) -> CheckResult<Value> {
        let body = self.expect_json(check, exchange, status, "Error")?;
        let got_code = body.pointer("/error/code").and_then(Value::as_str);
        self.ensure(
            got_code == Some(code),
            check,
            exchange,
            format!("error.code {code:?}"),
            format!("error.code {got_code:?}"),
        )?;
        let message = body.pointer("/error/message").and_then(Value::as_str).unwrap_or_default();
        self.ensure(!message.trim().is_empty(), check, exchange, "a non-empty error.message", format!("{message:?}"))?;
        if let Some(location) = location {
            let got_location = body.pointer("/error/location").and_then(Value::as_str);
            self.ensure(
                got_location == Some(location),
                check,
                exchange,
                format!("error.location {location:?}"),
                format!("error.location {got_location:?}"),
            )?;
        }
        Ok(body)
    }

    /// `405 method_not_allowed` whose `Allow` lists exactly `allowed` (any order, any case).
    pub fn expect_method_not_allowed(&self, check: &str, exchange: &Exchange, allowed: &[String]) -> CheckResult {
        self.expect_error(check, exchange, 405, "method_not_allowed", None)?;
        let mut got = exchange.header_items("allow");
        let mut wanted: Vec<String> = allowed.to_vec();
        for list in [&mut got, &mut wanted] {
            list.iter_mut().for_each(|method| *method = method.to_ascii_uppercase());
            list.sort();
            list.dedup();
        }
        self.ensure(
            got == wanted,
            check,
            exchange,
            format!("Allow: {}", wanted.join(", ")),
            format!("Allow: {}", exchange.header("allow").unwrap_or_else(|| "(none)".into())),
        )
    }

    /// Fails when the body contains a value that must stay secret.
    pub fn expect_no_secrets(&self, check: &str, exchange: &Exchange) -> CheckResult {
        match self.expect.forbidden_values.iter().find(|value| exchange.body.contains(value.as_str())) {
            None => Ok(()),
            Some(value) => {
                Err(self.fail(check, exchange, "a body without secret values", format!("the body contains {value:?}")))
            }
        }
    }

    /// The methods the spec declares for a path plus OPTIONS: what `Allow` must list.
    pub fn allowed_methods(&self, path: &str) -> Vec<String> {
        let mut methods = self.expect.spec.methods_of(path);
        methods.push("OPTIONS".to_string());
        methods
    }
}

fn transport_failure(check: &str, error: TransportError) -> CheckFailure {
    CheckFailure {
        check: check.to_string(),
        request: format!("{} {}", error.method, error.url),
        expected: "an HTTP answer".into(),
        got: format!("no answer: {}", error.reason),
        body_excerpt: String::new(),
    }
}

/// A failure that is not about one HTTP exchange (e.g. a WebSocket message).
pub fn failure(
    check: &str,
    method: &str,
    url: &str,
    expected: impl Into<String>,
    got: impl Into<String>,
    body: &str,
) -> CheckFailure {
    CheckFailure {
        check: check.to_string(),
        request: format!("{method} {url}"),
        expected: expected.into(),
        got: got.into(),
        body_excerpt: excerpt(body),
    }
}

type Check = fn(&mut Probe) -> CheckResult;

/// The smoke suite in order. State-changing checks come before the reads that look for their effects.
/// `writes` marks checks skipped with `read_only`; `scoped` marks checks of routes that need scopes,
/// skipped without a bearer token.
struct SuiteEntry {
    check: Check,
    writes: bool,
    scoped: bool,
}

const fn reads(check: Check) -> SuiteEntry {
    SuiteEntry { check, writes: false, scoped: false }
}

const fn writes(check: Check) -> SuiteEntry {
    SuiteEntry { check, writes: true, scoped: false }
}

impl SuiteEntry {
    const fn scoped(self) -> SuiteEntry {
        SuiteEntry { scoped: true, ..self }
    }
}

fn suite() -> Vec<SuiteEntry> {
    vec![
        reads(system::health),
        reads(system::dashboard_page),
        reads(system::spa_fallback),
        reads(system::unknown_api_route),
        reads(system::method_not_allowed),
        reads(discovery::openapi_document),
        reads(discovery::protected_resource_metadata),
        reads(discovery::mcp_manifest),
        reads(discovery::api_reference),
        reads(cors::allowed_origins),
        reads(cors::exposed_headers),
        reads(cors::refused_origin),
        reads(cors::preflight_allowed),
        reads(cors::preflight_refused),
        reads(cors::public_routes),
        reads(cors::public_preflight),
        reads(auth::scoped_routes_refuse_anonymous_callers),
        reads(auth::token_in_the_query_is_ignored).scoped(),
        reads(auth::login_redirects_to_the_authorization_server),
        reads(auth::callback_requires_code),
        reads(auth::callback_requires_state),
        reads(auth::callback_refuses_an_unknown_state),
        writes(auth::callback_exchange_failure),
        reads(auth::logout_get),
        writes(auth::logout_post),
        reads(auth::logout_put_not_allowed),
        writes(control::rejects_malformed_json).scoped(),
        writes(control::rejects_unknown_action).scoped(),
        writes(control::cancel_requires_run_id).scoped(),
        writes(control::cancel_unknown_run).scoped(),
        writes(control::pause_resume_cycle).scoped(),
        writes(control::test_flow_rejects_bad_endpoint).scoped(),
        writes(control::test_flow_accepted).scoped(),
        reads(observability::logs_page).scoped(),
        reads(observability::logs_paging).scoped(),
        reads(observability::logs_bad_parameters).scoped(),
        reads(observability::traces).scoped(),
        reads(observability::traces_bad_parameters).scoped(),
        reads(observability::runs_newest_first).scoped(),
        reads(observability::metrics_agree_with_records).scoped(),
        reads(realtime::events_stream),
        reads(realtime::mcp_websocket),
        reads(mcp::initialize_negotiates_versions),
        reads(mcp::sessions_are_required_and_end),
        reads(mcp::json_rpc_errors),
        reads(mcp::tools_and_resources),
        reads(mcp::scoped_tools_refuse_anonymous_callers),
        reads(mcp::tools_run_their_routes).scoped(),
        reads(mcp::foreign_origins_are_refused),
        writes(control::restore_pause_state).scoped(),
    ]
}

/// The route ids of the spec the suite covers; a unit test keeps this equal to the spec's routes.
pub const COVERED_ROUTES: &[&str] = &[
    "get_health",
    "get_logs",
    "get_metrics",
    "get_traces",
    "get_runs",
    "post_control",
    "post_test_flow",
    "auth_login",
    "auth_callback",
    "auth_logout",
    "oauth_protected_resource",
    "mcp_manifest",
    "openapi_document",
    "api_reference",
    "events",
    "mcp",
];

/// Runs every check against `base_url` and returns the passed checks, or the first failure.
pub fn run_smoke(base_url: &str, expect: &Expectations) -> Result<Vec<CheckOutcome>, CheckFailure> {
    run_smoke_reporting(base_url, expect, |_| {})
}

/// [`run_smoke`], calling `on_pass` as each check passes.
pub fn run_smoke_reporting(
    base_url: &str,
    expect: &Expectations,
    on_pass: impl FnMut(&CheckOutcome),
) -> Result<Vec<CheckOutcome>, CheckFailure> {
    let mut probe = Probe::new(base_url, expect)?.on_pass(on_pass);
    for entry in suite() {
        if (entry.writes && expect.read_only) || (entry.scoped && expect.bearer_token.is_none()) {
            continue;
        }
        (entry.check)(&mut probe)?;
    }
    Ok(probe.into_outcomes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_route_is_covered_by_the_suite() {
        let spec = Spec::load_repo().unwrap();
        let mut in_spec: Vec<&str> = spec.routes.iter().map(|route| route.id.as_str()).collect();
        let mut covered = COVERED_ROUTES.to_vec();
        in_spec.sort();
        covered.sort();
        assert_eq!(in_spec, covered, "the smoke suite and spec/dashboard.yaml disagree on the routes");
    }

    #[test]
    fn failure_message_names_request_expectation_and_answer() {
        let failure =
            failure("health", "GET", "http://127.0.0.1:1/api/health", "status 200", "status 500", "{\"error\":1}");
        let text = failure.to_string();
        for part in [
            "health",
            "GET http://127.0.0.1:1/api/health",
            "expected: status 200",
            "got:      status 500",
            "{\"error\":1}",
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }
}
