//! The dashboard's records (logs, trace spans, runs, the paused flag) and the typed protocol through which
//! the worker reads and changes them.
//!
//! The records live in the SQLite storage of one Durable Object instance (`RealtimeSession` named
//! "shared"), which serialises every change and broadcasts it to the live subscribers it holds. The worker
//! never speaks SQL: it sends a [`StoreRequest`] and gets back the reply type its query names.

mod client;
mod db;
mod encoded;
mod events;
mod protocol;
mod sql;

pub use client::Store;
pub use db::{Db, MetricCounts, StoredEvent};
pub use encoded::{Answer, AnswerJson, LogPageJson};
pub use events::DashboardEvent;
pub use protocol::{
    ControlCommand, ReadLogs, ReadMetrics, ReadRuns, ReadTraces, StartRun, StoreError, StoreQuery, StoreRequest,
    ANSWERED, STORE_URL,
};
