//! End-to-end run against a local `wrangler dev`: the smoke suite, focused tests for each behaviour of
//! the HTTP contract, and finally a check that the runtime log shows no failure.
//!
//! A loopback OAuth authorization server plays the dev environment's issuer (`127.0.0.1:9876` in the
//! spec) for the whole run: the worker fetches its keys, sign-in goes through it, and the smoke suite
//! sends a token it minted with every scope.
//!
//! This is a test binary with its own `main` (`harness = false` in Cargo.toml) rather than `#[test]`
//! functions sharing a `static` server: the steps must run in a fixed order so the clean-log check comes
//! after every other request, and the server must be dropped at the end so its process group is
//! stopped (a `static` is never dropped). Every step runs even when an earlier one failed, so one run
//! reports every broken behaviour; the process exits non-zero if any step failed.
//!
//! Near the end, the dashboard is driven in headless Chromium (`e2e/ui/dashboard.mjs`; its screenshot
//! and output are kept in `target/e2e-artifacts/`), and the last step restarts the runtime on its
//! persisted state.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use e2e::auth_server::{AuthServer, AuthServerConfig, TokenSpec};
use e2e::checks::auth::{
    begin_login, callback_query, expect_challenge, expect_failed_exchange, expect_logout_success, query_pairs,
    set_cookie_value,
};
use e2e::checks::broadcast::every_subscriber_receives_the_same_broadcasts;
use e2e::checks::browser::{artifacts_dir, png_size, run_browser_script, run_dashboard_script, DashboardRun};
use e2e::checks::control::{
    apply_control, apply_control_body, expect_applied, expect_control_recorded, post_test_flow, random_uuid,
    start_test_flow, UNREACHABLE_MCP_ENDPOINT,
};
use e2e::checks::cors::{
    expect_cors_grant, expect_list_contains, expect_no_cors_headers, expect_nothing_exposed, expect_public_grant,
    LISTED_PATH, REFUSED_ORIGIN,
};
use e2e::checks::event_log::EventLog;
use e2e::checks::observability::{entry_id, fetch_all_logs, last_log_id, log_entries, MetricsSnapshot};
use e2e::checks::persistence::{settled_run, Records};
use e2e::checks::realtime::SseStream;
use e2e::checks::realtime::{first_sse_event, websocket_url, JsonRpcSocket, REALTIME_TIMEOUT};
use e2e::checks::test_flows::{expect_step_spans, read_run, run_logs, wait_for_run, FlowSpec};
use e2e::checks::{run_smoke_reporting, CheckResult, Expectations, Probe};
use e2e::http::Request;
use e2e::mcp_clients::{self, ClientRun};
use e2e::mcp_server::{McpTestServer, SLOW_SECONDS};
use e2e::time::parse_rfc3339_nanos;
use e2e::DevServer;

/// What every step gets: the running server, the authorization server it trusts, and what it should
/// answer.
struct Context<'a> {
    server: &'a DevServer,
    auth: &'a AuthServer,
    expect: &'a Expectations,
    /// The MCP server test flows run against.
    mcp: &'a McpTestServer,
}

impl Context<'_> {
    /// A probe that sends the token with every scope.
    fn probe(&self) -> CheckResult<Probe<'_>> {
        Probe::new(self.server.base_url(), self.expect)
    }

    /// A probe that sends no credentials of its own.
    fn anonymous_probe(&self) -> CheckResult<Probe<'_>> {
        Ok(self.probe()?.anonymous())
    }
}

type Step = fn(&Context) -> CheckResult;

/// The steps, in the order they run. The clean-log check is not listed: `main` runs it last.
const STEPS: &[(&str, Step)] = &[
    ("smoke suite", smoke_suite),
    ("health lists each declared binding once", health_lists_each_binding_once),
    ("pausing twice applies once and holds test flows", pausing_holds_test_flows),
    ("log paging follows limit and since", log_paging_follows_limit_and_since),
    ("log query parameters are validated", log_parameters_are_validated),
    ("control rejects bad requests", control_rejects_bad_requests),
    ("control actions are recorded as logs and spans", control_actions_are_recorded),
    ("cancel_run acts on a real run", cancel_run_acts_on_a_real_run),
    ("clear_logs empties the log", clear_logs_empties_the_log),
    ("test flows are validated and listed newest first", test_flows_are_listed_newest_first),
    ("traces respect their limit", traces_respect_their_limit),
    ("metrics follow logs and runs", metrics_follow_logs_and_runs),
    ("auth callback validates and hides secrets", auth_callback_validates_and_hides_secrets),
    ("sign-in through the authorization server", sign_in_through_the_authorization_server),
    ("sign-in state is single-use", sign_in_state_is_single_use),
    ("sessions end at sign-out and never exist otherwise", sessions_end_at_sign_out),
    ("bearer tokens are verified", bearer_tokens_are_verified),
    ("routes demand their scopes", routes_demand_their_scopes),
    ("a failed code exchange is a 502 without secrets", failed_code_exchange_is_a_502),
    ("sign-out answers GET and POST only", sign_out_answers_get_and_post_only),
    ("discovery documents name the public origin", discovery_documents_name_the_public_origin),
    ("static pages and fallbacks", static_pages_and_fallbacks),
    ("CORS grants only the listed origins", cors_grants_only_listed_origins),
    ("event stream starts with health", event_stream_starts_with_health),
    ("MCP WebSocket speaks JSON-RPC", websocket_speaks_json_rpc),
    ("test flows run against a real MCP server, live over SSE", test_flows_run_against_a_real_mcp_server),
    ("failing test flows end with an error span", failing_test_flows_end_with_an_error_span),
    ("cancel_run stops a run in the middle of a step", cancel_run_stops_a_run_mid_step),
    ("blocked test-flow endpoints are refused", blocked_test_flow_endpoints_are_refused),
    ("the event stream resumes after Last-Event-ID", event_stream_resumes_after_last_event_id),
    ("replay keeps the newest 1,000 events", replay_keeps_the_newest_thousand_events),
    ("the callback refuses another issuer (RFC 9207)", callback_refuses_another_issuer),
    ("MCP Python SDK drives every tool", mcp_python_sdk_drives_every_tool),
    ("MCP Inspector CLI lists, calls and reads", mcp_inspector_lists_calls_and_reads),
    ("the MCP widget renders tool results", mcp_widget_renders_tool_results),
    ("every subscriber receives the same broadcasts", every_subscriber_receives_the_same),
    ("the dashboard in a browser", dashboard_in_a_browser),
    // Last: it restarts the runtime.
    ("data survives a restart of the local runtime", data_survives_a_restart),
];

