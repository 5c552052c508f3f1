//! Test-flow runs: the MCP steps of a run's workflow against its endpoint, executed by the Durable Object
//! after it has answered the request that queued the run.
//!
//! A run executes as a task of the object (the object stays alive while the task awaits its subrequests).
//! Each step is raced against the spec's step timeout and against a `cancel_run`, and an aborted step's
//! request is aborted too. An alarm set when a run is queued recovers runs whose task was lost with a
//! restart: a queued one is started, a running one is failed as interrupted.

mod event_stream;
mod mcp;
mod records;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::future::{self, Either};
use worker::{AbortController, Delay};

use super::Hub;
use crate::api::test_flows::{self, McpStep, STEP_TIMEOUT};
use crate::api::types::{Run, RunStatus};
use crate::clock;
use crate::ids;
use crate::store::Db;
use mcp::McpSession;
use records::{Step, StepOutcome};

/// Extra time the recovery alarm allows beyond a run's longest possible duration.
const RECOVERY_MARGIN_MS: i64 = 30_000;

/// How often a step in flight looks whether its run was cancelled.
const CANCEL_CHECK_EVERY: Duration = Duration::from_millis(100);

/// The runs this instance is executing, each with the flag that cancels it.
///
/// A flag the run polls from its own timers, rather than a channel that wakes it: a run's requests belong
/// to the request that queued it, and a wake-up from the `cancel_run` request would continue the run (and
/// abort its fetch) on behalf of that other request, which the runtime refuses for I/O.
#[derive(Default)]
pub struct ActiveRuns {
    cancels: RefCell<BTreeMap<String, Rc<Cell<bool>>>>,
}

impl ActiveRuns {
    /// Stops the run's in-flight step, if this instance is executing it.
    pub fn cancel(&self, run_id: &str) {
        if let Some(cancelled) = self.cancels.borrow_mut().remove(run_id) {
            cancelled.set(true);
        }
    }

    fn is_active(&self, run_id: &str) -> bool {
        self.cancels.borrow().contains_key(run_id)
    }

    fn register(&self, run_id: &str) -> Option<Rc<Cell<bool>>> {
        let mut cancels = self.cancels.borrow_mut();
        if cancels.contains_key(run_id) {
            return None;
        }
        let cancelled = Rc::new(Cell::new(false));
        cancels.insert(run_id.to_owned(), Rc::clone(&cancelled));
        Some(cancelled)
    }

    fn forget(&self, run_id: &str) {
        self.cancels.borrow_mut().remove(run_id);
    }
}

/// Starts executing `run` in the background, unless this instance already is.
pub fn spawn(hub: &Rc<Hub>, run: Run) {
    let Some(cancelled) = hub.runs.register(&run.id) else { return };
    let hub = Rc::clone(hub);
    worker::wasm_bindgen_futures::spawn_local(async move {
        execute(&hub, &run, cancelled).await;
        hub.runs.forget(&run.id);
    });
}

/// When the recovery alarm should fire for a run that starts now: after the longest the run can take.
pub fn recovery_deadline(run: &Run) -> DateTime<Utc> {
    let steps = test_flows::steps(run.workflow).len() as i64;
    clock::now() + TimeDelta::milliseconds(steps * STEP_TIMEOUT.as_millis() as i64 + RECOVERY_MARGIN_MS)
}

/// The recovery alarm: starts queued runs nothing executes and fails running ones nothing executes.
/// Returns the runs still executing, which need another alarm.
pub fn recover(hub: &Rc<Hub>) -> Vec<Run> {
    let Ok(db) = hub.db() else { return Vec::new() };
    let runs = match db.unfinished_runs() {
        Ok(runs) => runs,
        Err(error) => {
            worker::console_warn!("cannot read unfinished runs: {error}");
            return Vec::new();
        }
    };
    let mut still_active = Vec::new();
    for run in runs {
        if hub.runs.is_active(&run.id) {
            still_active.push(run);
        } else if run.status == RunStatus::Queued {
            still_active.push(run.clone());
            spawn(hub, run);
        } else {
            hub.record(records::interrupted(db, &run));
        }
    }
    still_active
}

