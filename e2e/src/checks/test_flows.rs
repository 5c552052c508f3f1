//! Test-flow runs against a real MCP server: waiting for a run to finish, and reading back its spans and
//! log entries. What a workflow must call comes from the spec, through the generator's model.

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{CheckResult, Probe};
use crate::time::parse_rfc3339_nanos;

/// Statuses a run does not leave.
pub const FINISHED: [&str; 3] = ["succeeded", "failed", "cancelled"];
/// How often a run's status is read while waiting for it.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// What the spec says about test flows and the event stream.
#[derive(Debug, Clone)]
pub struct FlowSpec {
    /// Each workflow's MCP methods, in order.
    pub workflows: BTreeMap<String, Vec<String>>,
    pub step_timeout: Duration,
    /// The heartbeat interval of the `/events` stream.
    pub events_heartbeat: Duration,
    /// The environments whose rules let a flow reach loopback addresses.
    pub loopback_environments: Vec<String>,
}

impl FlowSpec {
    pub fn load() -> Result<FlowSpec, String> {
        let path = crate::paths::spec_file();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let model = codegen::load::load(&text).map_err(|d| d.render(&path.display().to_string()))?;
        let flows = model.test_flows.as_ref().ok_or("the spec has no `test_flows` section")?;
        let workflows = flows
            .workflows
            .iter()
            .map(|w| (w.name.clone(), w.steps.iter().map(|step| step.as_str().to_string()).collect()))
            .collect();
        let events_heartbeat = model
            .routes
            .iter()
            .find_map(|route| match route.kind {
                codegen::model::RouteKind::Sse { heartbeat_seconds, .. } if route.path == "/events" => {
                    Some(Duration::from_secs(heartbeat_seconds.into()))
                }
                _ => None,
            })
            .ok_or("the spec has no `/events` stream")?;
        let loopback_environments =
            flows.endpoints.iter().filter(|(_, rules)| rules.allow_loopback).map(|(name, _)| name.clone()).collect();
        Ok(FlowSpec {
            loopback_environments,
            workflows,
            step_timeout: Duration::from_secs(flows.step_timeout_seconds.into()),
            events_heartbeat,
        })
    }

    pub fn steps(&self, workflow: &str) -> &[String] {
        self.workflows.get(workflow).map(Vec::as_slice).unwrap_or_default()
    }
}

/// An endpoint a run can only fail against, that `environment`'s rules accept: the loopback discard port
/// where loopback is allowed (the attempt never leaves the machine), elsewhere a name that never resolves
/// (`.invalid`, RFC 2606).
pub fn unreachable_endpoint(environment: &str) -> &'static str {
    match FlowSpec::load() {
        Ok(flows) if flows.loopback_environments.iter().any(|name| name == environment) => {
            super::control::UNREACHABLE_MCP_ENDPOINT
        }
        _ => "https://mcp.invalid/mcp",
    }
}

/// Reads `/api/runs` until the run has finished, and returns it.
pub fn wait_for_run(probe: &Probe, check: &str, run_id: &str, timeout: Duration) -> CheckResult<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let (exchange, run) = read_run(probe, check, run_id)?;
        let status = run["status"].as_str().unwrap_or_default().to_string();
        if FINISHED.contains(&status.as_str()) {
            return Ok(run);
        }
        if Instant::now() > deadline {
            return Err(probe.fail(
                check,
                &exchange,
                format!("run {run_id} finished within {}s", timeout.as_secs()),
                format!("status {status:?}"),
            ));
        }
        thread::sleep(POLL_EVERY);
    }
}

/// The run as `/api/runs` lists it now.
pub fn read_run(probe: &Probe, check: &str, run_id: &str) -> CheckResult<(crate::http::Exchange, Value)> {
    let exchange = probe.get(check, "/api/runs")?;
    let list = probe.expect_json(check, &exchange, 200, "RunList")?;
    let run = list["runs"].as_array().and_then(|runs| runs.iter().find(|run| run["id"] == run_id)).cloned();
    match run {
        Some(run) => Ok((exchange, run)),
        None => Err(probe.fail(check, &exchange, format!("run {run_id} listed"), "not listed")),
    }
}

/// The run's spans, oldest first (`/api/traces` lists the newest first).
pub fn run_spans(probe: &Probe, check: &str, run_id: &str) -> CheckResult<(crate::http::Exchange, Vec<Value>)> {
    let exchange = probe.get(check, "/api/traces?limit=500")?;
    let list = probe.expect_json(check, &exchange, 200, "TraceList")?;
    let mut spans: Vec<Value> = list["spans"]
        .as_array()
        .map(|spans| spans.iter().filter(|span| span["run_id"] == run_id).cloned().collect())
        .unwrap_or_default();
    spans.reverse();
    Ok((exchange, spans))
}

/// The `test-flow` log entries about the run, oldest first.
pub fn run_logs(probe: &Probe, check: &str, run_id: &str) -> CheckResult<Vec<Value>> {
    let (entries, _) = super::observability::fetch_all_logs(probe, check)?;
    Ok(entries
        .into_iter()
        .filter(|entry| {
            entry["source"] == "test-flow" && entry["message"].as_str().is_some_and(|message| message.contains(run_id))
        })
        .collect())
}

/// A finished run's spans are the workflow's steps in order, each `mcp.<method>` with `expected` status,
/// all of one trace, each starting no earlier than the one before ended.
pub fn expect_step_spans(
    probe: &Probe,
    check: &str,
    run_id: &str,
    methods: &[String],
    statuses: &[&str],
) -> CheckResult<Vec<Value>> {
    let (exchange, spans) = run_spans(probe, check, run_id)?;
    let names: Vec<&str> = spans.iter().filter_map(|span| span["name"].as_str()).collect();
    let wanted: Vec<String> = methods.iter().map(|method| format!("mcp.{method}")).collect();
    probe.ensure(names == wanted, check, &exchange, format!("spans {wanted:?}"), format!("spans {names:?}"))?;
    let got_statuses: Vec<&str> = spans.iter().filter_map(|span| span["status"].as_str()).collect();
    probe.ensure(
        got_statuses == statuses,
        check,
        &exchange,
        format!("statuses {statuses:?}"),
        format!("statuses {got_statuses:?}"),
    )?;
    let traces: std::collections::BTreeSet<&str> = spans.iter().filter_map(|span| span["trace_id"].as_str()).collect();
    probe.ensure(traces.len() == 1, check, &exchange, "one trace id for the run", format!("{traces:?}"))?;
    // Clocks in Workers advance with I/O at millisecond precision: a step starts when the one before ended.
    let mut previous_end: Option<i128> = None;
    for span in &spans {
        let start = span["started_at"].as_str().and_then(parse_rfc3339_nanos).unwrap_or_default();
        let duration_ns = (span["duration_ms"].as_f64().unwrap_or(-1.0) * 1e6) as i128;
        probe.ensure(duration_ns >= 0, check, &exchange, "a duration of 0 ms or more", span.to_string())?;
        if let Some(end) = previous_end {
            probe.ensure(
                start + 1_000_000 >= end,
                check,
                &exchange,
                "each span starting after the previous one ended",
                format!("{span} starts before the previous span ended"),
            )?;
        }
        previous_end = Some(start + duration_ns);
    }
    Ok(spans)
}
