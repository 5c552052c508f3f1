//! What the worker may ask of the store, and what each question is answered with.
//!
//! Each query is its own type whose [`StoreQuery::Reply`] names the answer, so the worker's call site and
//! the Durable Object's handler are both checked by the compiler against the same pairing. On the wire a
//! request is one JSON [`StoreRequest`], carried in the URL ([`StoreRequest::to_url`]); the answer is the
//! reply's JSON with status [`ANSWERED`], or a [`StoreError`]'s with the status of its kind. The reply's
//! JSON is the route's response body as it is, so it carries nothing else.

use std::borrow::Cow;

use codegen_runtime::ApiError;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::api::types::{
    ControlAction, ControlResult, LogPage, Metrics, RunList, TestFlowAccepted, TraceList, Workflow,
};

/// Where the worker sends store requests. The generated dispatch forwards only `/events` and `/mcp` to the
/// Durable Object, so no outside request can reach this path.
pub const STORE_URL: &str = "https://realtime.internal/store";

/// The status of an answer whose body is the query's reply.
pub const ANSWERED: u16 = 200;

/// A question for the store and the type of its answer.
pub trait StoreQuery: Into<StoreRequest> {
    type Reply: Serialize + DeserializeOwned;
}

/// Log entries with an id above `since`, oldest first, at most `limit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadLogs {
    pub limit: i64,
    pub since: i64,
}

/// The newest `limit` trace spans, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadTraces {
    pub limit: i64,
}

/// Every run, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadRuns {}

/// Counters computed from the stored records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadMetrics {}

/// A control action with exactly the arguments it needs; the worker builds it from a validated
/// `ControlRequest`, so a `cancel_run` without a run id cannot be expressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ControlCommand {
    Pause,
    Resume,
    CancelRun { run_id: String },
    ClearLogs,
}

impl ControlCommand {
    pub fn action(&self) -> ControlAction {
        match self {
            Self::Pause => ControlAction::Pause,
            Self::Resume => ControlAction::Resume,
            Self::CancelRun { .. } => ControlAction::CancelRun,
            Self::ClearLogs => ControlAction::ClearLogs,
        }
    }
}

/// Queue a diagnostic run against an MCP endpoint (already checked to be an http(s) URL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartRun {
    pub endpoint: String,
    pub workflow: Workflow,
}

/// One request to the store, as sent over the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", content = "args", rename_all = "snake_case")]
pub enum StoreRequest {
    ReadLogs(ReadLogs),
    ReadTraces(ReadTraces),
    ReadRuns(ReadRuns),
    ReadMetrics(ReadMetrics),
    Control(ControlCommand),
    StartRun(StartRun),
}

impl StoreRequest {
    /// The URL the worker `POST`s this request to: [`STORE_URL`], with the request's JSON percent-encoded
    /// as the query. Every request is small (the largest carries a run's endpoint URL, whose length the
    /// spec bounds), and a request without a body spares both sides a body stream, and the Durable Object
    /// the promise that reads it: most store answers are then ready on their first poll.
    pub fn to_url(&self) -> serde_json::Result<String> {
        let json = serde_json::to_string(self)?;
        Ok(format!("{STORE_URL}?{}", utf8_percent_encode(&json, NON_ALPHANUMERIC)))
    }

    /// The request whose URL has `query` (without its `?`) as query, as [`Self::to_url`] made it.
    pub fn from_query(query: &str) -> Result<Self, String> {
        let json = percent_decode_str(query).decode_utf8().map_err(|error| error.to_string())?;
        serde_json::from_str(&json).map_err(|error| error.to_string())
    }
}

/// Pairs each query with its `StoreRequest` variant and its reply type.
macro_rules! queries {
    ($($query:ident => $variant:ident => $reply:ty,)*) => {$(
        impl StoreQuery for $query {
            type Reply = $reply;
        }

        impl From<$query> for StoreRequest {
            fn from(query: $query) -> Self {
                Self::$variant(query)
            }
        }
    )*};
}

queries! {
    ReadLogs => ReadLogs => LogPage,
    ReadTraces => ReadTraces => TraceList,
    ReadRuns => ReadRuns => RunList,
    ReadMetrics => ReadMetrics => Metrics,
    ControlCommand => Control => ControlResult,
    StartRun => StartRun => TestFlowAccepted,
}

