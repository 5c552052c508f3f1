//! End-to-end run against a local `wrangler dev`: the smoke suite, focused tests for each behaviour of
//! the HTTP contract, and finally a check that the runtime log shows no failure.
//!
//! This is a test binary with its own `main` (`harness = false` in Cargo.toml) rather than `#[test]`
//! functions sharing a `static` server: the steps must run in a fixed order so the clean-log check comes
//! after every other request, and the server must be dropped at the end so its process group is
//! stopped (a `static` is never dropped). Every step runs even when an earlier one failed, so one run
//! reports every broken behaviour; the process exits non-zero if any step failed.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use e2e::checks::control::{
    apply_control, apply_control_body, expect_applied, expect_control_recorded, post_test_flow, random_uuid,
    start_test_flow, UNREACHABLE_MCP_ENDPOINT,
};
use e2e::checks::cors::{expect_cors_grant, expect_list_contains, expect_no_cors_headers, REFUSED_ORIGIN};
use e2e::checks::observability::{entry_id, fetch_all_logs, last_log_id, log_entries, MetricsSnapshot};
use e2e::checks::realtime::{first_sse_event, websocket_url, JsonRpcSocket, REALTIME_TIMEOUT};
use e2e::checks::{run_smoke_reporting, CheckResult, Expectations, Probe};
use e2e::http::Request;
use e2e::time::parse_rfc3339_nanos;
use e2e::DevServer;

/// What every step gets: the running server and what it should answer.
struct Context<'a> {
    server: &'a DevServer,
    expect: &'a Expectations,
}

impl Context<'_> {
    fn probe(&self) -> CheckResult<Probe<'_>> {
        Probe::new(self.server.base_url(), self.expect)
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
    ("sign-out answers GET and POST only", sign_out_answers_get_and_post_only),
    ("discovery documents name the public origin", discovery_documents_name_the_public_origin),
    ("static pages and fallbacks", static_pages_and_fallbacks),
    ("CORS grants only the listed origins", cors_grants_only_listed_origins),
    ("event stream starts with health", event_stream_starts_with_health),
    ("MCP WebSocket speaks JSON-RPC", websocket_speaks_json_rpc),
];

fn main() -> ExitCode {
    let server = match DevServer::start() {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cannot start the dev server: {error}");
            println!("e2e: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    let expect = Expectations::local_dev(server.secrets()).expect("spec/dashboard.yaml loads");
    let context = Context { server: &server, expect: &expect };

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
    let probe = context.probe()?;
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
    let check = "callback with code and state";
    let exchange = probe.get(check, "/auth/callback?code=e2e-made-up-code&state=e2e-state")?;
    probe.expect_error(check, &exchange, 502, "bad_gateway", None)?;
    probe.expect_no_secrets(check, &exchange)?;
    let leaked: Vec<&(String, String)> = exchange
        .headers
        .iter()
        .filter(|(_, value)| context.expect.forbidden_values.iter().any(|secret| value.contains(secret.as_str())))
        .collect();
    probe.ensure(leaked.is_empty(), check, &exchange, "headers without secret values", format!("{leaked:?}"))
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
        let body = probe.expect_json(check, &exchange, 200, "LogoutResult")?;
        probe.ensure(body == json!({"success": true}), check, &exchange, r#"{"success":true}"#, body.to_string())?;
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
        body["name"] == "CortexDx Control Panel",
        check,
        &exchange,
        "name CortexDx Control Panel",
        body["name"].to_string(),
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
    let spec_text = std::fs::read_to_string(e2e::paths::spec_file()).expect("spec readable");
    let spec: serde_yaml::Value = serde_yaml::from_str(&spec_text).expect("spec parses");
    let mut wanted: Vec<String> = spec["types"]
        .as_mapping()
        .map(|types| types.keys().filter_map(|k| k.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
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
            [("GET", "/api/health", 200), ("GET", "/api/nope", 404), ("POST", "/api/control", 400)]
        {
            let check = format!("{origin} {method} {path}");
            let mut request = Request::new(method, probe.url(path)).header("Origin", origin);
            if method == "POST" {
                request = request.json_text("{}");
            }
            let exchange = probe.send(&check, request)?;
            probe.expect_status(&check, &exchange, status)?;
            expect_cors_grant(&probe, &check, &exchange, origin)?;
            expect_list_contains(&probe, &check, &exchange, "access-control-expose-headers", "Mcp-Session-Id")?;
        }
    }
    for origin in [REFUSED_ORIGIN, "https://chatgpt.com.evil.example", "http://chatgpt.com", "null"] {
        let check = format!("refused origin {origin}");
        let exchange = probe.send(&check, Request::new("GET", probe.url("/api/health")).header("Origin", origin))?;
        probe.expect_status(&check, &exchange, 200)?;
        expect_no_cors_headers(&probe, &check, &exchange)?;
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
