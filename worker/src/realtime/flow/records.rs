//! What a run's progress writes, logs, traces and announces: it starts, each step becomes a span and a log
//! entry, and it ends. Like the store's other rules, each function runs synchronously inside the Durable
//! Object, so a check (is the run still running?) and the write that depends on it cannot be interleaved
//! with a `cancel_run`.

use chrono::{DateTime, Utc};

use super::super::commands::TEST_FLOW_SOURCE;
use crate::api::types::{LogLevel, Run, RunStatus, SpanStatus, TraceSpan};
use crate::clock;
use crate::ids;
use crate::store::{DashboardEvent, Db, StoreError};

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// What the step found.
    Succeeded(String),
    /// Why the step failed; the run fails with it.
    Failed(String),
    /// The run was cancelled while the step was in flight; the step was aborted.
    Cancelled,
}

/// One finished step of a run.
pub struct Step<'a> {
    pub run: &'a Run,
    pub trace_id: &'a str,
    pub method: &'static str,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub outcome: StepOutcome,
}

/// Moves a queued run to running; `None` when it is no longer queued (it was cancelled first).
pub fn begin(db: &Db, run: &Run) -> Result<Option<(Run, Vec<DashboardEvent>)>, StoreError> {
    if !db.start_run(&run.id)? {
        return Ok(None);
    }
    let running = Run { status: RunStatus::Running, ..run.clone() };
    let message = format!("running {} run {}: {} steps", run.workflow, run.id, step_count(run));
    let entry = db.append_log(&clock::rfc3339(clock::now()), LogLevel::Info, TEST_FLOW_SOURCE, &message)?;
    Ok(Some((running.clone(), vec![DashboardEvent::Run(running), DashboardEvent::Log(entry)])))
}

/// Records a step as a span of the run's trace and a log entry.
pub fn step(db: &Db, step: &Step<'_>) -> Result<Vec<DashboardEvent>, StoreError> {
    let duration_ms = clock::elapsed_ms(step.started, step.finished);
    let (status, level, message) = match &step.outcome {
        StepOutcome::Succeeded(found) => {
            (SpanStatus::Ok, LogLevel::Info, format!("{} succeeded in {duration_ms:.0} ms: {found}", step.method))
        }
        StepOutcome::Failed(problem) => {
            (SpanStatus::Error, LogLevel::Error, format!("{} failed after {duration_ms:.0} ms: {problem}", step.method))
        }
        StepOutcome::Cancelled => (
            SpanStatus::Error,
            LogLevel::Warn,
            format!("{} aborted after {duration_ms:.0} ms: the run was cancelled", step.method),
        ),
    };
    let span = TraceSpan {
        trace_id: step.trace_id.to_owned(),
        span_id: ids::span_id()?,
        name: format!("mcp.{}", step.method),
        started_at: clock::rfc3339(step.started),
        duration_ms,
        status,
        run_id: Some(step.run.id.clone()),
    };
    db.record_span(&span)?;
    let message = format!("run {}: {message}", step.run.id);
    let entry = db.append_log(&clock::rfc3339(step.finished), level, TEST_FLOW_SOURCE, &message)?;
    Ok(vec![DashboardEvent::Span(span), DashboardEvent::Log(entry)])
}

/// Ends a running run as succeeded or failed; nothing when it is no longer running (cancelled meanwhile).
pub fn end(db: &Db, run: &Run, status: RunStatus, reason: &str) -> Result<Vec<DashboardEvent>, StoreError> {
    let Some(mut current) = db.run(&run.id)? else { return Ok(Vec::new()) };
    if current.status != RunStatus::Running {
        return Ok(Vec::new());
    }
    let finished_at = clock::rfc3339(clock::now());
    db.finish_run(&run.id, status, &finished_at)?;
    current.status = status;
    current.finished_at = Some(finished_at.clone());
    let level = if status == RunStatus::Succeeded { LogLevel::Info } else { LogLevel::Error };
    let message = format!("run {} {status}: {reason}", run.id);
    let entry = db.append_log(&finished_at, level, TEST_FLOW_SOURCE, &message)?;
    Ok(vec![DashboardEvent::Run(current), DashboardEvent::Log(entry)])
}

/// Fails a run found running with nothing executing it: the object was restarted in the middle of it.
pub fn interrupted(db: &Db, run: &Run) -> Result<Vec<DashboardEvent>, StoreError> {
    end(db, run, RunStatus::Failed, "interrupted: the runtime restarted while it ran; start it again")
}

fn step_count(run: &Run) -> usize {
    crate::api::test_flows::steps(run.workflow).len()
}
