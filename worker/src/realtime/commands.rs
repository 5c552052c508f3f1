//! The store's rules: what each query reads and what each change writes, logs, traces and announces.
//!
//! Everything here runs inside the Durable Object, whose input gate serialises requests, so a check and the
//! write that depends on it (is the run still queued? are runs paused?) cannot interleave with another
//! request's.

use std::collections::BTreeMap;

use crate::api::types::{
    ControlResult, LogLevel, Metrics, Run, RunList, RunStatus, SpanStatus, TestFlowAccepted, TraceList, TraceSpan,
};
use crate::clock;
use crate::ids;
use crate::store::{
    ControlCommand, DashboardEvent, Db, LogPageJson, MetricCounts, ReadLogs, ReadTraces, StartRun, StoreError,
};

/// A change's answer and the events that announce it.
pub struct Changed<T> {
    pub reply: T,
    pub events: Vec<DashboardEvent>,
}

/// The `source` of log entries written by control actions.
const CONTROL_SOURCE: &str = "control";
/// The `source` of log entries written by test flows.
pub(super) const TEST_FLOW_SOURCE: &str = "test-flow";

pub fn read_logs(db: &Db, query: ReadLogs) -> Result<LogPageJson, StoreError> {
    Ok(db.log_page(query.since, query.limit)?)
}

pub fn read_traces(db: &Db, query: ReadTraces) -> Result<TraceList, StoreError> {
    Ok(TraceList { spans: db.newest_spans(query.limit)? })
}

pub fn read_runs(db: &Db) -> Result<RunList, StoreError> {
    Ok(RunList { runs: db.runs_newest_first()? })
}

pub fn read_metrics(db: &Db) -> Result<Metrics, StoreError> {
    Ok(metrics(db.metric_counts()?))
}

/// Applies a control action. An action that changes nothing (pausing while paused) answers
/// `applied: false` and records nothing; an applied one is logged, traced and announced.
pub fn control(db: &Db, command: ControlCommand) -> Result<Changed<ControlResult>, StoreError> {
    let started = clock::now();
    let action = command.action();
    let change = match command {
        ControlCommand::Pause => set_paused(db, true)?,
        ControlCommand::Resume => set_paused(db, false)?,
        ControlCommand::CancelRun { run_id } => cancel_run(db, &run_id, started)?,
        ControlCommand::ClearLogs => clear_logs(db)?,
    };
    let (message, mut events) = match change {
        Change::Applied { message, events } => (message, events),
        Change::Unchanged { message } => {
            let reply = ControlResult { action, applied: false, message, at: clock::rfc3339(clock::now()) };
            return Ok(Changed { reply, events: Vec::new() });
        }
    };

    let finished = clock::now();
    let at = clock::rfc3339(finished);
    let reply = ControlResult { action, applied: true, message: message.clone(), at: at.clone() };
    let entry = db.append_log(&at, LogLevel::Info, CONTROL_SOURCE, &message)?;
    let span = TraceSpan {
        trace_id: ids::trace_id()?,
        span_id: ids::span_id()?,
        name: format!("control.{action}"),
        started_at: clock::rfc3339(started),
        duration_ms: clock::elapsed_ms(started, finished),
        status: SpanStatus::Ok,
        run_id: None,
    };
    db.record_span(&span)?;
    events.extend([DashboardEvent::Control(reply.clone()), DashboardEvent::Log(entry), DashboardEvent::Span(span)]);
    Ok(Changed { reply, events })
}

/// Queues a run, unless runs are paused.
pub fn start_run(db: &Db, request: StartRun) -> Result<Changed<TestFlowAccepted>, StoreError> {
    if db.paused()? {
        return Err(StoreError::conflict("runs are paused; resume them before starting a test flow"));
    }
    let run = Run {
        id: ids::uuid()?,
        workflow: request.workflow,
        endpoint: request.endpoint,
        status: RunStatus::Queued,
        started_at: clock::rfc3339(clock::now()),
        finished_at: None,
    };
    db.insert_run(&run)?;
    let message = format!("queued {} run {} against {}", run.workflow, run.id, run.endpoint);
    let entry = db.append_log(&run.started_at, LogLevel::Info, TEST_FLOW_SOURCE, &message)?;
    let reply = TestFlowAccepted { run_id: run.id.clone(), status: run.status };
    Ok(Changed { reply, events: vec![DashboardEvent::Run(run), DashboardEvent::Log(entry)] })
}

/// What a control action did to the records, before it is logged and traced.
enum Change {
    Applied { message: String, events: Vec<DashboardEvent> },
    Unchanged { message: String },
}

