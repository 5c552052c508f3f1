//! Control actions and test flows: the routes that change the dashboard's state.

use serde_json::{json, Value};

use super::{CheckResult, Probe};
use crate::http::{Exchange, Request};

/// An MCP endpoint nothing listens on (the discard port on loopback): a run against it can only fail,
/// and the worker's attempt never leaves the machine.
pub const UNREACHABLE_MCP_ENDPOINT: &str = "http://127.0.0.1:9/mcp";

/// Whether runs were paused before the suite touched them, so the suite can leave that state as found.
#[derive(Debug, Clone, Copy, Default)]
pub struct ControlState {
    pub paused_at_start: Option<bool>,
}

pub fn rejects_malformed_json(probe: &mut Probe) -> CheckResult {
    let check = "control rejects malformed JSON";
    let exchange = probe.send(check, Request::new("POST", probe.url("/api/control")).json_text("{\"action\":"))?;
    probe.expect_error(check, &exchange, 400, "invalid_body", None)?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn rejects_unknown_action(probe: &mut Probe) -> CheckResult {
    let check = "control rejects an unknown action";
    let exchange = probe.post_json(check, "/api/control", &json!({"action": "explode"}))?;
    probe.expect_error(check, &exchange, 400, "invalid_body", None)?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn cancel_requires_run_id(probe: &mut Probe) -> CheckResult {
    let check = "cancel_run without run_id";
    let exchange = probe.post_json(check, "/api/control", &json!({"action": "cancel_run"}))?;
    probe.expect_error(check, &exchange, 400, "invalid_body", Some("body.run_id"))?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn cancel_unknown_run(probe: &mut Probe) -> CheckResult {
    let check = "cancel_run of an unknown run";
    let body = json!({"action": "cancel_run", "run_id": random_uuid()});
    let exchange = probe.post_json(check, "/api/control", &body)?;
    probe.expect_error(check, &exchange, 404, "not_found", None)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Pause, pause again (nothing to apply), a test flow refused while paused, resume; the applied resume
/// shows up as a `control` log entry and a `control.resume` span.
pub fn pause_resume_cycle(probe: &mut Probe) -> CheckResult {
    let paused_at_start = current_metrics_paused(probe, "pause and resume")?;
    probe.control_state.paused_at_start = Some(paused_at_start);

    let check = "pause applies unless already paused";
    let (exchange, result) = apply_control(probe, check, "pause")?;
    expect_applied(probe, check, &exchange, &result, !paused_at_start)?;
    probe.pass(check, &exchange);

    let check = "pausing twice applies nothing";
    let (exchange, result) = apply_control(probe, check, "pause")?;
    expect_applied(probe, check, &exchange, &result, false)?;
    probe.pass(check, &exchange);

    let check = "test flow is refused while paused";
    let endpoint = super::test_flows::unreachable_endpoint(&probe.expect.environment);
    let exchange = post_test_flow(probe, check, endpoint, "handshake")?;
    probe.expect_error(check, &exchange, 409, "conflict", None)?;
    probe.pass(check, &exchange);

    let last_log_id = super::observability::last_log_id(probe, "read the log before resuming")?;
    let check = "resume applies after a pause";
    let (exchange, result) = apply_control(probe, check, "resume")?;
    expect_applied(probe, check, &exchange, &result, true)?;
    probe.pass(check, &exchange);

    expect_control_recorded(probe, "resume", last_log_id)
}

/// An applied action appears as a log entry from `control` after `since` and as a `control.<action>`
/// span, the newest control span.
pub fn expect_control_recorded(probe: &mut Probe, action: &str, since: u64) -> CheckResult {
    let check = format!("{action} is recorded in the log");
    let exchange = probe.get(&check, &format!("/api/logs?since={since}"))?;
    let page = probe.expect_json(&check, &exchange, 200, "LogPage")?;
    let entries = page["entries"].as_array().cloned().unwrap_or_default();
    probe.ensure(
        entries.iter().any(|entry| entry["source"] == "control"),
        &check,
        &exchange,
        format!("a log entry with source \"control\" after id {since}"),
        format!("{} entries, none from control", entries.len()),
    )?;
    probe.pass(&check, &exchange);

    let check = format!("{action} is recorded as a span");
    let exchange = probe.get(&check, "/api/traces")?;
    let traces = probe.expect_json(&check, &exchange, 200, "TraceList")?;
    let newest_control_span = traces["spans"].as_array().and_then(|spans| {
        spans.iter().filter_map(|span| span["name"].as_str()).find(|name| name.starts_with("control."))
    });
    let wanted = format!("control.{action}");
    probe.ensure(
        newest_control_span == Some(wanted.as_str()),
        &check,
        &exchange,
        format!("the newest control span named {wanted:?}"),
        format!("newest control span {newest_control_span:?}"),
    )?;
    probe.pass(&check, &exchange);
    Ok(())
}

pub fn test_flow_rejects_bad_endpoint(probe: &mut Probe) -> CheckResult {
    let check = "test flow rejects an endpoint that is no URI";
    let exchange = post_test_flow(probe, check, "not a uri", "handshake")?;
    probe.expect_error(check, &exchange, 400, "invalid_body", Some("body.endpoint"))?;
    probe.pass(check, &exchange);
    Ok(())
}

/// A started test flow is queued and listed among the runs.
pub fn test_flow_accepted(probe: &mut Probe) -> CheckResult {
    let check = "test flow is accepted";
    // The environment's endpoint rules decide what it accepts: loopback only where they allow it.
    let endpoint = super::test_flows::unreachable_endpoint(&probe.expect.environment);
    let (exchange, run_id) = start_test_flow(probe, check, endpoint, "tools")?;
    probe.pass(check, &exchange);

    let check = "started run is listed";
    let exchange = probe.get(check, "/api/runs")?;
    let list = probe.expect_json(check, &exchange, 200, "RunList")?;
    let run = list["runs"].as_array().and_then(|runs| runs.iter().find(|run| run["id"] == run_id.as_str()));
    let Some(run) = run else {
        return Err(probe.fail(check, &exchange, format!("a run with id {run_id}"), "no such run"));
    };
    probe.ensure(
        run["endpoint"] == endpoint && run["workflow"] == "tools",
        check,
        &exchange,
        format!("endpoint {endpoint:?} and workflow \"tools\""),
        run.to_string(),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Leaves runs paused if they were paused before the suite started.
pub fn restore_pause_state(probe: &mut Probe) -> CheckResult {
    if probe.control_state.paused_at_start == Some(true) {
        let check = "runs paused again as found";
        let (exchange, _) = apply_control(probe, check, "pause")?;
        probe.pass(check, &exchange);
    }
    Ok(())
}

/// Posts a control action and checks the answer is a `ControlResult` for that action.
pub fn apply_control(probe: &Probe, check: &str, action: &str) -> CheckResult<(Exchange, Value)> {
    apply_control_body(probe, check, &json!({"action": action}))
}

pub fn apply_control_body(probe: &Probe, check: &str, body: &Value) -> CheckResult<(Exchange, Value)> {
    let exchange = probe.post_json(check, "/api/control", body)?;
    let result = probe.expect_json(check, &exchange, 200, "ControlResult")?;
    let action = &body["action"];
    probe.ensure(
        &result["action"] == action,
        check,
        &exchange,
        format!("action {action}"),
        format!("action {}", result["action"]),
    )?;
    Ok((exchange, result))
}

pub fn expect_applied(probe: &Probe, check: &str, exchange: &Exchange, result: &Value, applied: bool) -> CheckResult {
    probe.ensure(
        result["applied"] == applied,
        check,
        exchange,
        format!("applied {applied}"),
        format!("applied {}", result["applied"]),
    )
}

pub fn post_test_flow(probe: &Probe, check: &str, endpoint: &str, workflow: &str) -> CheckResult<Exchange> {
    probe.post_json(check, "/api/test-flow", &json!({"endpoint": endpoint, "workflow": workflow}))
}

/// Starts a test flow and returns the answer and the new run's id.
pub fn start_test_flow(probe: &Probe, check: &str, endpoint: &str, workflow: &str) -> CheckResult<(Exchange, String)> {
    let exchange = post_test_flow(probe, check, endpoint, workflow)?;
    let accepted = probe.expect_json(check, &exchange, 202, "TestFlowAccepted")?;
    probe.ensure(
        accepted["status"] == "queued",
        check,
        &exchange,
        "status \"queued\"",
        format!("status {}", accepted["status"]),
    )?;
    let run_id = accepted["run_id"].as_str().unwrap_or_default().to_string();
    Ok((exchange, run_id))
}

fn current_metrics_paused(probe: &Probe, check: &str) -> CheckResult<bool> {
    let exchange = probe.get(check, "/api/metrics")?;
    let metrics = probe.expect_json(check, &exchange, 200, "Metrics")?;
    Ok(metrics["paused"] == true)
}

/// A version 4 UUID from the standard library's randomly seeded hasher (no extra dependency needed for
/// an id that only has to be unknown to the server).
pub fn random_uuid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
        );
        hasher.finish()
    };
    let bits = (u128::from(random(1)) << 64) | u128::from(random(2));
    // Set the version (4) and variant (10xx) bits.
    let bits = (bits & !(0xf << 76) | (0x4 << 76)) & !(0b11 << 62) | (0b10 << 62);
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_uuids_are_version_4_and_differ() {
        let first = random_uuid();
        let second = random_uuid();
        assert_ne!(first, second);
        for uuid in [&first, &second] {
            assert_eq!(uuid.len(), 36, "{uuid}");
            assert_eq!(&uuid[14..15], "4", "version nibble of {uuid}");
            assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "variant nibble of {uuid}");
        }
    }
}
