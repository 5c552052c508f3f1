//! The `RealtimeSession` Durable Object: the single home of the dashboard's records, of its live
//! subscribers and of the test-flow runs in progress.
//!
//! It answers three kinds of request: store requests from the worker (`POST` [`STORE_URL`]), and the two
//! stream routes the generated dispatch forwards, `/events` (SSE) and `/mcp` (WebSocket). Every change a
//! store request or a run makes is stored, then broadcast to both kinds of subscriber.

mod commands;
mod flow;
mod jsonrpc;
mod socket;
mod sse;

use std::cell::OnceCell;
use std::rc::Rc;

use codegen_runtime::ApiError;
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, ResponseBody, State, WebSocket,
    WebSocketIncomingMessage,
};

use crate::api::bindings::Bindings;
use crate::api::streams::EVENTS;
use crate::health;
use crate::store::{
    Answer, ControlCommand, DashboardEvent, Db, ReadLogs, ReadMetrics, ReadRuns, ReadTraces, StartRun, StoreError,
    StoreQuery, StoreRequest, ANSWERED, STORE_URL,
};
use commands::Changed;

/// One instance ("shared") holds every record. Without an argument the attribute exports every handler:
/// the hibernating WebSocket ones and `alarm`, which recovers runs (nothing calls `connect`).
#[durable_object]
pub struct RealtimeSession {
    hub: Rc<Hub>,
    env: Env,
}

/// What the object's handlers share with the runs executing in the background.
pub struct Hub {
    state: State,
    /// Opened (and the schema created or migrated) by the first request that needs it.
    db: OnceCell<Db>,
    subscribers: sse::Subscribers,
    runs: flow::ActiveRuns,
}

impl DurableObject for RealtimeSession {
    fn new(state: State, env: Env) -> Self {
        let hub = Hub {
            state,
            db: OnceCell::new(),
            subscribers: sse::Subscribers::default(),
            runs: flow::ActiveRuns::default(),
        };
        Self { hub: Rc::new(hub), env }
    }

    async fn fetch(&self, request: Request) -> worker::Result<Response> {
        // The path `worker::Request` already holds: parsing the whole URL again is a cost on every store call.
        match (request.method(), request.path().as_str()) {
            (Method::Post, "/store") => self.serve_store(request).await,
            (_, path) if path == EVENTS.path => self.subscribe(&request),
            (_, "/mcp") => socket::upgrade(&self.hub.state, &request),
            (method, path) => {
                ApiError::not_found(format!("no route for {method} {path}")).into_response().into_worker()
            }
        }
    }

    /// The recovery alarm set when a run is queued (see [`flow`]).
    async fn alarm(&self) -> worker::Result<Response> {
        let still_active = flow::recover(&self.hub);
        if let Some(deadline) = still_active.iter().map(flow::recovery_deadline).max() {
            self.hub.state.storage().set_alarm(deadline).await?;
        }
        Response::empty()
    }

    async fn websocket_message(&self, socket: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        socket::on_message(&socket, message);
        Ok(())
    }

    async fn websocket_close(
        &self,
        socket: WebSocket,
        code: usize,
        reason: String,
        _clean: bool,
    ) -> worker::Result<()> {
        socket::on_close(&socket, code, &reason);
        Ok(())
    }

    async fn websocket_error(&self, _socket: WebSocket, error: worker::Error) -> worker::Result<()> {
        // The runtime closes the socket; a client that vanished mid-frame is no failure of this worker.
        worker::console_warn!("MCP socket error: {error}");
        Ok(())
    }
}

impl RealtimeSession {
    /// Answers one store request and broadcasts what it changed.
    async fn serve_store(&self, mut request: Request) -> worker::Result<Response> {
        let request: StoreRequest = match request.json().await {
            Ok(request) => request,
            Err(error) => {
                // Only the worker sends these, from the same types: a mismatch is a bug worth seeing.
                worker::console_error!("unreadable store request to {STORE_URL}: {error}");
                return refuse(&StoreError::Internal);
            }
        };
        let db = match self.hub.db() {
            Ok(db) => db,
            Err(error) => return refuse(&error),
        };
        match request {
            StoreRequest::ReadLogs(query) => reply::<ReadLogs>(commands::read_logs(db, query)),
            StoreRequest::ReadTraces(query) => reply::<ReadTraces>(commands::read_traces(db, query)),
            StoreRequest::ReadRuns(ReadRuns {}) => reply::<ReadRuns>(commands::read_runs(db)),
            StoreRequest::ReadMetrics(ReadMetrics {}) => reply::<ReadMetrics>(commands::read_metrics(db)),
            StoreRequest::Control(command) => {
                let cancelled = match &command {
                    ControlCommand::CancelRun { run_id } => Some(run_id.clone()),
                    _ => None,
                };
                let outcome = self.hub.publish_changed(commands::control(db, command));
                // The cancel is recorded; now the run's in-flight step stops, too.
                if let (Ok(result), Some(run_id)) = (&outcome, cancelled) {
                    if result.applied {
                        self.hub.runs.cancel(&run_id);
                    }
                }
                reply::<ControlCommand>(outcome)
            }
            StoreRequest::StartRun(start) => {
                let outcome = self.hub.publish_changed(commands::start_run(db, start));
                if let Ok(accepted) = &outcome {
                    self.start(db, &accepted.run_id).await;
                }
                reply::<StartRun>(outcome)
            }
        }
    }