async fn execute(hub: &Hub, run: &Run, cancelled: Rc<Cell<bool>>) {
    let Ok(db) = hub.db() else { return };
    let run = match records::begin(db, run) {
        Ok(Some((running, events))) => {
            hub.publish(&events);
            running
        }
        Ok(None) => return,
        Err(_) => return,
    };
    let trace_id = match ids::trace_id() {
        Ok(trace_id) => trace_id,
        Err(error) => {
            hub.record(records::end(db, &run, RunStatus::Failed, &format!("no trace id: {error}")));
            return;
        }
    };
    let mut session = McpSession::new(&run.endpoint);
    let ending = run_steps(hub, db, &run, &trace_id, &mut session, &cancelled).await;
    if let Some((status, reason)) = ending {
        hub.record(records::end(db, &run, status, &reason));
        // The server may let go of the session now. A cancelled run sends nothing more to the endpoint.
        end_session(&session).await;
    }
}

/// Performs the steps in order until one fails or the run is cancelled; returns how the run ends, or
/// `None` when it was cancelled (the cancel already ended it).
async fn run_steps(
    hub: &Hub,
    db: &Db,
    run: &Run,
    trace_id: &str,
    session: &mut McpSession,
    cancelled: &Cell<bool>,
) -> Option<(RunStatus, String)> {
    for step in test_flows::steps(run.workflow) {
        // A cancel that arrived as the previous step completed is seen here, before anything is sent.
        if cancelled.get() {
            return None;
        }
        let started = clock::now();
        let outcome = perform(session, *step, cancelled).await;
        let record = Step { run, trace_id, method: step.method(), started, finished: clock::now(), outcome };
        hub.record(records::step(db, &record));
        match record.outcome {
            StepOutcome::Succeeded(_) => {}
            StepOutcome::Cancelled => return None,
            StepOutcome::Failed(problem) => {
                return Some((RunStatus::Failed, format!("{} failed: {problem}", step.method())));
            }
        }
    }
    Some((RunStatus::Succeeded, format!("all {} steps succeeded", test_flows::steps(run.workflow).len())))
}

/// Ends the MCP session, if the server opened one, within the step timeout; the run's outcome is already
/// recorded, so a server that refuses (405 is allowed) changes nothing.
async fn end_session(session: &McpSession) {
    let controller = AbortController::default();
    let signal = controller.signal();
    let _ = future::select(Box::pin(session.end(&signal)), Box::pin(Delay::from(STEP_TIMEOUT))).await;
    controller.abort();
}

/// One step, raced against the step timeout and a cancel. The step's request is aborted when either wins,
/// and after a success too, so a server that keeps its event stream open does not hold the connection.
async fn perform(session: &mut McpSession, step: McpStep, cancelled: &Cell<bool>) -> StepOutcome {
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = Box::pin(session.call(step, &signal));
    let timeout = Box::pin(Delay::from(STEP_TIMEOUT));
    let cancel = Box::pin(async {
        while !cancelled.get() {
            Delay::from(CANCEL_CHECK_EVERY).await;
        }
    });
    let outcome = match future::select(future::select(call, timeout), cancel).await {
        Either::Left((Either::Left((Ok(found), _)), _)) => StepOutcome::Succeeded(found),
        Either::Left((Either::Left((Err(problem), _)), _)) => StepOutcome::Failed(problem),
        Either::Left((Either::Right(_), _)) => {
            StepOutcome::Failed(format!("no answer within {} s (the step timeout)", STEP_TIMEOUT.as_secs()))
        }
        Either::Right(_) => StepOutcome::Cancelled,
    };
    controller.abort();
    outcome
}
