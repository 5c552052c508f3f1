//! What the dashboard has recorded, read whole so it can be compared across a restart of the runtime.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::observability::{fetch_all_logs, MetricsSnapshot};
use super::{CheckResult, Probe};
use crate::http::Exchange;

/// The most spans `/api/traces` returns at once.
const MAX_SPANS: u32 = 500;
/// How long a run may take to finish after it was cancelled (or failed on its own).
const SETTLE_WITHIN: Duration = Duration::from_secs(30);
const FINISHED: [&str; 3] = ["succeeded", "failed", "cancelled"];

/// Every log entry, run and span, and the metrics.
pub struct Records {
    pub logs: Vec<Value>,
    pub runs: Vec<Value>,
    pub spans: Vec<Value>,
    pub metrics: MetricsSnapshot,
}

impl Records {
    pub fn read(probe: &Probe, check: &str) -> CheckResult<Records> {
        let (logs, _) = fetch_all_logs(probe, check)?;
        let runs = read_runs(probe, check)?.1;
        let exchange = probe.get(check, &format!("/api/traces?limit={MAX_SPANS}"))?;
        let spans =
            probe.expect_json(check, &exchange, 200, "TraceList")?["spans"].as_array().cloned().unwrap_or_default();
        let metrics = MetricsSnapshot::read(probe, check)?;
        Ok(Records { logs, runs, spans, metrics })
    }

    /// Everything in `self` is still in `later`, unchanged: the log starts with the same entries, every
    /// run and span is listed again (`settled_run` exactly as it was), the paused flag is the same and
    /// the totals have not shrunk. New records may have been added meanwhile.
    pub fn expect_kept_in(&self, probe: &Probe, check: &str, later: &Records, settled_run: &Value) -> CheckResult {
        let exchange = &later.metrics.exchange;
        let kept_logs = later.logs.get(..self.logs.len()) == Some(self.logs.as_slice());
        probe.ensure(
            kept_logs,
            check,
            exchange,
            format!("the log to start with the {} entries it had", self.logs.len()),
            format!("{} entries, first ids {:?}", later.logs.len(), ids(&later.logs, 5)),
        )?;

        let run_id = &settled_run["id"];
        let run_now = later.runs.iter().find(|run| run["id"] == *run_id);
        probe.ensure(
            run_now == Some(settled_run),
            check,
            exchange,
            format!("run {settled_run}"),
            format!("{run_now:?}"),
        )?;
        let same_run = |a: &Value, b: &Value| ["id", "workflow", "endpoint", "started_at"].iter().all(|k| a[k] == b[k]);
        let lost_runs: Vec<&Value> = self
            .runs
            .iter()
            .filter(|run| !later.runs.iter().any(|now| same_run(run, now)))
            .map(|run| &run["id"])
            .collect();
        probe.ensure(
            lost_runs.is_empty(),
            check,
            exchange,
            "every run listed again",
            format!("missing {lost_runs:?}"),
        )?;

        let lost_spans: Vec<&Value> =
            self.spans.iter().filter(|span| !later.spans.contains(span)).map(|span| &span["span_id"]).collect();
        probe.ensure(
            lost_spans.is_empty(),
            check,
            exchange,
            "every span listed again",
            format!("missing {lost_spans:?}"),
        )?;

        let (before, after) = (&self.metrics.body, &later.metrics.body);
        let total = |metrics: &Value, name: &str| metrics[name].as_u64().unwrap_or(0);
        let kept = after["paused"] == before["paused"]
            && total(after, "runs_total") >= total(before, "runs_total")
            && total(after, "logs_total") >= total(before, "logs_total")
            && total(after, "runs_total") == later.runs.len() as u64;
        probe.ensure(
            kept,
            check,
            exchange,
            format!(
                "paused {}, at least {} runs and {} log entries, as before",
                before["paused"], before["runs_total"], before["logs_total"]
            ),
            json!({"paused": after["paused"], "runs_total": after["runs_total"], "logs_total": after["logs_total"]})
                .to_string(),
        )
    }
}

/// Cancels a run, unless it already finished, and waits until it has: a finished run no longer changes.
/// Returns the run as listed.
pub fn settled_run(probe: &Probe, check: &str, run_id: &str) -> CheckResult<Value> {
    let exchange = probe.post_json(check, "/api/control", &json!({"action": "cancel_run", "run_id": run_id}))?;
    match exchange.status {
        200 => drop(probe.expect_json(check, &exchange, 200, "ControlResult")?),
        // Already finished on its own (the endpoint is unreachable).
        409 => drop(probe.expect_error(check, &exchange, 409, "conflict", None)?),
        status => {
            return Err(probe.fail(check, &exchange, "200, or 409 for a finished run", format!("status {status}")))
        }
    }
    let deadline = Instant::now() + SETTLE_WITHIN;
    loop {
        let (exchange, runs) = read_runs(probe, check)?;
        let run = runs.into_iter().find(|run| run["id"] == run_id);
        match run {
            Some(run) if FINISHED.contains(&run["status"].as_str().unwrap_or_default()) => return Ok(run),
            run if Instant::now() > deadline => {
                return Err(probe.fail(check, &exchange, format!("run {run_id} finished"), format!("{run:?}")))
            }
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

fn read_runs(probe: &Probe, check: &str) -> CheckResult<(Exchange, Vec<Value>)> {
    let exchange = probe.get(check, "/api/runs")?;
    let runs = probe.expect_json(check, &exchange, 200, "RunList")?["runs"].as_array().cloned().unwrap_or_default();
    Ok((exchange, runs))
}

fn ids(records: &[Value], count: usize) -> Vec<&Value> {
    records.iter().take(count).map(|record| &record["id"]).collect()
}