fn main() -> ExitCode {
    // The authorization server first: the worker may fetch its keys with the first request.
    let auth = match start_auth_server() {
        Ok(auth) => auth,
        Err(problem) => {
            eprintln!("cannot start the authorization server: {problem}");
            println!("e2e: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let mcp = match McpTestServer::start() {
        Ok(mcp) => mcp,
        Err(problem) => {
            eprintln!("cannot start the MCP test server: {problem}");
            println!("e2e: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let server = match DevServer::start() {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cannot start the dev server: {error}");
            println!("e2e: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let mut expect = Expectations::local_dev(server.secrets()).expect("spec/dashboard.yaml loads");
    let every_scope: Vec<String> = expect.spec.oauth.scopes.keys().cloned().collect();
    expect.bearer_token = Some(auth.mint_token(&TokenSpec::for_scopes(every_scope)));
    let context = Context { server: &server, auth: &auth, expect: &expect, mcp: &mcp };

    let mut failed: Vec<&str> = Vec::new();
    let mut passed = 0usize;
    let clean_log: (&str, Step) = ("runtime log is clean", runtime_log_is_clean);
    for (name, step) in STEPS.iter().chain(std::iter::once(&clean_log)) {
        println!("\n=== {name}");
        let started = Instant::now();
        match panic::catch_unwind(AssertUnwindSafe(|| step(&context))) {
            Ok(Ok(())) => {
                passed += 1;
                println!("--- ok: {name} ({:.1}s)", started.elapsed().as_secs_f32());
            }
            Ok(Err(failure)) => {
                failed.push(name);
                println!("--- FAILED: {name}\n{failure}");
            }
            // The panic message was already printed by the default hook.
            Err(_) => {
                failed.push(name);
                println!("--- FAILED: {name} (panicked)");
            }
        }
    }
    println!("\nruntime log: {}", server.log_path().display());
    drop(server);
    drop(auth);
    drop(mcp);

    if !failed.is_empty() {
        println!("failed steps:\n  {}", failed.join("\n  "));
    }
    println!("e2e: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The dev environment's authorization server, with the worker registered as its client the way the spec
/// and the dev server's placeholder secrets say.
fn start_auth_server() -> Result<AuthServer, String> {
    let spec = e2e::spec::Spec::load_repo()?;
    let secrets = e2e::dev_secrets::DevSecrets::for_names(&spec.secret_names());
    let config = AuthServerConfig::for_dev_server(&secrets)?;
    let port = config.port;
    AuthServer::try_start(config).map_err(|problem| {
        format!("{problem}; the spec's dev issuer needs port {port} free (is another e2e run or auth_server running?)")
    })
}

fn smoke_suite(context: &Context) -> CheckResult {
    let outcomes = run_smoke_reporting(context.server.base_url(), context.expect, |outcome| println!("{outcome}"))?;
    // The local run is never read-only: every check, the state-changing ones included, must have run.
    assert!(outcomes.len() >= 40, "expected the whole suite to run, only {} checks passed", outcomes.len());
    Ok(())
}

fn health_lists_each_binding_once(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let check = "health bindings and timestamp";
    let exchange = probe.get(check, "/api/health")?;
    let body = probe.expect_json(check, &exchange, 200, "Health")?;
    let names: Vec<String> = body["bindings"]
        .as_array()
        .map(|bindings| bindings.iter().map(|b| b["name"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    let unique: BTreeSet<&String> = names.iter().collect();
    let wanted: BTreeSet<String> = context.expect.spec.expected_bindings().into_iter().map(|b| b.name).collect();
    probe.ensure(unique.len() == names.len(), check, &exchange, "each binding listed once", format!("{names:?}"))?;
    probe.ensure(
        unique.into_iter().cloned().collect::<BTreeSet<_>>() == wanted,
        check,
        &exchange,
        format!("exactly the bindings {wanted:?}"),
        format!("{names:?}"),
    )?;
    // The report is made now: its timestamp is this machine's current time, give or take.
    let timestamp = body["timestamp"].as_str().unwrap_or_default();
    let reported = parse_rfc3339_nanos(timestamp).unwrap_or(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as i128;
    let skew_seconds = (now - reported).abs() / 1_000_000_000;
    probe.ensure(skew_seconds < 300, check, &exchange, "a timestamp within 5 minutes of now", format!("{timestamp:?}"))
}

fn pausing_holds_test_flows(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    // The smoke suite left runs resumed.
    expect_paused(&probe, false)?;

    let (exchange, result) = apply_control(&probe, "first pause", "pause")?;
    expect_applied(&probe, "first pause", &exchange, &result, true)?;
    let (exchange, result) = apply_control(&probe, "second pause", "pause")?;
    expect_applied(&probe, "second pause", &exchange, &result, false)?;
    let message = result["message"].as_str().unwrap_or_default();
    probe.ensure(
        !message.is_empty(),
        "second pause",
        &exchange,
        "a message saying why nothing changed",
        "an empty message",
    )?;
    expect_paused(&probe, true)?;

    for workflow in ["handshake", "tools", "full"] {
        let check = format!("{workflow} test flow while paused");
        let exchange = post_test_flow(&probe, &check, UNREACHABLE_MCP_ENDPOINT, workflow)?;
        probe.expect_error(&check, &exchange, 409, "conflict", None)?;
    }

    let (exchange, result) = apply_control(&probe, "first resume", "resume")?;
    expect_applied(&probe, "first resume", &exchange, &result, true)?;
    let (exchange, result) = apply_control(&probe, "second resume", "resume")?;
    expect_applied(&probe, "second resume", &exchange, &result, false)?;
    expect_paused(&probe, false)?;

    start_test_flow(&probe, "test flow after resuming", UNREACHABLE_MCP_ENDPOINT, "handshake")?;
    Ok(())
}

fn log_paging_follows_limit_and_since(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let before = last_log_id(&probe, "log before the actions")?;
    // Each applied action writes a log entry: three pause/resume cycles give at least six new entries.
    for _ in 0..3 {
        for action in ["pause", "resume"] {
            let (exchange, result) = apply_control(&probe, action, action)?;
            expect_applied(&probe, action, &exchange, &result, true)?;
        }
    }
    let check = "every entry since the actions";
    let exchange = probe.get(check, &format!("/api/logs?since={before}&limit=1000"))?;
    let after = log_entries(&probe, check, &exchange)?;
    let control_entries = after.iter().filter(|entry| entry["source"] == "control").count();
    probe.ensure(control_entries >= 6, check, &exchange, "at least 6 control entries", format!("{control_entries}"))?;
    probe.ensure(
        after.iter().all(|entry| entry_id(entry) > before),
        check,
        &exchange,
        format!("only ids above {before}"),
        format!("{:?}", after.iter().map(entry_id).collect::<Vec<_>>()),
    )?;
    let wanted: Vec<u64> = after.iter().take(4).map(entry_id).collect();

    // Two pages of two, chained with the last id of the first page, give the same four entries.
    let check = "first page of two";
    let exchange = probe.get(check, &format!("/api/logs?since={before}&limit=2"))?;
    let first = log_entries(&probe, check, &exchange)?;
    probe.ensure(first.len() == 2, check, &exchange, "2 entries", format!("{}", first.len()))?;
    let check = "second page of two";
    let continue_after = entry_id(&first[1]);
    let exchange = probe.get(check, &format!("/api/logs?since={continue_after}&limit=2"))?;
    let second = log_entries(&probe, check, &exchange)?;
    let got: Vec<u64> = first.iter().chain(&second).map(entry_id).collect();
    probe.ensure(got == wanted, check, &exchange, format!("ids {wanted:?}"), format!("ids {got:?}"))?;

    // A `since` beyond the newest entry is valid and empty.
    let newest = after.last().map(entry_id).unwrap_or(before);
    let check = "since the newest entry";
    let exchange = probe.get(check, &format!("/api/logs?since={newest}"))?;
    let rest = log_entries(&probe, check, &exchange)?;
    let stray: Vec<u64> = rest.iter().map(entry_id).filter(|id| *id <= newest).collect();
    probe.ensure(stray.is_empty(), check, &exchange, format!("no id at or below {newest}"), format!("{stray:?}"))
}

fn log_parameters_are_validated(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    for (query, location) in [
        ("limit=0", "query.limit"),
        ("limit=1001", "query.limit"),
        ("limit=abc", "query.limit"),
        ("limit=1.5", "query.limit"),
        ("limit=", "query.limit"),
        ("since=-1", "query.since"),
        ("since=abc", "query.since"),
    ] {
        let check = format!("logs?{query}");
        let exchange = probe.get(&check, &format!("/api/logs?{query}"))?;
        probe.expect_error(&check, &exchange, 400, "invalid_parameter", Some(location))?;
    }
    for query in ["limit=1", "limit=1000", "since=0"] {
        let check = format!("logs?{query}");
        let exchange = probe.get(&check, &format!("/api/logs?{query}"))?;
        let entries = log_entries(&probe, &check, &exchange)?;
        if query == "limit=1" {
            probe.ensure(entries.len() <= 1, &check, &exchange, "at most 1 entry", format!("{}", entries.len()))?;
        }
    }
    Ok(())
}

fn control_rejects_bad_requests(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let post =
        |check: &str, body: &str| probe.send(check, Request::new("POST", probe.url("/api/control")).json_text(body));
    for (check, body, location) in [
        ("malformed JSON", "{\"action\":", None),
        ("empty body", "", None),
        ("a JSON array", "[]", None),
        ("missing action", "{}", None),
        ("unknown action", "{\"action\":\"explode\"}", None),
        ("cancel_run without run_id", "{\"action\":\"cancel_run\"}", Some("body.run_id")),
        (
            "cancel_run with a run_id that is no UUID",
            "{\"action\":\"cancel_run\",\"run_id\":\"run-1\"}",
            Some("body.run_id"),
        ),
    ] {
        let exchange = post(check, body)?;
        probe.expect_error(check, &exchange, 400, "invalid_body", location)?;
    }
    let check = "cancel_run of an unknown run";
    let exchange = probe.post_json(check, "/api/control", &json!({"action": "cancel_run", "run_id": random_uuid()}))?;
    probe.expect_error(check, &exchange, 404, "not_found", None)?;
    Ok(())
}

fn control_actions_are_recorded(context: &Context) -> CheckResult {
    let mut probe = context.probe()?;
    for action in ["pause", "resume"] {
        let since = last_log_id(&probe, "log before the action")?;
        let (exchange, result) = apply_control(&probe, action, action)?;
        expect_applied(&probe, action, &exchange, &result, true)?;
        let at = result["at"].as_str().unwrap_or_default();
        probe.ensure(parse_rfc3339_nanos(at).is_some(), action, &exchange, "an RFC 3339 `at`", format!("{at:?}"))?;
        expect_control_recorded(&mut probe, action, since)?;
    }
    Ok(())
}

fn cancel_run_acts_on_a_real_run(context: &Context) -> CheckResult {
    let mut probe = context.probe()?;
    let (_, run_id) = start_test_flow(&probe, "start a run to cancel", UNREACHABLE_MCP_ENDPOINT, "full")?;
    let since = last_log_id(&probe, "log before cancelling")?;
    let check = "cancel the run";
    let exchange = probe.post_json(check, "/api/control", &json!({"action": "cancel_run", "run_id": run_id}))?;
    let run_status = |probe: &Probe| -> CheckResult<String> {
        let exchange = probe.get("read the run", "/api/runs")?;
        let list = probe.expect_json("read the run", &exchange, 200, "RunList")?;
        let run =
            list["runs"].as_array().and_then(|runs| runs.iter().find(|run| run["id"] == run_id.as_str())).cloned();
        match run {
            Some(run) => Ok(run["status"].as_str().unwrap_or_default().to_string()),
            None => Err(probe.fail("read the run", &exchange, format!("run {run_id} listed"), "not listed")),
        }
    };
    let finished = ["succeeded", "failed", "cancelled"];
    match exchange.status {
        200 => {
            let result = probe.expect_json(check, &exchange, 200, "ControlResult")?;
            let status = run_status(&probe)?;
            if result["applied"] == true {
                probe.ensure(
                    status == "cancelled",
                    check,
                    &exchange,
                    "the run cancelled",
                    format!("status {status:?}"),
                )?;
                expect_control_recorded(&mut probe, "cancel_run", since)?;
            } else {
                // Nothing to cancel: the run had already finished against the unreachable endpoint.
                probe.ensure(
                    finished.contains(&status.as_str()),
                    check,
                    &exchange,
                    "a finished run",
                    format!("status {status:?}"),
                )?;
            }
        }
        409 => {
            probe.expect_error(check, &exchange, 409, "conflict", None)?;
            let status = run_status(&probe)?;
            probe.ensure(
                finished.contains(&status.as_str()),
                check,
                &exchange,
                "a finished run",
                format!("status {status:?}"),
            )?;
        }
        _ => {
            return Err(probe.fail(
                check,
                &exchange,
                "200 ControlResult, or 409 for a finished run",
                format!("status {}", exchange.status),
            ))
        }
    }
    Ok(())
}

fn clear_logs_empties_the_log(context: &Context) -> CheckResult {
    let mut probe = context.probe()?;
    // The earlier steps wrote entries, so clearing has something to remove.
    let (entries, exchange) = fetch_all_logs(&probe, "log before clearing")?;
    let before = entries.last().map(entry_id).unwrap_or(0);
    probe.ensure(!entries.is_empty(), "log before clearing", &exchange, "some entries to clear", "an empty log")?;
    let (exchange, result) = apply_control_body(&probe, "clear_logs", &json!({"action": "clear_logs"}))?;
    expect_applied(&probe, "clear_logs", &exchange, &result, true)?;

    let check = "log after clearing";
    let (entries, exchange) = fetch_all_logs(&probe, check)?;
    let old: Vec<u64> = entries.iter().map(entry_id).filter(|id| *id <= before).collect();
    probe.ensure(
        old.is_empty(),
        check,
        &exchange,
        format!("no entry up to id {before}"),
        format!("ids {old:?} remain"),
    )?;
    // Ids keep increasing across a clear, so `since` cursors held by clients stay valid.
    expect_control_recorded(&mut probe, "clear_logs", before)?;

    let metrics = MetricsSnapshot::read(&probe, "metrics after clearing")?;
    let (entries, _) = fetch_all_logs(&probe, check)?;
    probe.ensure(
        metrics.body["logs_total"].as_u64() == Some(entries.len() as u64),
        "metrics after clearing",
        &metrics.exchange,
        format!("logs_total {}", entries.len()),
        format!("logs_total {}", metrics.body["logs_total"]),
    )
}

fn test_flows_are_listed_newest_first(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let (_, older) = start_test_flow(&probe, "older run", UNREACHABLE_MCP_ENDPOINT, "handshake")?;
    let (exchange, newer) = start_test_flow(&probe, "newer run", "http://127.0.0.1:9/other", "full")?;
    probe.ensure(older != newer, "newer run", &exchange, "a new run id", format!("{newer} again"))?;

    let check = "runs list";
    let exchange = probe.get(check, "/api/runs")?;
    let list = probe.expect_json(check, &exchange, 200, "RunList")?;
    let ids: Vec<&str> =
        list["runs"].as_array().map(|runs| runs.iter().filter_map(|r| r["id"].as_str()).collect()).unwrap_or_default();
    let position = |id: &str| ids.iter().position(|listed| *listed == id);
    match (position(&newer), position(&older)) {
        (Some(newer_at), Some(older_at)) => probe.ensure(
            newer_at < older_at,
            check,
            &exchange,
            format!("{newer} listed before {older}"),
            format!("positions {newer_at} and {older_at}"),
        )?,
        _ => return Err(probe.fail(check, &exchange, format!("runs {older} and {newer} listed"), format!("{ids:?}"))),
    }

    let long_endpoint = format!("https://mcp.example.com/{}", "a".repeat(2100));
    for (check, body, location) in [
        ("endpoint that is no URI", json!({"endpoint": "not a uri", "workflow": "handshake"}), Some("body.endpoint")),
        (
            "endpoint over 2048 characters",
            json!({"endpoint": long_endpoint, "workflow": "handshake"}),
            Some("body.endpoint"),
        ),
        ("missing endpoint", json!({"workflow": "handshake"}), Some("body.endpoint")),
        (
            "unknown workflow",
            json!({"endpoint": UNREACHABLE_MCP_ENDPOINT, "workflow": "everything"}),
            Some("body.workflow"),
        ),
    ] {
        let exchange = probe.post_json(check, "/api/test-flow", &body)?;
        probe.expect_error(check, &exchange, 400, "invalid_body", location)?;
    }
    let check = "malformed test-flow JSON";
    let exchange = probe.send(check, Request::new("POST", probe.url("/api/test-flow")).json_text("{\"endpoint\""))?;
    probe.expect_error(check, &exchange, 400, "invalid_body", None)?;
    Ok(())
}

fn traces_respect_their_limit(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    // The earlier steps applied well over two control actions, each traced.
    let check = "traces?limit=2";
    let exchange = probe.get(check, "/api/traces?limit=2")?;
    let list = probe.expect_json(check, &exchange, 200, "TraceList")?;
    let count = list["spans"].as_array().map_or(0, Vec::len);
    probe.ensure(count == 2, check, &exchange, "2 spans", format!("{count} spans"))?;
    let check = "traces?limit=500";
    let exchange = probe.get(check, "/api/traces?limit=500")?;
    probe.expect_json(check, &exchange, 200, "TraceList")?;
    for query in ["limit=0", "limit=501", "limit=abc", "limit=-5"] {
        let check = format!("traces?{query}");
        let exchange = probe.get(&check, &format!("/api/traces?{query}"))?;
        probe.expect_error(&check, &exchange, 400, "invalid_parameter", Some("query.limit"))?;
    }
    Ok(())
}

fn metrics_follow_logs_and_runs(context: &Context) -> CheckResult {
    let mut probe = context.probe()?;
    let before = MetricsSnapshot::read(&probe, "metrics before")?;
    start_test_flow(&probe, "one more run", UNREACHABLE_MCP_ENDPOINT, "tools")?;
    let after = MetricsSnapshot::read(&probe, "metrics after")?;
    let runs_before = before.body["runs_total"].as_u64().unwrap_or(0);
    probe.ensure(
        after.body["runs_total"].as_u64() == Some(runs_before + 1),
        "metrics after",
        &after.exchange,
        format!("runs_total {}", runs_before + 1),
        format!("runs_total {}", after.body["runs_total"]),
    )?;
    probe.ensure(
        after.body["paused"] == false,
        "metrics after",
        &after.exchange,
        "paused false",
        format!("paused {}", after.body["paused"]),
    )?;
    // And the totals equal what the lists return, level by level and status by status.
    e2e::checks::observability::metrics_agree_with_records(&mut probe)
}

fn auth_callback_validates_and_hides_secrets(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    for (query, location) in [
        ("", "query.code"),
        ("?state=s", "query.code"),
        ("?code=&state=s", "query.code"),
        ("?code=c", "query.state"),
        ("?code=c&state=", "query.state"),
    ] {
        let check = format!("callback{query}");
        let exchange = probe.get(&check, &format!("/auth/callback{query}"))?;
        probe.expect_error(&check, &exchange, 400, "invalid_parameter", Some(location))?;
    }
    // A state from a real sign-in, but a code the authorization server never issued: it refuses.
    let check = "callback with a made-up code";
    let (_, authorize) = begin_login(&probe, check)?;
    let state = query_pairs(&authorize).remove("state").unwrap_or_default();
    let exchange = probe.get(check, &callback_query(&probe, "e2e-made-up-code", &state))?;
    expect_failed_exchange(&probe, check, &exchange)
}

/// A finished sign-in: the session the worker created, and the callback (path and query) that did it.
struct SignIn {
    session_id: String,
    callback: String,
}

/// Signs in the way a browser does, following each redirect by hand: the worker's sign-in link, the
/// authorization server (which approves at once), and the worker's callback.
fn sign_in(context: &Context, probe: &Probe) -> CheckResult<SignIn> {
    let callback = authorize(context, probe)?;
    let check = "sign-in: the callback";
    let exchange = probe.get(check, &callback)?;
    probe.expect_status(check, &exchange, 302)?;
    let server = context.expect.spec.env_oauth("dev").expect("the spec has a dev environment");
    let landing = format!("{}{}", context.expect.origin, server.post_login_redirect);
    let location = exchange.header("location").unwrap_or_default();
    probe.ensure(
        location == landing,
        check,
        &exchange,
        format!("Location {landing}"),
        format!("Location {location}"),
    )?;

    let cookie = exchange.header("set-cookie").unwrap_or_default();
    let name = &context.expect.spec.oauth.session_cookie;
    let ttl = context.expect.spec.oauth.session_ttl_seconds;
    let Some(session_id) = set_cookie_value(&cookie, name).filter(|id| id.len() >= 32) else {
        return Err(probe.fail(check, &exchange, format!("Set-Cookie: {name}=<session id>"), cookie));
    };
    let wanted = format!("{name}={session_id}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={ttl}");
    probe.ensure(
        cookie == wanted,
        check,
        &exchange,
        format!("Set-Cookie: {wanted}"),
        format!("Set-Cookie: {cookie}"),
    )?;
    Ok(SignIn { session_id, callback })
}

/// The first two legs of a sign-in: the worker's sign-in link and the authorization server's approval.
/// Returns the callback path and query the authorization server redirects to.
fn authorize(context: &Context, probe: &Probe) -> CheckResult<String> {
    let (_, authorize) = begin_login(probe, "sign-in: the sign-in link")?;
    let check = "sign-in: the authorization server approves";
    let exchange = probe.send_anonymous(check, Request::new("GET", authorize.as_str()))?;
    probe.expect_status(check, &exchange, 302)?;
    // The redirect URI is on the spec's dev origin; this run's server listens on another port.
    let location = exchange.header("location").unwrap_or_default();
    match location.strip_prefix(context.expect.origin.as_str()) {
        Some(callback) if callback.contains("code=") => Ok(callback.to_string()),
        _ => Err(probe.fail(
            check,
            &exchange,
            format!("a redirect to {}/auth/callback?code=…", context.expect.origin),
            format!("Location {location}"),
        )),
    }
}

fn cookie_request(probe: &Probe, method: &str, path: &str, cookie: &str) -> Request {
    Request::new(method, probe.url(path)).header("Cookie", cookie)
}

fn sign_in_through_the_authorization_server(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    let tokens_before = context.auth.tokens_issued();
    let signed_in = sign_in(context, &probe)?;

    // The worker redeemed the code as the registered client, with its secret and the PKCE verifier.
    let check = "sign-in: the code exchange";
    let exchange = probe.get(check, "/api/health")?;
    let form = context.auth.last_token_request().unwrap_or_default();
    let client = &context.auth.config().clients[0];
    let redirect_uri = format!("{}/auth/callback", context.expect.origin);
    for (name, wanted) in [
        ("grant_type", "authorization_code"),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
    ] {
        let got = form.get(name).map(String::as_str);
        probe.ensure(got == Some(wanted), check, &exchange, format!("{name}={wanted}"), format!("{name}={got:?}"))?;
    }
    probe.ensure(
        form.contains_key("code_verifier") && context.auth.tokens_issued() == tokens_before + 1,
        check,
        &exchange,
        "one token issued for a request with a code_verifier",
        format!("{form:?}"),
    )?;

    // The session cookie is a credential for every route, among other cookies too.
    let cookie = format!("{}={}", context.expect.spec.oauth.session_cookie, signed_in.session_id);
    for (path, type_name) in [("/api/logs", "LogPage"), ("/api/runs", "RunList"), ("/api/metrics", "Metrics")] {
        let check = format!("GET {path} with the session cookie");
        let exchange = probe.send(&check, cookie_request(&probe, "GET", path, &format!("theme=dark; {cookie}")))?;
        probe.expect_json(&check, &exchange, 200, type_name)?;
    }
    let check = "POST /api/control with the session cookie";
    let request = cookie_request(&probe, "POST", "/api/control", &cookie).json_text("{\"action\":\"resume\"}");
    let exchange = probe.send(check, request)?;
    probe.expect_json(check, &exchange, 200, "ControlResult")?;
    // The session id also works as a bearer token, for clients that cannot keep cookies.
    let check = "GET /api/traces with the session id as bearer token";
    let request = Request::new("GET", probe.url("/api/traces"))
        .header("Authorization", &format!("Bearer {}", signed_in.session_id));
    let exchange = probe.send(check, request)?;
    probe.expect_json(check, &exchange, 200, "TraceList")?;

    // Signing out ends the session: the cookie and the id are no credentials any more.
    let check = "sign-out with the session cookie";
    let exchange = probe.send(check, cookie_request(&probe, "POST", "/auth/logout", &cookie))?;
    expect_logout_success(&probe, check, &exchange)?;
    let scopes = vec!["search.read".to_string()];
    let check = "GET /api/logs with the ended session's cookie";
    let exchange = probe.send(check, cookie_request(&probe, "GET", "/api/logs", &cookie))?;
    expect_challenge(&probe, check, &exchange, 401, Some("invalid_token"), &scopes)?;
    let check = "GET /api/logs with the ended session's id as bearer token";
    let request = Request::new("GET", probe.url("/api/logs"))
        .header("Authorization", &format!("Bearer {}", signed_in.session_id));
    let exchange = probe.send(check, request)?;
    expect_challenge(&probe, check, &exchange, 401, Some("invalid_token"), &scopes)
}

fn sign_in_state_is_single_use(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    for (check, query) in [
        ("callback without state", "/auth/callback?code=e2e-code"),
        ("callback with a state the worker never issued", "/auth/callback?code=e2e-code&state=e2e-forged-state"),
    ] {
        let exchange = probe.get(check, query)?;
        probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    }

    // A callback replayed after a successful sign-in: the state is gone, and nothing reaches the
    // authorization server (its code would be refused there anyway, being spent).
    let signed_in = sign_in(context, &probe)?;
    let token_requests = context.auth.token_requests();
    let check = "the same callback again";
    let exchange = probe.get(check, &signed_in.callback)?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    probe.ensure(
        context.auth.token_requests() == token_requests,
        check,
        &exchange,
        "no code exchange for a used state",
        format!("{} more token request(s)", context.auth.token_requests() - token_requests),
    )?;
    let check = "sign-out of the test session";
    let request = Request::new("POST", probe.url("/auth/logout")).header("X-Session-Id", &signed_in.session_id);
    let exchange = probe.send(check, request)?;
    expect_logout_success(&probe, check, &exchange)
}

fn sessions_end_at_sign_out(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    let name = context.expect.spec.oauth.session_cookie.clone();
    let scopes = vec!["search.read".to_string()];

    // Ending a session by the X-Session-Id header, as a client without cookies does.
    let signed_in = sign_in(context, &probe)?;
    let cookie = format!("{name}={}", signed_in.session_id);
    let check = "the session works before sign-out";
    let exchange = probe.send(check, cookie_request(&probe, "GET", "/api/logs", &cookie))?;
    probe.expect_json(check, &exchange, 200, "LogPage")?;
    let check = "sign-out by X-Session-Id";
    let request = Request::new("GET", probe.url("/auth/logout")).header("X-Session-Id", &signed_in.session_id);
    let exchange = probe.send(check, request)?;
    expect_logout_success(&probe, check, &exchange)?;
    let check = "the session is refused after sign-out";
    let exchange = probe.send(check, cookie_request(&probe, "GET", "/api/logs", &cookie))?;
    expect_challenge(&probe, check, &exchange, 401, Some("invalid_token"), &scopes)?;

    // Ids that never named a session (expired ones look the same: KV drops them at their TTL).
    for id in [random_uuid().replace('-', ""), "../../etc/passwd".to_string(), "x".repeat(200)] {
        let check = format!("a session cookie that never existed ({})", &id[..id.len().min(12)]);
        let exchange = probe.send(&check, cookie_request(&probe, "GET", "/api/logs", &format!("{name}={id}")))?;
        expect_challenge(&probe, &check, &exchange, 401, Some("invalid_token"), &scopes)?;
    }
    // Another cookie that merely ends in the session cookie's name is no credential at all.
    let check = "a cookie of another name";
    let exchange = probe.send(check, cookie_request(&probe, "GET", "/api/logs", "x-session=abc; session=abc"))?;
    expect_challenge(&probe, check, &exchange, 401, None, &scopes)
}

fn bearer_tokens_are_verified(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    let auth = context.auth;
    let every_scope: Vec<String> = context.expect.spec.oauth.scopes.keys().cloned().collect();
    let scopes = vec!["search.read".to_string()];
    let valid = TokenSpec::for_scopes(every_scope.clone());
    let get_logs = |check: &str, authorization: Option<&str>| {
        let mut request = Request::new("GET", probe.url("/api/logs"));
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        probe.send(check, request)
    };

    let check = "a valid token";
    let exchange = get_logs(check, Some(&format!("Bearer {}", auth.mint_token(&valid))))?;
    probe.expect_json(check, &exchange, 200, "LogPage")?;
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    let check = "a valid token, scheme in lower case";
    let exchange = get_logs(check, Some(&format!("bearer {}", auth.mint_token(&valid))))?;
    probe.expect_json(check, &exchange, 200, "LogPage")?;

    let check = "no credentials";
    let exchange = get_logs(check, None)?;
    expect_challenge(&probe, check, &exchange, 401, None, &scopes)?;
    let check = "another authentication scheme";
    let exchange = get_logs(check, Some("Basic ZTJlOmUyZQ=="))?;
    expect_challenge(&probe, check, &exchange, 401, None, &scopes)?;
    let check = "a token in the query string";
    let url = probe.url(&format!("/api/logs?access_token={}", auth.mint_token(&valid)));
    let exchange = probe.send(check, Request::new("GET", url))?;
    expect_challenge(&probe, check, &exchange, 401, None, &scopes)?;

    // Each token differs from a valid one in one way, and is refused for that reason.
    let refused = [
        ("an expired token", auth.mint_token(&TokenSpec { expires_in_seconds: -120, ..valid.clone() }), "expired"),
        (
            "a token for another audience",
            auth.mint_token(&TokenSpec { audience: Some("https://evil.example".into()), ..valid.clone() }),
            "not meant for",
        ),
        (
            "a token from another issuer",
            auth.mint_token(&TokenSpec {
                issuer_override: Some("https://issuer.evil.example".into()),
                ..valid.clone()
            }),
            "issued by",
        ),
        (
            "a token signed by a key the JWKS does not publish",
            auth.mint_token_with_foreign_key(&valid),
            "signature is invalid",
        ),
        ("a malformed token", "e2e.not-a.jwt".to_string(), "base64url"),
        ("garbage, taken for a session id", "e2e-garbage".to_string(), "session"),
    ];
    for (check, token, reason) in refused {
        let exchange = get_logs(check, Some(&format!("Bearer {token}")))?;
        expect_challenge(&probe, check, &exchange, 401, Some("invalid_token"), &scopes)?;
        let body = exchange.json().unwrap_or_default();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        probe.ensure(message.contains(reason), check, &exchange, format!("a message naming {reason:?}"), message)?;
        probe.expect_no_secrets(check, &exchange)?;
    }
    Ok(())
}

fn routes_demand_their_scopes(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    let routes: Vec<e2e::spec::Route> = context.expect.spec.scoped_routes().cloned().collect();
    let every_scope: Vec<String> = context.expect.spec.oauth.scopes.keys().cloned().collect();
    for route in routes {
        let method = e2e::spec::methods(&route)[0].clone();
        // Every scope but the ones this route needs.
        let others: Vec<String> = every_scope.iter().filter(|s| !route.scopes.contains(s)).cloned().collect();
        let token = context.auth.mint_token(&TokenSpec::for_scopes(others));
        let check = format!("{method} {} without its scope", route.path);
        let mut request =
            Request::new(&method, probe.url(&route.path)).header("Authorization", &format!("Bearer {token}"));
        if method != "GET" {
            request = request.json_text("{}");
        }
        let exchange = probe.send(&check, request)?;
        expect_challenge(&probe, &check, &exchange, 403, Some("insufficient_scope"), &route.scopes)?;

        // Its own scope is enough: no other scope is needed.
        let token = context.auth.mint_token(&TokenSpec::for_scopes(route.scopes.clone()));
        let check = format!("{method} {} with only its scope", route.path);
        let mut request =
            Request::new(&method, probe.url(&route.path)).header("Authorization", &format!("Bearer {token}"));
        if method != "GET" {
            // Not a valid body: past the scope check, the body is what is refused.
            request = request.json_text("{}");
        }
        let exchange = probe.send(&check, request)?;
        let wanted = if method == "GET" { 200 } else { 400 };
        probe.expect_status(&check, &exchange, wanted)?;
    }
    Ok(())
}

/// Resets the authorization server's failure switch however the step ends.
struct FailingTokenEndpoint<'a>(&'a AuthServer);

impl<'a> FailingTokenEndpoint<'a> {
    fn switch_on(auth: &'a AuthServer) -> Self {
        auth.fail_token_requests(true);
        FailingTokenEndpoint(auth)
    }
}

impl Drop for FailingTokenEndpoint<'_> {
    fn drop(&mut self) {
        self.0.fail_token_requests(false);
    }
}

fn failed_code_exchange_is_a_502(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    {
        let _failing = FailingTokenEndpoint::switch_on(context.auth);
        let callback = authorize(context, &probe)?;
        let check = "callback while the token endpoint fails";
        let exchange = probe.get(check, &callback)?;
        expect_failed_exchange(&probe, check, &exchange)?;
    }
    // A code that expired before the callback is refused by the authorization server, too.
    let callback = authorize(context, &probe)?;
    context.auth.expire_codes();
    let check = "callback with an expired code";
    let exchange = probe.get(check, &callback)?;
    expect_failed_exchange(&probe, check, &exchange)
}

fn sign_out_answers_get_and_post_only(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    for request in [
        Request::new("GET", probe.url("/auth/logout")),
        Request::new("POST", probe.url("/auth/logout")),
        Request::new("GET", probe.url("/auth/logout")).header("X-Session-Id", "e2e-session"),
        Request::new("POST", probe.url("/auth/logout")).header("X-Session-Id", "e2e-session"),
    ] {
        let check = "sign-out";
        let exchange = probe.send(check, request)?;
        expect_logout_success(&probe, check, &exchange)?;
    }
    let check = "sign-out with an over-long session id";
    let long_id = "s".repeat(129);
    let exchange =
        probe.send(check, Request::new("POST", probe.url("/auth/logout")).header("X-Session-Id", &long_id))?;
    let body = probe.expect_error(check, &exchange, 400, "invalid_parameter", None)?;
    let location = body["error"]["location"].as_str().unwrap_or_default().to_ascii_lowercase();
    probe.ensure(
        location == "header.x-session-id",
        check,
        &exchange,
        "error.location header.X-Session-Id",
        format!("{location:?}"),
    )?;

    for method in ["PUT", "DELETE", "PATCH"] {
        let check = format!("{method} sign-out");
        let exchange = probe.send(&check, Request::new(method, probe.url("/auth/logout")))?;
        probe.expect_method_not_allowed(&check, &exchange, &["GET".into(), "POST".into(), "OPTIONS".into()])?;
    }
    Ok(())
}

fn discovery_documents_name_the_public_origin(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let check = "protected resource metadata";
    let exchange = probe.get(check, "/.well-known/oauth-protected-resource")?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    probe.ensure(
        body["resource"] == "http://localhost:8787",
        check,
        &exchange,
        "resource http://localhost:8787",
        format!("resource {}", body["resource"]),
    )?;
    let scopes: BTreeSet<&str> =
        body["scopes_supported"].as_array().map(|s| s.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let wanted: BTreeSet<&str> = ["search.read", "docs.write", "memory.read", "memory.write", "memory.delete"].into();
    probe.ensure(scopes == wanted, check, &exchange, format!("{wanted:?}"), format!("{scopes:?}"))?;
    probe.ensure(
        body["bearer_methods_supported"] == json!(["header"]),
        check,
        &exchange,
        "[\"header\"]",
        body["bearer_methods_supported"].to_string(),
    )?;

    let check = "MCP manifest";
    let exchange = probe.get(check, "/.well-known/mcp.json")?;
    let body = probe.expect_json_document(check, &exchange, 200)?;
    probe.ensure(
        body["name"] == "cortexdx-dashboard" && body["title"] == "CortexDx Control Panel",
        check,
        &exchange,
        "name cortexdx-dashboard, title CortexDx Control Panel",
        format!("name {}, title {}", body["name"], body["title"]),
    )?;
    probe.ensure(
        body["transport"] == json!({"type": "streamable-http", "endpoint": "/mcp"}),
        check,
        &exchange,
        "transport streamable-http at /mcp",
        body["transport"].to_string(),
    )?;
    let capabilities = json!({"tools": true, "resources": true, "prompts": false});
    for (name, enabled) in capabilities.as_object().unwrap() {
        probe.ensure(
            &body["capabilities"][name] == enabled,
            check,
            &exchange,
            format!("{name}: {enabled}"),
            body["capabilities"].to_string(),
        )?;
    }

    // The OpenAPI document describes every spec type and the error shape.
    let check = "OpenAPI components";
    let exchange = probe.get(check, "/openapi.json")?;
    let document = probe.expect_json_document(check, &exchange, 200)?;
    let schemas = document["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let mut wanted = context.expect.spec.type_names();
    wanted.push("Error".into());
    let missing: Vec<&String> = wanted.iter().filter(|name| !schemas.contains_key(name.as_str())).collect();
    probe.ensure(
        missing.is_empty(),
        check,
        &exchange,
        "a component schema for every spec type and Error",
        format!("missing {missing:?}"),
    )
}

fn static_pages_and_fallbacks(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    for path in ["/", "/runs/some/client/route", "/settings"] {
        let check = format!("page {path}");
        let exchange = probe.get(&check, path)?;
        probe.expect_status(&check, &exchange, 200)?;
        probe.expect_media_type(&check, &exchange, "text/html")?;
    }
    for path in ["/api/nope", "/api/health/extra"] {
        let check = format!("unknown API path {path}");
        let exchange = probe.get(&check, path)?;
        probe.expect_error(&check, &exchange, 404, "not_found", None)?;
    }
    for method in ["DELETE", "POST", "PUT"] {
        let check = format!("{method} /api/health");
        let exchange = probe.send(&check, Request::new(method, probe.url("/api/health")))?;
        probe.expect_method_not_allowed(&check, &exchange, &["GET".into(), "OPTIONS".into()])?;
        let allow = exchange.header("allow").unwrap_or_default();
        probe.ensure(allow == "GET, OPTIONS", &check, &exchange, "Allow: GET, OPTIONS", format!("Allow: {allow}"))?;
    }
    let check = "GET /api/control";
    let exchange = probe.get(check, "/api/control")?;
    probe.expect_method_not_allowed(check, &exchange, &["POST".into(), "OPTIONS".into()])
}

fn cors_grants_only_listed_origins(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    for origin in ["https://chatgpt.com", "https://chat.openai.com"] {
        // Browsers need the grant on error answers too, or the page cannot read the error.
        for (method, path, status) in
            [("GET", LISTED_PATH, 200), ("GET", "/api/nope", 404), ("POST", "/api/control", 400)]
        {
            let check = format!("{origin} {method} {path}");
            let mut request = Request::new(method, probe.url(path)).header("Origin", origin);
            if method == "POST" {
                request = request.json_text("{}");
            }
            let exchange = probe.send(&check, request)?;
            probe.expect_status(&check, &exchange, status)?;
            expect_cors_grant(&probe, &check, &exchange, origin)?;
            // These answers carry no exposed header (MCP's `initialize` does: `cors::exposed_headers`).
            expect_nothing_exposed(&probe, &check, &exchange)?;
        }
    }
    for origin in [REFUSED_ORIGIN, "https://chatgpt.com.evil.example", "http://chatgpt.com", "null"] {
        let check = format!("refused origin {origin}");
        let exchange = probe.send(&check, Request::new("GET", probe.url(LISTED_PATH)).header("Origin", origin))?;
        probe.expect_status(&check, &exchange, 200)?;
        expect_no_cors_headers(&probe, &check, &exchange)?;
        // A public route answers the same origin, as it answers every origin.
        let check = format!("{check}, public /api/health");
        let exchange = probe.send(&check, Request::new("GET", probe.url("/api/health")).header("Origin", origin))?;
        probe.expect_status(&check, &exchange, 200)?;
        expect_public_grant(&probe, &check, &exchange)?;
    }
    for (origin, granted) in [("https://chat.openai.com", true), (REFUSED_ORIGIN, false)] {
        let check = format!("preflight from {origin}");
        let request = Request::new("OPTIONS", probe.url("/api/test-flow"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "Content-Type");
        let exchange = probe.send(&check, request)?;
        probe.expect_status(&check, &exchange, 204)?;
        if granted {
            expect_cors_grant(&probe, &check, &exchange, origin)?;
            for header in ["Content-Type", "Authorization", "X-Session-Id", "Mcp-Session-Id", "MCP-Protocol-Version"] {
                expect_list_contains(&probe, &check, &exchange, "access-control-allow-headers", header)?;
            }
            let max_age = exchange.header("access-control-max-age").unwrap_or_default();
            probe.ensure(
                max_age == "86400",
                &check,
                &exchange,
                "Access-Control-Max-Age: 86400",
                format!("{max_age:?}"),
            )?;
        } else {
            expect_no_cors_headers(&probe, &check, &exchange)?;
        }
    }
    Ok(())
}

fn event_stream_starts_with_health(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let check = "first event";
    let url = probe.url("/events");
    let started = Instant::now();
    let (exchange, event) =
        first_sse_event(&url, REALTIME_TIMEOUT).unwrap_or_else(|reason| panic!("GET {url}: {reason}"));
    probe.expect_status(check, &exchange, 200)?;
    probe.expect_media_type(check, &exchange, "text/event-stream")?;
    let event = event.unwrap_or_else(|| panic!("GET {url}: the stream ended before any event"));
    probe.ensure(event.name == "health", check, &exchange, "event: health", format!("event: {}", event.name))?;
    let data: Value =
        serde_json::from_str(&event.data).unwrap_or_else(|e| panic!("health data is not JSON ({e}): {}", event.data));
    probe.ensure(data.is_object(), check, &exchange, "a JSON object", event.data.clone())?;
    // The first event comes at once, not after a keep-alive interval.
    probe.ensure(
        started.elapsed() < Duration::from_secs(5),
        check,
        &exchange,
        "the first event within 5s",
        format!("{:?}", started.elapsed()),
    )
}

fn websocket_speaks_json_rpc(context: &Context) -> CheckResult {
    let url = websocket_url(&format!("{}/mcp", context.server.base_url()));
    let mut socket = JsonRpcSocket::connect(&url, "connect")?;
    for id in [json!(1), json!("e2e-string-id")] {
        let answer = socket.request("ping", &json!({"jsonrpc": "2.0", "id": id, "method": "ping"}).to_string())?;
        let wanted = json!({"jsonrpc": "2.0", "id": id, "result": {}});
        socket.ensure(answer == wanted, "ping", wanted.to_string(), answer.to_string())?;
    }
    let answer = socket.request("not json", "not json")?;
    socket.expect_rpc_error("not json", &answer, -32700)?;
    socket.ensure(
        answer["id"].is_null(),
        "not json",
        "id null (the request could not be read)",
        answer["id"].to_string(),
    )?;
    let answer =
        socket.request("unknown method", &json!({"jsonrpc": "2.0", "id": 7, "method": "e2e/unknown"}).to_string())?;
    socket.expect_rpc_error("unknown method", &answer, -32601)?;
    socket.ensure(answer["id"] == 7, "unknown method", "id 7", answer["id"].to_string())?;
    // The socket still works after errors.
    let answer =
        socket.request("ping after errors", &json!({"jsonrpc": "2.0", "id": 8, "method": "ping"}).to_string())?;
    socket.ensure(answer["result"] == json!({}), "ping after errors", "result {}", answer.to_string())?;
    socket.close();

    // A plain GET without the upgrade is not a WebSocket handshake.
    let probe = context.probe()?;
    let check = "GET /mcp without upgrade";
    let exchange = probe.get(check, "/mcp")?;
    probe.ensure(
        (400..500).contains(&exchange.status),
        check,
        &exchange,
        "a 4xx answer (426 Upgrade Required or 400)",
        format!("status {}", exchange.status),
    )
}

fn every_subscriber_receives_the_same(context: &Context) -> CheckResult {
    every_subscriber_receives_the_same_broadcasts(&context.probe()?)
}

fn dashboard_in_a_browser(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let screenshot = artifacts_dir().join("dashboard.png");
    // Screenshots left by an earlier run must not pass for this one's (the script saves the second one
    // when it fails).
    for stale in [screenshot.clone(), artifacts_dir().join("dashboard-failure.png")] {
        let _ = std::fs::remove_file(stale);
    }
    let output = run_dashboard_script(&DashboardRun {
        base_url: context.server.base_url(),
        origin: &context.expect.origin,
        token: context.expect.bearer_token.as_deref().unwrap_or_default(),
        session_cookie: &context.expect.spec.oauth.session_cookie,
        screenshot: &screenshot,
    })?;
    print!("{output}");
    // A full-page screenshot of the script's 1280 × 900 viewport, or taller.
    let size = png_size(&std::fs::read(&screenshot).unwrap_or_default());
    if !matches!(size, Some((1280, height)) if height >= 900) {
        return Err(e2e::checks::failure(
            "the dashboard screenshot",
            "read",
            &screenshot.display().to_string(),
            "a PNG 1280 pixels wide and at least 900 high",
            format!("{size:?}"),
            "",
        ));
    }
    println!("screenshot: {}", screenshot.display());
    // The script resumed runs after pausing them, as later steps expect.
    expect_paused(&probe, false)
}

fn data_survives_a_restart(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    // Records of every kind: a run (settled, so its status no longer changes), log entries and a span
    // from a control action, the paused flag, and a session in KV.
    let (_, run_id) = start_test_flow(&probe, "a run to keep", UNREACHABLE_MCP_ENDPOINT, "tools")?;
    let run = settled_run(&probe, "settle the run", &run_id)?;
    // And a run the restart interrupts: its first step hangs, so it is still running when the runtime
    // stops. Started before the pause, which would refuse it.
    let (_, interrupted_id) =
        start_test_flow(&probe, "a run the restart interrupts", &context.mcp.hanging_endpoint(), INTERRUPTED_WORKFLOW)?;
    let (exchange, result) = apply_control(&probe, "pause before the restart", "pause")?;
    expect_applied(&probe, "pause before the restart", &exchange, &result, true)?;
    let signed_in = sign_in(context, &context.anonymous_probe()?)?;
    let cookie = format!("{}={}", context.expect.spec.oauth.session_cookie, signed_in.session_id);
    let before = Records::read(&probe, "records before the restart")?;
    let in_flight = before.runs.iter().find(|run| run["id"] == interrupted_id.as_str()).cloned();
    probe.ensure(
        in_flight.as_ref().is_some_and(|run| run["status"] == "running"),
        "the run in flight at the restart",
        &before.metrics.exchange,
        format!("run {interrupted_id} running"),
        format!("{in_flight:?}"),
    )?;

    let events_url = probe.url("/events");
    let open_stream = |url: &str| {
        let mut stream = SseStream::open(url, e2e::dev_server::DEFAULT_STARTUP_TIMEOUT)
            .unwrap_or_else(|reason| panic!("GET {url}: {reason}"));
        let first = stream.next_event().unwrap_or_else(|reason| panic!("GET {url}: {reason}"));
        assert_eq!(first.map(|event| event.name).as_deref(), Some("health"), "GET {url}: the first event");
        stream
    };
    let mut stream = open_stream(&events_url);
    let process_before = context.server.process_id();
    context.server.restart().unwrap_or_else(|error| panic!("cannot restart the dev server: {error}"));

    // The old runtime is gone: the stream it served has ended (at once, not at a timeout), and another
    // process serves.
    let check = "the runtime restarted";
    let reading = Instant::now();
    let ended = loop {
        match stream.next_event() {
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => break reading.elapsed() < Duration::from_secs(5),
        }
    };
    let exchange = probe.get(check, "/api/health")?;
    probe.expect_json(check, &exchange, 200, "Health")?;
    probe.ensure(ended, check, &exchange, "the old event stream ended", "it stayed open")?;
    let process_after = context.server.process_id();
    probe.ensure(
        process_after != process_before,
        check,
        &exchange,
        format!("a wrangler process other than {process_before}"),
        format!("process {process_after}"),
    )?;
    open_stream(&events_url);

    let check = "records after the restart";
    let after = Records::read(&probe, check)?;
    before.expect_kept_in(&probe, check, &after, &run)?;
    e2e::checks::observability::metrics_agree_with_records(&mut context.probe()?)?;

    let check = "the session after the restart";
    let exchange = probe.send(check, cookie_request(&probe, "GET", "/api/logs", &cookie))?;
    probe.expect_json(check, &exchange, 200, "LogPage")?;
    let exchange = probe.send(check, cookie_request(&probe, "POST", "/auth/logout", &cookie))?;
    expect_logout_success(&probe, check, &exchange)?;

    // Resuming applies only because the paused flag survived; it leaves runs as later runs expect them.
    let (exchange, result) = apply_control(&probe, "resume after the restart", "resume")?;
    expect_applied(&probe, "resume after the restart", &exchange, &result, true)?;

    expect_failed_by_recovery_alarm(&probe, &interrupted_id)
}

/// The workflow of the run a restart interrupts: the shortest, so its recovery alarm is due soonest.
const INTERRUPTED_WORKFLOW: &str = "handshake";
/// How long after a run's longest possible duration its recovery alarm is due: the worker's
/// `RECOVERY_MARGIN_MS` (`worker/src/realtime/flow/mod.rs`).
const RECOVERY_MARGIN: Duration = Duration::from_secs(30);
/// How late after its due time the alarm may fire and its outcome be read.
const ALARM_SLACK: Duration = Duration::from_secs(20);

/// A recovery alarm fires in the restarted runtime, no later than the one set when this run was queued
/// (an earlier run's may come first), and fails the run that nothing executes any more.
fn expect_failed_by_recovery_alarm(probe: &Probe, run_id: &str) -> CheckResult {
    let check = "the recovery alarm fails the interrupted run";
    let flows = flow_spec();
    let due_after = flows.step_timeout * flows.steps(INTERRUPTED_WORKFLOW).len() as u32 + RECOVERY_MARGIN;
    let run = wait_for_run(probe, check, run_id, due_after + ALARM_SLACK)?;
    let (exchange, _) = read_run(probe, check, run_id)?;
    probe.ensure(run["status"] == "failed", check, &exchange, "status failed", format!("{run}"))?;
    let logs = run_logs(probe, check, run_id)?;
    let explained = logs.iter().any(|entry| {
        entry["level"] == "error" && entry["message"].as_str().is_some_and(|message| message.contains("interrupted"))
    });
    probe.ensure(explained, check, &exchange, "an error log entry saying the run was interrupted", format!("{logs:?}"))
}

/// How long a run against the local MCP server may take: every step of the longest workflow at its
/// timeout, and some margin.
fn run_timeout(flows: &FlowSpec) -> Duration {
    let steps = flows.workflows.values().map(Vec::len).max().unwrap_or(1) as u32;
    flows.step_timeout * steps + Duration::from_secs(10)
}

fn flow_spec() -> FlowSpec {
    FlowSpec::load().unwrap_or_else(|problem| panic!("{problem}"))
}

/// Every workflow against the SDK's server, answering with event streams and with plain JSON: the run
/// succeeds with one `ok` span and one log entry per step, and all of it arrives live on `/events` with
/// stored ids; the stream also gets its heartbeat at the spec's interval.
fn test_flows_run_against_a_real_mcp_server(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let flows = flow_spec();
    let listen_for = flows.events_heartbeat + Duration::from_secs(20);
    let events = EventLog::open(&probe.url("/events"), None, listen_for).unwrap_or_else(|problem| panic!("{problem}"));
    let sessions_ended_before = context.mcp.ended_sessions();
    let mut succeeded_runs = 0;
    for (endpoint, answers) in [(context.mcp.sse_endpoint(), "event streams"), (context.mcp.json_endpoint(), "JSON")] {
        for (workflow, methods) in &flows.workflows {
            let check = format!("{workflow} flow against a server answering with {answers}");
            let (_, run_id) = start_test_flow(&probe, &check, &endpoint, workflow)?;
            let run = wait_for_run(&probe, &check, &run_id, run_timeout(&flows))?;
            let (exchange, _) = read_run(&probe, &check, &run_id)?;
            probe.ensure(
                run["status"] == "succeeded" && run["finished_at"].is_string(),
                &check,
                &exchange,
                "status succeeded with a finish time",
                run.to_string(),
            )?;
            succeeded_runs += 1;
            let statuses = vec!["ok"; methods.len()];
            expect_step_spans(&probe, &check, &run_id, methods, &statuses)?;

            let logs = run_logs(&probe, &check, &run_id)?;
            let messages: Vec<&str> = logs.iter().filter_map(|entry| entry["message"].as_str()).collect();
            for method in methods {
                let wanted = format!("{method} succeeded");
                probe.ensure(
                    messages.iter().any(|message| message.contains(&wanted)),
                    &check,
                    &exchange,
                    format!("a log entry saying {wanted:?}"),
                    format!("{messages:?}"),
                )?;
            }
            if methods.iter().any(|method| method == "tools/list") {
                probe.ensure(
                    messages.iter().any(|message| message.contains("2 tools: add, echo")),
                    &check,
                    &exchange,
                    "the tools/list entry naming the server's tools",
                    format!("{messages:?}"),
                )?;
            }

            // Live: the run's states and its spans came over the stream, each with its stored id.
            let finished = events.wait_for(Duration::from_secs(10), |item| {
                item.name() == Some("run")
                    && item.json().is_some_and(|run| run["id"] == run_id.as_str() && run["status"] == "succeeded")
            });
            let live_runs = events.events_where("run", "id", &run_id);
            let live_states: Vec<&str> = live_runs.iter().filter_map(|run| run["status"].as_str()).collect();
            probe.ensure(
                finished.is_some() && live_states == ["queued", "running", "succeeded"],
                &check,
                &exchange,
                "run events queued, running, succeeded on /events",
                format!("{live_states:?}"),
            )?;
            let live_spans = events.events_where("span", "run_id", &run_id);
            probe.ensure(
                live_spans.len() == methods.len(),
                &check,
                &exchange,
                format!("{} span events on /events", methods.len()),
                format!("{}", live_spans.len()),
            )?;
        }
    }
    // Each run ended its MCP session (HTTP DELETE) once it was done; the server logs each ending.
    let deadline = Instant::now() + Duration::from_secs(5);
    while context.mcp.ended_sessions() < sessions_ended_before + succeeded_runs && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let ended = context.mcp.ended_sessions() - sessions_ended_before;
    assert_eq!(ended, succeeded_runs, "MCP sessions ended by the {succeeded_runs} succeeded runs");

    let unnumbered: Vec<String> = events
        .received()
        .iter()
        .filter(|item| item.name().is_some_and(|name| name != "health") && item.id().is_none())
        .map(|item| format!("{item:?}"))
        .collect();
    assert!(unnumbered.is_empty(), "events without an id on /events: {unnumbered:?}");

    // The heartbeat comes after the spec's interval of silence, not before.
    let heartbeat = flows.events_heartbeat;
    let first = events.wait_for(
        heartbeat + Duration::from_secs(10),
        |item| matches!(item, e2e::checks::event_log::Received::Comment { text, .. } if text == "heartbeat"),
    );
    match first {
        Some(e2e::checks::event_log::Received::Comment { at, .. }) => assert!(
            at + Duration::from_secs(1) >= heartbeat && at <= heartbeat + Duration::from_secs(5),
            "the first heartbeat came after {at:?}, not after about {heartbeat:?}"
        ),
        other => panic!("no heartbeat within {:?} on /events: {other:?}", heartbeat + Duration::from_secs(10)),
    }
    Ok(())
}

/// A run whose first step cannot succeed fails, with that step as an `error` span and an `error` log
/// entry: nothing listening, a path the server does not serve, and a server that never answers (the spec's
/// step timeout).
fn failing_test_flows_end_with_an_error_span(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let flows = flow_spec();
    let not_served = format!("{}/nowhere/mcp", context.mcp.base_url());
    for (endpoint, reason) in [
        (UNREACHABLE_MCP_ENDPOINT.to_string(), "no answer"),
        (not_served, "HTTP 404"),
        (context.mcp.hanging_endpoint(), "step timeout"),
    ] {
        let check = format!("a tools flow against {endpoint}");
        let started = Instant::now();
        let (_, run_id) = start_test_flow(&probe, &check, &endpoint, "tools")?;
        let run = wait_for_run(&probe, &check, &run_id, run_timeout(&flows))?;
        let (exchange, _) = read_run(&probe, &check, &run_id)?;
        probe.ensure(run["status"] == "failed", &check, &exchange, "status failed", run.to_string())?;
        expect_step_spans(&probe, &check, &run_id, &["initialize".to_string()], &["error"])?;
        let logs = run_logs(&probe, &check, &run_id)?;
        let failure = logs.iter().find(|entry| {
            entry["level"] == "error" && entry["message"].as_str().is_some_and(|m| m.contains("initialize failed"))
        });
        probe.ensure(
            failure.is_some_and(|entry| entry["message"].as_str().unwrap_or_default().contains(reason)),
            &check,
            &exchange,
            format!("an error log entry: initialize failed ({reason})"),
            format!("{logs:?}"),
        )?;
        if reason == "step timeout" {
            probe.ensure(
                started.elapsed() >= flows.step_timeout,
                &check,
                &exchange,
                format!("the run failing after the {:?} step timeout", flows.step_timeout),
                format!("it failed after {:?}", started.elapsed()),
            )?;
        }
    }
    Ok(())
}

/// A run against a server that holds every request is cancelled while its first step waits: the step is
/// aborted (an `error` span), and no later step is attempted, even after the server would have answered.
fn cancel_run_stops_a_run_mid_step(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let check = "a full flow against the slow endpoint";
    let (_, run_id) = start_test_flow(&probe, check, &context.mcp.slow_endpoint(), "full")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (exchange, run) = read_run(&probe, check, &run_id)?;
        if run["status"] == "running" {
            break;
        }
        if Instant::now() > deadline {
            return Err(probe.fail(check, &exchange, "the run running", run.to_string()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // The first request is held for SLOW_SECONDS; cancel well inside that.
    std::thread::sleep(Duration::from_secs(1));
    let (exchange, result) =
        apply_control_body(&probe, "cancel mid-step", &json!({"action": "cancel_run", "run_id": run_id}))?;
    expect_applied(&probe, "cancel mid-step", &exchange, &result, true)?;

    std::thread::sleep(Duration::from_secs(SLOW_SECONDS + 2));
    let check = "the cancelled run, after the server would have answered";
    let (exchange, run) = read_run(&probe, check, &run_id)?;
    probe.ensure(run["status"] == "cancelled", check, &exchange, "status cancelled", run.to_string())?;
    expect_step_spans(&probe, check, &run_id, &["initialize".to_string()], &["error"])?;
    let logs = run_logs(&probe, check, &run_id)?;
    let messages: Vec<&str> = logs.iter().filter_map(|entry| entry["message"].as_str()).collect();
    probe.ensure(
        messages.iter().any(|m| m.contains("initialize aborted")) && !messages.iter().any(|m| m.contains("succeeded")),
        check,
        &exchange,
        "the aborted initialize logged, and nothing succeeding",
        format!("{messages:?}"),
    )
}

/// Endpoints the dev rules refuse get a 400 at `body.endpoint` and start nothing. Runs are paused
/// meanwhile, so even a refusal that failed would only queue nothing (409) and no request could leave
/// for these addresses.
fn blocked_test_flow_endpoints_are_refused(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let (exchange, result) = apply_control(&probe, "pause while probing the guard", "pause")?;
    expect_applied(&probe, "pause while probing the guard", &exchange, &result, true)?;
    let outcome = (|| {
        let before = MetricsSnapshot::read(&probe, "runs before")?.body["runs_total"].clone();
        for (endpoint, says) in [
            ("http://10.0.0.1/mcp", "private-network"),
            ("http://192.168.1.20:8080/mcp", "private-network"),
            ("http://[fd00::1]/mcp", "private-network"),
            ("http://169.254.169.254/latest/meta-data/", "link-local"),
            ("http://[fe80::1]/mcp", "link-local"),
            ("http://0.0.0.0:8000/mcp", "unspecified"),
            ("ftp://127.0.0.1/mcp", "http or https"),
            ("http://user:secret@127.0.0.1:9/mcp", "credentials"),
        ] {
            let check = format!("test flow to {endpoint}");
            let exchange = post_test_flow(&probe, &check, endpoint, "handshake")?;
            let body = probe.expect_error(&check, &exchange, 400, "invalid_body", Some("body.endpoint"))?;
            let message = body["error"]["message"].as_str().unwrap_or_default();
            probe.ensure(message.contains(says), &check, &exchange, format!("a message about {says}"), message)?;
        }
        let after = MetricsSnapshot::read(&probe, "runs after")?;
        probe.ensure(
            after.body["runs_total"] == before,
            "runs after",
            &after.exchange,
            format!("runs_total still {before}"),
            after.body["runs_total"].to_string(),
        )
    })();
    apply_control(&probe, "resume after probing the guard", "resume")?;
    outcome
}

/// The Durable Object keeps the newest 1,000 broadcast events for replay (a trigger deletes older ones as
/// each is stored): after more than that many, a client resuming from id 0 is sent exactly the newest
/// 1,000, in order, ending with the newest.
fn replay_keeps_the_newest_thousand_events(context: &Context) -> CheckResult {
    const KEPT: i64 = 1000;
    let probe = context.probe()?;
    let url = probe.url("/events");
    let live = EventLog::open(&url, None, Duration::from_secs(120)).unwrap_or_else(|problem| panic!("{problem}"));
    // Each applied pause or resume broadcasts three events (control, log, span); the first pause applies
    // nothing if runs are paused already. It ends resumed, so later steps can start test flows.
    let resumes = KEPT / 6 + 2;
    for toggle in 0..2 * resumes {
        let action = if toggle % 2 == 0 { "pause" } else { "resume" };
        apply_control(&probe, &format!("{action} to fill the event log"), action)?;
    }
    // The last resume's span is the newest event.
    let deadline = Instant::now() + REALTIME_TIMEOUT;
    let newest = loop {
        let spans: Vec<_> = live.received().into_iter().filter(is_resume_span).collect();
        if spans.len() as i64 >= resumes {
            break spans.last().and_then(|span| span.id()).unwrap_or_else(|| panic!("a span without an id"));
        }
        assert!(Instant::now() < deadline, "{} of {resumes} control.resume spans arrived on {url}", spans.len());
        std::thread::sleep(Duration::from_millis(50));
    };

    let replay = EventLog::open(&url, Some(0), Duration::from_secs(20)).unwrap_or_else(|problem| panic!("{problem}"));
    replay
        .wait_for(REALTIME_TIMEOUT, |item| item.id() == Some(newest))
        .unwrap_or_else(|| panic!("the replay from id 0 never reached the newest event, {newest}"));
    let ids: Vec<i64> = replay.received().iter().filter_map(|item| item.id()).take_while(|id| *id <= newest).collect();
    let expected: Vec<i64> = (newest - KEPT + 1..=newest).collect();
    assert!(
        ids == expected,
        "replayed {} events, ids {:?}…{:?}; expected the {KEPT} ids {}..={newest}",
        ids.len(),
        ids.first(),
        ids.last(),
        newest - KEPT + 1
    );
    Ok(())
}

fn is_resume_span(item: &e2e::checks::event_log::Received) -> bool {
    item.name() == Some("span") && item.json().is_some_and(|span| span["name"] == "control.resume")
}

/// A client that reconnects with `Last-Event-ID` first gets the stored events after that id, in order and
/// exactly as they were sent live; an id that is no id is refused.
fn event_stream_resumes_after_last_event_id(context: &Context) -> CheckResult {
    let probe = context.probe()?;
    let url = probe.url("/events");
    let live = EventLog::open(&url, None, Duration::from_secs(20)).unwrap_or_else(|problem| panic!("{problem}"));
    apply_control(&probe, "pause", "pause")?;
    let pause_span = live
        .wait_for(REALTIME_TIMEOUT, |item| {
            item.name() == Some("span") && item.json().is_some_and(|span| span["name"] == "control.pause")
        })
        .unwrap_or_else(|| panic!("no control.pause span on {url}"));
    let last_seen = pause_span.id().unwrap_or_else(|| panic!("the span event has no id: {pause_span:?}"));
    apply_control(&probe, "resume", "resume")?;
    live.wait_for(REALTIME_TIMEOUT, |item| {
        item.name() == Some("span") && item.json().is_some_and(|span| span["name"] == "control.resume")
    })
    .unwrap_or_else(|| panic!("no control.resume span on {url}"));

    let resumed =
        EventLog::open(&url, Some(last_seen), Duration::from_secs(3)).unwrap_or_else(|problem| panic!("{problem}"));
    resumed.wait_for(REALTIME_TIMEOUT, |item| {
        item.name() == Some("span") && item.json().is_some_and(|span| span["name"] == "control.resume")
    });
    let replayed = resumed.received();
    assert_eq!(replayed.first().and_then(|item| item.name()), Some("health"), "health first: {replayed:?}");
    let ids: Vec<i64> = replayed.iter().filter_map(|item| item.id()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| *id > last_seen), "only ids after {last_seen}: {ids:?}");
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "ids in order: {ids:?}");
    // What was replayed is what was sent live under the same ids.
    for item in replayed.iter().filter(|item| item.id().is_some()) {
        let sent = live.received().into_iter().find(|sent| sent.id() == item.id());
        let same = |received: &e2e::checks::event_log::Received| match (received, item) {
            (
                e2e::checks::event_log::Received::Event { name: a, data: b, .. },
                e2e::checks::event_log::Received::Event { name: c, data: d, .. },
            ) => a == c && b == d,
            _ => false,
        };
        assert!(sent.as_ref().is_some_and(same), "replayed {item:?}, sent live {sent:?}");
    }
    let names: Vec<&str> = replayed.iter().filter_map(|item| item.name()).collect();
    for wanted in ["control", "log", "span"] {
        assert!(names.contains(&wanted), "a replayed {wanted} event: {names:?}");
    }

    for bad in ["abc", "-3", "1.5"] {
        let check = format!("Last-Event-ID: {bad}");
        let exchange = probe.send(&check, Request::new("GET", url.as_str()).header("Last-Event-ID", bad))?;
        let body = probe.expect_error(&check, &exchange, 400, "invalid_parameter", None)?;
        let location = body["error"]["location"].as_str().unwrap_or_default().to_ascii_lowercase();
        probe.ensure(location == "header.last-event-id", &check, &exchange, "header.Last-Event-ID", location)?;
    }
    Ok(())
}

/// An authorization response naming another issuer (a mix-up) is refused before any code exchange, and
/// its state is spent.
fn callback_refuses_another_issuer(context: &Context) -> CheckResult {
    let probe = context.anonymous_probe()?;
    let callback = authorize(context, &probe)?;
    let original = worker_url(&probe, &callback);
    let pairs = query_pairs(&original);
    // The authorization server names itself, as RFC 9207 asks.
    assert_eq!(pairs.get("iss").map(String::as_str), Some(context.auth.issuer()), "the iss of {callback}");
    let mut forged = original.clone();
    forged.query_pairs_mut().clear().extend_pairs(
        pairs
            .iter()
            .map(|(name, value)| (name.as_str(), if name == "iss" { "http://127.0.0.1:9877" } else { value.as_str() })),
    );
    let token_requests = context.auth.token_requests();
    let check = "callback naming another issuer";
    let exchange = probe.get(check, &format!("{}?{}", forged.path(), forged.query().unwrap_or_default()))?;
    let body = probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.iss"))?;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    probe.ensure(
        message.contains(context.auth.issuer()),
        check,
        &exchange,
        "a message naming the expected issuer",
        message,
    )?;
    probe.ensure(
        context.auth.token_requests() == token_requests,
        check,
        &exchange,
        "no code exchange",
        format!("{} token request(s)", context.auth.token_requests() - token_requests),
    )?;
    let check = "the genuine callback after the forged one";
    let exchange = probe.get(check, &callback)?;
    probe.expect_error(check, &exchange, 400, "invalid_parameter", Some("query.state"))?;
    Ok(())
}

/// A path-and-query on the worker as a full URL, to take apart.
fn worker_url(probe: &Probe, path_and_query: &str) -> url::Url {
    url::Url::parse(&probe.url(path_and_query)).unwrap_or_else(|e| panic!("{path_and_query}: {e}"))
}

fn runtime_log_is_clean(context: &Context) -> CheckResult {
    context.server.assert_clean_log();
    Ok(())
}

fn expect_paused(probe: &Probe, paused: bool) -> CheckResult {
    let metrics = MetricsSnapshot::read(probe, "metrics paused flag")?;
    probe.ensure(
        metrics.body["paused"] == paused,
        "metrics paused flag",
        &metrics.exchange,
        format!("paused {paused}"),
        format!("paused {}", metrics.body["paused"]),
    )
}

/// The MCP URL, the tool names and the first widget resource, as the spec declares them.
fn mcp_target<'a>(context: &'a Context<'a>) -> (String, Vec<&'a str>, String) {
    let mcp = &context.expect.spec.mcp;
    let url = format!("{}{}", context.server.base_url(), mcp.path.as_deref().unwrap_or("/mcp"));
    let tools = mcp.tools.iter().map(|t| t.name.as_str()).collect();
    let widget = mcp.resources.first().map(|r| r.uri.clone()).unwrap_or_default();
    (url, tools, widget)
}

fn client_failure(check: &str, url: &str, expected: &str, got: String) -> e2e::CheckFailure {
    e2e::CheckFailure {
        check: check.to_owned(),
        request: format!("MCP client against {url}"),
        expected: expected.to_owned(),
        got,
        body_excerpt: String::new(),
    }
}

fn run_output(run: &ClientRun) -> String {
    format!("exit {:?}\n{}\n{}", run.exit_code, run.stdout.trim(), run.stderr.trim())
}

/// The official Python SDK, as a client application would use it: anonymous listing and reading, the 401
/// challenge for a scoped tool, then every tool with a token (the SDK checks each result against the tool's
/// outputSchema).
fn mcp_python_sdk_drives_every_tool(context: &Context) -> CheckResult {
    let (url, tools, widget) = mcp_target(context);
    let token = context.expect.bearer_token.clone().unwrap_or_default();
    let check = "MCP Python SDK client";
    let run = mcp_clients::python_sdk(&url, &token, &tools, &widget)
        .map_err(|problem| client_failure(check, &url, "python3 runs", problem))?;
    print!("{}", run.stdout);
    if !run.success || !run.stdout.contains("all checks passed") {
        return Err(client_failure(check, &url, "every SDK check passes", run_output(&run)));
    }
    Ok(())
}

/// The MCP Inspector's CLI: tools/list matches the spec, a public tool and a scoped one (with a token) are
/// called, the widget is read, and a scoped tool without a token stops at the authentication challenge.
fn mcp_inspector_lists_calls_and_reads(context: &Context) -> CheckResult {
    let (url, tools, widget) = mcp_target(context);
    let authorization = format!("Authorization: Bearer {}", context.expect.bearer_token.clone().unwrap_or_default());
    let run = |check: &str, arguments: &[&str]| {
        mcp_clients::inspector(&url, arguments)
            .map_err(|problem| client_failure(check, &url, "the Inspector runs", problem))
    };
    // A successful run's JSON output, checked by `valid`.
    let result = |check: &str, arguments: &[&str], expected: &str, valid: &dyn Fn(&Value) -> bool| {
        let run = run(check, arguments)?;
        let output = run.json().ok().filter(|output| run.success && valid(output));
        let output = output.ok_or_else(|| client_failure(check, &url, expected, run_output(&run)))?;
        println!("ok   {check}");
        Ok::<Value, e2e::CheckFailure>(output)
    };

    let listed = result("Inspector tools/list", &["--method", "tools/list"], &format!("tools {tools:?}"), &|out| {
        let names: Vec<&str> =
            out["tools"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
        names == tools
    })?;
    println!("     {} tools", listed["tools"].as_array().map_or(0, Vec::len));
    let health = ["--method", "tools/call", "--tool-name", "get_health"];
    result("Inspector tools/call get_health", &health, "a Health result", &|out| {
        out["isError"] == false && matches!(out["structuredContent"]["status"].as_str(), Some("ok" | "degraded"))
    })?;
    let logs =
        ["--method", "tools/call", "--tool-name", "get_logs", "--tool-arg", "limit=3", "--header", &authorization];
    result("Inspector tools/call get_logs with a token", &logs, "a LogPage result", &|out| {
        out["isError"] == false && out["structuredContent"]["entries"].is_array()
    })?;
    let read = ["--method", "resources/read", "--uri", &widget];
    result("Inspector resources/read of the widget", &read, "text/html+skybridge contents", &|out| {
        out["contents"][0]["mimeType"] == "text/html+skybridge"
    })?;

    let check = "Inspector tools/call get_logs without a token";
    let refused = run(check, &["--method", "tools/call", "--tool-name", "get_logs"])?;
    // The Inspector reports failures as JSON on stderr.
    let error: Value = serde_json::from_str(refused.stderr.trim()).unwrap_or_default();
    if refused.success || error["error"]["code"] != "auth_required" {
        let expected = "the Inspector stops at the authentication challenge (auth_required)";
        return Err(client_failure(check, &url, expected, run_output(&refused)));
    }
    println!("ok   {check}");
    Ok(())
}

/// The Apps SDK widget, read from the MCP server, rendering real tool results in Chromium the way ChatGPT
/// hands them over; a screenshot is left in the artifacts folder.
fn mcp_widget_renders_tool_results(context: &Context) -> CheckResult {
    let (url, _, widget) = mcp_target(context);
    let screenshot = artifacts_dir().join("widget.png");
    let _ = std::fs::remove_file(&screenshot);
    let token = context.expect.bearer_token.clone().unwrap_or_default();
    let path = screenshot.display().to_string();
    let settings =
        [("E2E_MCP_URL", url.as_str()), ("E2E_TOKEN", &token), ("E2E_WIDGET_URI", &widget), ("E2E_SCREENSHOT", &path)];
    let output = run_browser_script("the MCP widget in Chromium", "widget", &settings)?;
    print!("{output}");
    let check = "the widget screenshot";
    let bytes = std::fs::read(&screenshot).unwrap_or_default();
    match png_size(&bytes) {
        Some((width, height)) if width >= 320 && height >= 200 => Ok(()),
        other => Err(client_failure(check, &url, "a PNG screenshot", format!("{other:?} from {path}"))),
    }
}