/// Why the store refused or failed a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum StoreError {
    /// The request names a record that does not exist.
    NotFound(String),
    /// The request does not apply in the current state.
    Conflict(String),
    /// Storage failed; the Durable Object logged the detail, the caller learns nothing more.
    Internal,
}

impl StoreError {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    /// The status the Durable Object answers this error with; never [`ANSWERED`].
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Internal => 500,
        }
    }
}

/// A runtime failure inside the Durable Object is logged there, where operators look, and answered as
/// `Internal`, mirroring how the generated plumbing treats runtime failures in the worker.
impl From<worker::Error> for StoreError {
    fn from(error: worker::Error) -> Self {
        worker::console_error!("store failure: {error}");
        Self::Internal
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(message) => ApiError::not_found(Cow::Owned(message)),
            StoreError::Conflict(message) => ApiError::conflict(Cow::Owned(message)),
            StoreError::Internal => ApiError::internal("internal error"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_have_a_stable_wire_form() {
        let cases = [
            (
                StoreRequest::from(ReadLogs { limit: 2, since: 7 }),
                json!({"op": "read_logs", "args": {"limit": 2, "since": 7}}),
            ),
            (StoreRequest::from(ReadRuns {}), json!({"op": "read_runs", "args": {}})),
            (
                StoreRequest::from(ControlCommand::CancelRun { run_id: "r".into() }),
                json!({"op": "control", "args": {"action": "cancel_run", "run_id": "r"}}),
            ),
            (StoreRequest::from(ControlCommand::Pause), json!({"op": "control", "args": {"action": "pause"}})),
            (
                StoreRequest::from(StartRun {
                    endpoint: "https://mcp.example.com/mcp".into(),
                    workflow: Workflow::Tools,
                }),
                json!({"op": "start_run", "args": {"endpoint": "https://mcp.example.com/mcp", "workflow": "tools"}}),
            ),
        ];
        for (request, wire) in cases {
            assert_eq!(serde_json::to_value(&request).expect("serializes"), wire);
            assert_eq!(serde_json::from_value::<StoreRequest>(wire).expect("deserializes"), request);
        }
    }

    #[test]
    fn a_request_crosses_in_its_url_query() {
        let request = StoreRequest::from(StartRun {
            endpoint: "https://mcp.example.com/mcp?a=1&b=%20 #x".into(),
            workflow: Workflow::Tools,
        });
        let url = request.to_url().expect("serializes");
        let query = url.strip_prefix(&format!("{STORE_URL}?")).expect("the store URL, then the query");
        // Nothing a URL parser would rewrite, split on or cut off.
        assert!(query.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'%'), "{query}");
        assert_eq!(StoreRequest::from_query(query), Ok(request));
        assert!(StoreRequest::from_query("%7B%22op%22").unwrap_err().contains("EOF"));
        assert!(StoreRequest::from_query("%FF").unwrap_err().contains("utf-8"));
    }

    #[test]
    fn errors_have_a_stable_wire_form() {
        let refused = StoreError::conflict("runs are paused");
        let wire = serde_json::to_value(&refused).expect("serializes");
        assert_eq!(wire, json!({"kind": "conflict", "message": "runs are paused"}));
        assert_eq!(serde_json::from_value::<StoreError>(wire).expect("deserializes"), refused);
        assert_eq!(serde_json::to_value(StoreError::Internal).expect("serializes"), json!({"kind": "internal"}));
    }

    #[test]
    fn store_errors_become_api_errors_of_their_status() {
        for error in [StoreError::not_found("no run"), StoreError::conflict("paused"), StoreError::Internal] {
            assert_ne!(error.status(), ANSWERED);
            assert_eq!(ApiError::from(error.clone()).status, error.status());
        }
        let internal = ApiError::from(StoreError::Internal);
        assert_eq!((internal.status, internal.message.as_ref()), (500, "internal error"));
    }

    #[test]
    fn commands_name_their_action() {
        assert_eq!(ControlCommand::CancelRun { run_id: String::new() }.action(), ControlAction::CancelRun);
        assert_eq!(ControlCommand::ClearLogs.action(), ControlAction::ClearLogs);
    }
}
