//! The `RealtimeSession` Durable Object: the single home of the dashboard's records and of its live
//! subscribers.
//!
//! It answers three kinds of request: store requests from the worker (`POST` [`STORE_URL`]), and the two
//! stream routes the generated dispatch forwards, `/events` (SSE) and `/mcp` (WebSocket). Every change a
//! store request makes is broadcast to both kinds of subscriber.

mod commands;
mod jsonrpc;
mod socket;
mod sse;

use std::cell::OnceCell;

use codegen_runtime::ApiError;
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, State, WebSocket, WebSocketIncomingMessage,
};

use crate::api::bindings::Bindings;
use crate::health;
use crate::store::{
    ControlCommand, DashboardEvent, Db, ReadLogs, ReadMetrics, ReadRuns, ReadTraces, StartRun, StoreError, StoreQuery,
    StoreRequest, STORE_URL,
};
use commands::Changed;

/// One instance ("shared") holds every record; the WebSocket handlers are exported for hibernation.
#[durable_object(websocket)]
pub struct RealtimeSession {
    state: State,
    env: Env,
    /// Opened (and the schema created) by the first store request this instance serves.
    db: OnceCell<Db>,
    subscribers: sse::Subscribers,
}

impl DurableObject for RealtimeSession {
    fn new(state: State, env: Env) -> Self {
        Self { state, env, db: OnceCell::new(), subscribers: sse::Subscribers::default() }
    }

    async fn fetch(&self, request: Request) -> worker::Result<Response> {
        let url = request.url()?;
        match (request.method(), url.path()) {
            (Method::Post, "/store") => self.serve_store(request).await,
            (_, "/events") => {
                let health = health::report(&Bindings::new(self.env.clone()));
                self.subscribers.subscribe(&DashboardEvent::Health(health))
            }
            (_, "/mcp") => socket::upgrade(&self.state, &request),
            (method, path) => ApiError::not_found(format!("no route for {method} {path}")).into_response(),
        }
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
                return Response::from_json(&Err::<(), _>(StoreError::Internal));
            }
        };
        let db = match self.db() {
            Ok(db) => db,
            Err(error) => return Response::from_json(&Err::<(), _>(error)),
        };
        match request {
            StoreRequest::ReadLogs(query) => reply::<ReadLogs>(commands::read_logs(db, query)),
            StoreRequest::ReadTraces(query) => reply::<ReadTraces>(commands::read_traces(db, query)),
            StoreRequest::ReadRuns(ReadRuns {}) => reply::<ReadRuns>(commands::read_runs(db)),
            StoreRequest::ReadMetrics(ReadMetrics {}) => reply::<ReadMetrics>(commands::read_metrics(db)),
            StoreRequest::Control(command) => self.publish_and_reply::<ControlCommand>(commands::control(db, command)),
            StoreRequest::StartRun(start) => self.publish_and_reply::<StartRun>(commands::start_run(db, start)),
        }
    }

    fn db(&self) -> Result<&Db, StoreError> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open(self.state.storage().sql())?;
        Ok(self.db.get_or_init(|| db))
    }

    fn publish_and_reply<Q: StoreQuery>(
        &self,
        outcome: Result<Changed<Q::Reply>, StoreError>,
    ) -> worker::Result<Response> {
        let outcome = outcome.map(|Changed { reply, events }| {
            for event in &events {
                self.subscribers.publish(event);
                socket::broadcast(&self.state, event);
            }
            reply
        });
        reply::<Q>(outcome)
    }
}

/// The wire answer to query `Q`; naming `Q` makes the compiler check the answer is its reply type.
fn reply<Q: StoreQuery>(outcome: Result<Q::Reply, StoreError>) -> worker::Result<Response> {
    Response::from_json(&outcome)
}