fn set_paused(db: &Db, paused: bool) -> Result<Change, StoreError> {
    // Read first (from memory, once the object knows the flag), so that an action that changes nothing (a
    // repeated pause) writes nothing. A single `UPDATE … WHERE value <> ? RETURNING` counts as a write to the
    // Durable Object's storage even when it matches no row, and made a repeated pause 7% dearer in CPU
    // (`bench/optimisations/11-fewer-statements-and-crossings.json`).
    if db.paused()? == paused {
        let message = if paused { "runs are already paused" } else { "runs are not paused" };
        return Ok(Change::Unchanged { message: message.to_owned() });
    }
    db.set_paused(paused)?;
    let message = if paused { "paused: new test flows are refused" } else { "resumed: new test flows are accepted" };
    Ok(Change::Applied { message: message.to_owned(), events: Vec::new() })
}

fn cancel_run(db: &Db, run_id: &str, at: chrono::DateTime<chrono::Utc>) -> Result<Change, StoreError> {
    let Some(mut run) = db.run(run_id)? else {
        return Err(StoreError::not_found(format!("no run has the id {run_id}")));
    };
    if is_finished(run.status) {
        return Err(StoreError::conflict(format!("run {run_id} has already finished ({})", run.status)));
    }
    let finished_at = clock::rfc3339(at);
    db.finish_run(run_id, RunStatus::Cancelled, &finished_at)?;
    run.status = RunStatus::Cancelled;
    run.finished_at = Some(finished_at);
    Ok(Change::Applied { message: format!("cancelled run {run_id}"), events: vec![DashboardEvent::Run(run)] })
}

fn clear_logs(db: &Db) -> Result<Change, StoreError> {
    let removed = db.clear_logs()?;
    let noun = if removed == 1 { "entry" } else { "entries" };
    Ok(Change::Applied { message: format!("cleared {removed} log {noun}"), events: Vec::new() })
}

fn is_finished(status: RunStatus) -> bool {
    matches!(status, RunStatus::Succeeded | RunStatus::Failed | RunStatus::Cancelled)
}

/// Metrics from per-level and per-status counts: every level and status is listed, zero when it has no
/// records, and the success rate is left out until some run has finished.
fn metrics(MetricCounts { logs: log_counts, runs: run_counts, paused }: MetricCounts) -> Metrics {
    let with_zeros = |names: &mut dyn Iterator<Item = &'static str>, counts: BTreeMap<String, i64>| {
        let mut all: BTreeMap<String, i64> = names.map(|name| (name.to_owned(), 0)).collect();
        all.extend(counts);
        all
    };
    let logs_by_level = with_zeros(&mut LogLevel::ALL.iter().map(|level| level.as_str()), log_counts);
    let runs_by_status = with_zeros(&mut RunStatus::ALL.iter().map(|status| status.as_str()), run_counts);
    let count = |status: RunStatus| runs_by_status.get(status.as_str()).copied().unwrap_or(0);
    let finished: i64 = RunStatus::ALL.into_iter().filter(|status| is_finished(*status)).map(count).sum();
    let success_rate = (finished > 0).then(|| count(RunStatus::Succeeded) as f64 / finished as f64);
    Metrics {
        logs_total: logs_by_level.values().sum(),
        logs_by_level,
        runs_total: runs_by_status.values().sum(),
        runs_by_status,
        success_rate,
        paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(name, count)| (name.to_string(), *count)).collect()
    }

    #[test]
    fn metrics_list_every_level_and_status() {
        let metrics = metrics(MetricCounts {
            logs: counts(&[("info", 3), ("error", 1)]),
            runs: counts(&[("queued", 2)]),
            paused: true,
        });
        assert_eq!(metrics.logs_total, 4);
        assert_eq!(metrics.logs_by_level, counts(&[("debug", 0), ("info", 3), ("warn", 0), ("error", 1)]));
        assert_eq!(metrics.runs_total, 2);
        assert_eq!(metrics.runs_by_status.len(), RunStatus::ALL.len());
        assert_eq!(metrics.runs_by_status["queued"], 2);
        assert_eq!(metrics.success_rate, None, "no run has finished");
        assert!(metrics.paused);
    }

    #[test]
    fn success_rate_counts_finished_runs_only() {
        let runs = counts(&[("queued", 5), ("running", 1), ("succeeded", 3), ("failed", 1)]);
        let metrics = metrics(MetricCounts { logs: BTreeMap::new(), runs, paused: false });
        assert_eq!(metrics.success_rate, Some(0.75));
        let runs = counts(&[("succeeded", 1), ("cancelled", 1)]);
        assert_eq!(super::metrics(MetricCounts { logs: BTreeMap::new(), runs, paused: false }).success_rate, Some(0.5));
    }

    #[test]
    fn only_queued_and_running_runs_can_be_cancelled() {
        let open: Vec<RunStatus> = RunStatus::ALL.into_iter().filter(|status| !is_finished(*status)).collect();
        assert_eq!(open, [RunStatus::Queued, RunStatus::Running]);
    }
}
