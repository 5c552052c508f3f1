//! The SQLite schema of the `RealtimeSession` Durable Object and one typed function per statement.
//!
//! Rows are read straight into the generated API types: the selected column names are the field names, and
//! enum columns hold the wire values (`info`, `queued`, …) that the generated types deserialize.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use crate::api::types::{LogEntry, LogLevel, Run, RunStatus, TraceSpan};

/// Every statement is idempotent, so the schema is created (or found) the first time an instance opens it.
const SCHEMA: &[&str] = &[
    // AUTOINCREMENT: ids are never reused, even after the log is cleared, so a client's `since` cursor
    // stays meaningful.
    "CREATE TABLE IF NOT EXISTS logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        timestamp TEXT NOT NULL,
        level TEXT NOT NULL,
        source TEXT NOT NULL,
        message TEXT NOT NULL
    )",
    // `seq` orders spans by insertion; their timestamps can tie within one millisecond.
    "CREATE TABLE IF NOT EXISTS spans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        name TEXT NOT NULL,
        started_at TEXT NOT NULL,
        duration_ms REAL NOT NULL,
        status TEXT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        workflow TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
    )",
    "CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at, seq)",
    "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/// The `state` key of the paused flag.
const PAUSED: &str = "paused";

/// Typed access to the Durable Object's SQLite database.
pub struct Db {
    sql: SqlStorage,
}

impl Db {
    /// Opens the database, creating the schema where it is missing.
    pub fn open(sql: SqlStorage) -> worker::Result<Self> {
        for statement in SCHEMA {
            sql.exec(statement, None)?;
        }
        Ok(Self { sql })
    }

    /// Appends a log entry and returns it with its new id.
    pub fn append_log(
        &self,
        timestamp: &str,
        level: LogLevel,
        source: &str,
        message: &str,
    ) -> worker::Result<LogEntry> {
        let id = self.single::<IdRow>(
            "INSERT INTO logs (timestamp, level, source, message) VALUES (?, ?, ?, ?) RETURNING id",
            vec![timestamp.into(), level.as_str().into(), source.into(), message.into()],
        )?;
        Ok(LogEntry {
            id: id.id,
            timestamp: timestamp.to_owned(),
            level,
            source: source.to_owned(),
            message: message.to_owned(),
        })
    }

    /// Entries with an id above `since`, oldest first, at most `limit`.
    pub fn logs_after(&self, since: i64, limit: i64) -> worker::Result<Vec<LogEntry>> {
        self.rows(
            "SELECT id, timestamp, level, source, message FROM logs WHERE id > ? ORDER BY id LIMIT ?",
            vec![since.into(), limit.into()],
        )
    }

    /// Deletes every log entry and returns how many there were.
    pub fn clear_logs(&self) -> worker::Result<i64> {
        let count = self.single::<CountRow>("SELECT COUNT(*) AS count FROM logs", Vec::new())?.count;
        self.sql.exec("DELETE FROM logs", None)?;
        Ok(count)
    }

    pub fn record_span(&self, span: &TraceSpan) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO spans (trace_id, span_id, name, started_at, duration_ms, status) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                span.trace_id.as_str().into(),
                span.span_id.as_str().into(),
                span.name.as_str().into(),
                span.started_at.as_str().into(),
                span.duration_ms.into(),
                span.status.as_str().into(),
            ],
        )?;
        Ok(())
    }

    /// The newest `limit` spans, newest first.
    pub fn newest_spans(&self, limit: i64) -> worker::Result<Vec<TraceSpan>> {
        self.rows(
            "SELECT trace_id, span_id, name, started_at, duration_ms, status FROM spans ORDER BY seq DESC LIMIT ?",
            vec![limit.into()],
        )
    }

    pub fn insert_run(&self, run: &Run) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO runs (id, workflow, endpoint, status, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                run.id.as_str().into(),
                run.workflow.as_str().into(),
                run.endpoint.as_str().into(),
                run.status.as_str().into(),
                run.started_at.as_str().into(),
                run.finished_at.as_deref().into(),
            ],
        )?;
        Ok(())
    }

    pub fn run(&self, id: &str) -> worker::Result<Option<Run>> {
        let mut runs: Vec<Run> = self.rows(
            "SELECT id, workflow, endpoint, status, started_at, finished_at FROM runs WHERE id = ?",
            vec![id.into()],
        )?;
        Ok(runs.pop())
    }

    /// Every run, newest first; runs started within the same millisecond keep their insertion order.
    pub fn runs_newest_first(&self) -> worker::Result<Vec<Run>> {
        self.rows(
            "SELECT id, workflow, endpoint, status, started_at, finished_at FROM runs ORDER BY started_at DESC, seq DESC",
            Vec::new(),
        )
    }

    /// Sets a run's status and finish time.
    pub fn finish_run(&self, id: &str, status: RunStatus, finished_at: &str) -> worker::Result<()> {
        self.sql.exec(
            "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
            vec![status.as_str().into(), finished_at.into(), id.into()],
        )?;
        Ok(())
    }

    /// Whether new runs are held; false until the first pause.
    pub fn paused(&self) -> worker::Result<bool> {
        let rows: Vec<ValueRow> = self.rows("SELECT value FROM state WHERE key = ?", vec![PAUSED.into()])?;
        Ok(rows.first().is_some_and(|row| row.value == "true"))
    }

    pub fn set_paused(&self, paused: bool) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![PAUSED.into(), if paused { "true" } else { "false" }.into()],
        )?;
        Ok(())
    }

    /// Log entries per level, for the levels that have any.
    pub fn log_counts(&self) -> worker::Result<BTreeMap<String, i64>> {
        self.counts("SELECT level AS key, COUNT(*) AS count FROM logs GROUP BY level")
    }

    /// Runs per status, for the statuses that have any.
    pub fn run_counts(&self) -> worker::Result<BTreeMap<String, i64>> {
        self.counts("SELECT status AS key, COUNT(*) AS count FROM runs GROUP BY status")
    }

    fn counts(&self, query: &str) -> worker::Result<BTreeMap<String, i64>> {
        let rows: Vec<KeyCountRow> = self.rows(query, Vec::new())?;
        Ok(rows.into_iter().map(|row| (row.key, row.count)).collect())
    }

    fn rows<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<Vec<T>> {
        self.sql.exec(query, bindings)?.to_array()
    }

    /// The one row a statement yields (an aggregate, or `RETURNING` of a single insert).
    fn single<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<T> {
        self.rows(query, bindings)?
            .into_iter()
            .next()
            .ok_or_else(|| worker::Error::RustError(format!("no row from `{query}`")))
    }
}

#[derive(Deserialize)]
struct IdRow {
    id: i64,
}

#[derive(Deserialize)]
struct CountRow {
    count: i64,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

#[derive(Deserialize)]
struct KeyCountRow {
    key: String,
    count: i64,
}
