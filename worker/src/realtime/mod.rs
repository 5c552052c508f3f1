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
use std::future::ready;
use std::rc::Rc;

use codegen_runtime::{respond, ApiError, OutgoingResponse, RequestUrl};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::worker_sys::DurableObjectState;
use worker::{web_sys, Env, Request, Response, State, WebSocketIncomingMessage};

use crate::api::bindings::Bindings;
use crate::api::streams::EVENTS;
use crate::health;
use crate::store::{
    Answer, AnswerJson, ControlCommand, DashboardEvent, Db, ReadLogs, ReadMetrics, ReadRuns, ReadTraces, StartRun,
    StoreError, StoreQuery, StoreRequest, ANSWERED, STORE_URL,
};
use commands::Changed;

/// One instance ("shared") holds every record.
///
/// The class is exported by hand rather than with `#[worker::durable_object]`, because every store call
/// (each signed-in dashboard read and each control) passes through it. The macro turns each request into
/// a `worker::Request` (method, URL, headers and `cf` read across the boundary), decodes a JSON body by
/// walking the parsed JavaScript value into Rust field by field, builds its answer through
/// `worker::Response` (a `Headers` object and a `ResponseInit` filled field by field), and runs even an
/// answer that is ready at once through the async executor. Here a store call reads its body as bytes,
/// answers with one `new Response`, and the stream routes, which are rare, convert as before.
#[wasm_bindgen]
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

#[wasm_bindgen(wasm_bindgen_futures = worker::wasm_bindgen_futures)]
impl RealtimeSession {
    #[wasm_bindgen(constructor)]
    pub fn new(state: DurableObjectState, env: Env) -> Self {
        let hub = Hub {
            state: State::from(state),
            db: OnceCell::new(),
            subscribers: sse::Subscribers::default(),
            runs: flow::ActiveRuns::default(),
        };
        Self { hub: Rc::new(hub), env }
    }

    /// Store requests from the worker (`POST` [`STORE_URL`]) and the two stream routes the generated
    /// dispatch forwards, `/events` (SSE) and `/mcp` (WebSocket).
    pub fn fetch(&self, request: web_sys::Request) -> JsValue {
        let url = match RequestUrl::new(request.url()) {
            Ok(url) => url,
            Err(error) => return respond(ready(Err(error))),
        };
        let answer = match (request.method().as_str(), url.path()) {
            ("POST", "/store") => {
                let hub = Rc::clone(&self.hub);
                let query = url.query().unwrap_or_default().to_owned();
                return respond(async move { serve_store(&hub, &query).await });
            }
            (_, path) if path == EVENTS.path => self.subscribe(&Request::from(request)),
            (_, "/mcp") => socket::upgrade(&self.hub.state, &Request::from(request)),
            (method, path) => {
                ApiError::not_found(format!("no route for {method} {path}")).into_response().into_worker()
            }
        };
        respond(ready(answer.map(web_sys::Response::from)))
    }

    /// The recovery alarm set when a run is queued (see [`flow`]).
    pub async fn alarm(&self) -> Result<JsValue, JsValue> {
        let still_active = flow::recover(&self.hub);
        if let Some(deadline) = still_active.iter().map(flow::recovery_deadline).max() {
            self.hub.state.storage().set_alarm(deadline).await?;
        }
        Ok(JsValue::UNDEFINED)
    }

    #[wasm_bindgen(js_name = webSocketMessage)]
    pub fn websocket_message(&self, socket: web_sys::WebSocket, message: JsValue) {
        let message = match message.as_string() {
            Some(text) => WebSocketIncomingMessage::String(text),
            None => WebSocketIncomingMessage::Binary(js_sys::Uint8Array::new(&message).to_vec()),
        };
        socket::on_message(&socket.into(), message);
    }

    #[wasm_bindgen(js_name = webSocketClose)]
    pub fn websocket_close(&self, socket: web_sys::WebSocket, code: usize, reason: String, _clean: bool) {
        socket::on_close(&socket.into(), code, &reason);
    }

    #[wasm_bindgen(js_name = webSocketError)]
    pub fn websocket_error(&self, _socket: web_sys::WebSocket, error: JsValue) {
        // The runtime closes the socket; a client that vanished mid-frame is no failure of this worker.
        worker::console_warn!("MCP socket error: {}", worker::Error::from(error));
    }
}