    /// Starts executing a queued run, with a recovery alarm in case the object restarts before it ends.
    async fn start(&self, db: &Db, run_id: &str) {
        let run = match db.run(run_id) {
            Ok(Some(run)) => run,
            // The run was inserted in this same request; only a storage failure (already logged) hides it.
            _ => return,
        };
        let deadline = flow::recovery_deadline(&run);
        let storage = self.hub.state.storage();
        // An earlier alarm that fires later than this one's deadline is brought forward; one due sooner is
        // kept, and re-arms itself for the runs still executing when it fires.
        let due_ms = storage.get_alarm().await.ok().flatten();
        if due_ms.is_none_or(|due_ms| due_ms > deadline.timestamp_millis()) {
            if let Err(error) = storage.set_alarm(deadline).await {
                worker::console_warn!("cannot set the run recovery alarm: {error}");
            }
        }
        flow::spawn(&self.hub, run);
    }

    /// Opens an event stream, replaying the stored events after the client's `Last-Event-ID`.
    fn subscribe(&self, request: &Request) -> worker::Result<Response> {
        let header = request.headers().get("Last-Event-ID")?;
        let after = match sse::last_event_id(header.as_deref()) {
            Ok(after) => after,
            Err(error) => return error.into_response().into_worker(),
        };
        let missed = match after {
            None => Vec::new(),
            Some(after) => match self.hub.db().and_then(|db| Ok(db.events_after(after)?)) {
                Ok(missed) => missed,
                Err(_) => return ApiError::internal("internal error").into_response().into_worker(),
            },
        };
        let health = health::report(&Bindings::new(self.env.clone()));
        self.hub.subscribers.subscribe(&DashboardEvent::Health(health), &missed, EVENTS.heartbeat)
    }
}

impl Hub {
    fn db(&self) -> Result<&Db, StoreError> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open(self.state.storage().sql())?;
        Ok(self.db.get_or_init(|| db))
    }

    /// Stores each event (its id becomes the SSE `id`) and broadcasts it to every subscriber.
    fn publish(&self, events: &[DashboardEvent]) {
        for event in events {
            let data = match event.payload_json() {
                Ok(data) => data,
                Err(error) => {
                    worker::console_warn!("cannot serialize a {} event: {error}", event.name());
                    continue;
                }
            };
            // A live subscriber still gets an event that could not be stored; only a replay would miss it.
            let id = self.db().and_then(|db| Ok(db.append_event(event.name(), &data)?)).ok();
            self.subscribers.publish(id, event.name(), &data);
            socket::broadcast(&self.state, event);
        }
    }

    /// Publishes the events of a change and returns its reply.
    fn publish_changed<T>(&self, outcome: Result<Changed<T>, StoreError>) -> Result<T, StoreError> {
        outcome.map(|Changed { reply, events }| {
            self.publish(&events);
            reply
        })
    }

    /// Publishes what a run's progress recorded; a storage failure was logged where it happened.
    fn record(&self, outcome: Result<Vec<DashboardEvent>, StoreError>) {
        if let Ok(events) = outcome {
            self.publish(&events);
        }
    }
}

/// The wire answer to query `Q`; naming `Q` makes the compiler check the answer is its reply type (or
/// JSON made for one). No header is set: the worker reads the status and the body only.
fn reply<Q: StoreQuery>(outcome: Result<impl Answer<Q::Reply>, StoreError>) -> worker::Result<Response> {
    match outcome {
        Ok(answer) => Ok(Response::from_body(ResponseBody::Body(answer.into_json()?))?.with_status(ANSWERED)),
        Err(error) => refuse(&error),
    }
}

fn refuse(error: &StoreError) -> worker::Result<Response> {
    Ok(Response::from_body(ResponseBody::Body(serde_json::to_vec(error)?))?.with_status(error.status()))
}