impl RealtimeSession {
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

/// Answers the store request that `query` (a store URL's query) carries, and broadcasts what it changed.
async fn serve_store(hub: &Rc<Hub>, query: &str) -> worker::Result<web_sys::Response> {
    let request = match StoreRequest::from_query(query) {
        Ok(request) => request,
        Err(error) => {
            // Only the worker sends these, from the same types: a mismatch is a bug worth seeing.
            worker::console_error!("unreadable store request to {STORE_URL}: {error}");
            return refuse(&StoreError::Internal);
        }
    };
    let db = match hub.db() {
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
            let outcome = hub.publish_changed(commands::control(db, command));
            // The cancel is recorded; now the run's in-flight step stops, too.
            if let (Ok(result), Some(run_id)) = (&outcome, cancelled) {
                if result.applied {
                    hub.runs.cancel(&run_id);
                }
            }
            reply::<ControlCommand>(outcome)
        }
        StoreRequest::StartRun(start) => {
            let outcome = hub.publish_changed(commands::start_run(db, start));
            if let Ok(accepted) = &outcome {
                start_run(hub, db, &accepted.run_id).await;
            }
            reply::<StartRun>(outcome)
        }
    }
}

/// Starts executing a queued run, with a recovery alarm in case the object restarts before it ends.
async fn start_run(hub: &Rc<Hub>, db: &Db, run_id: &str) {
    let run = match db.run(run_id) {
        Ok(Some(run)) => run,
        // The run was inserted in this same request; only a storage failure (already logged) hides it.
        _ => return,
    };
    let deadline = flow::recovery_deadline(&run);
    let storage = hub.state.storage();
    // An earlier alarm that fires later than this one's deadline is brought forward; one due sooner is
    // kept, and re-arms itself for the runs still executing when it fires.
    let due_ms = storage.get_alarm().await.ok().flatten();
    if due_ms.is_none_or(|due_ms| due_ms > deadline.timestamp_millis()) {
        if let Err(error) = storage.set_alarm(deadline).await {
            worker::console_warn!("cannot set the run recovery alarm: {error}");
        }
    }
    flow::spawn(hub, run);
}

impl Hub {
    fn db(&self) -> Result<&Db, StoreError> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open(self.state.storage().sql())?;
        Ok(self.db.get_or_init(|| db))
    }

    /// Stores the events (each id becomes the SSE `id`) and broadcasts them to every subscriber.
    fn publish(&self, events: &[DashboardEvent]) {
        let encoded: Vec<(&DashboardEvent, String)> = events
            .iter()
            .filter_map(|event| match event.payload_json() {
                Ok(data) => Some((event, data)),
                Err(error) => {
                    worker::console_warn!("cannot serialize a {} event: {error}", event.name());
                    None
                }
            })
            .collect();
        let stored: Vec<(&str, &str)> = encoded.iter().map(|(event, data)| (event.name(), data.as_str())).collect();
        // Live subscribers still get events that could not be stored; only a replay would miss them.
        let ids = self.db().and_then(|db| Ok(db.append_events(&stored)?)).unwrap_or_default();
        for (index, (name, data)) in stored.iter().enumerate() {
            self.subscribers.publish(ids.get(index).copied(), name, data);
        }
        socket::broadcast(&self.state, encoded.iter().map(|(event, _)| *event));
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
fn reply<Q: StoreQuery>(outcome: Result<impl Answer<Q::Reply>, StoreError>) -> worker::Result<web_sys::Response> {
    match outcome.map(Answer::into_json) {
        Ok(Ok(json)) => json.into_response(ANSWERED),
        Ok(Err(error)) => {
            worker::console_error!("cannot encode a store answer: {error}");
            refuse(&StoreError::Internal)
        }
        Err(error) => refuse(&error),
    }
}

fn refuse(error: &StoreError) -> worker::Result<web_sys::Response> {
    match serde_json::to_vec(error) {
        Ok(json) => AnswerJson::Encoded(json).into_response(error.status()),
        Err(_) => OutgoingResponse::empty(500).into_runtime(),
    }
}
