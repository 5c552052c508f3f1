//! The SQLite schema of the `RealtimeSession` Durable Object and one typed function per statement.
//!
//! Rows are read straight into the generated API types: the selected column names are the field names, and
//! enum columns hold the wire values (`info`, `queued`, …) that the generated types deserialize.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use super::encoded::LogPageJson;
use super::sql;
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
    // Every broadcast event, so a reconnecting SSE client can be sent what it missed: the row id is the
    // event's SSE `id`.
    "CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        data TEXT NOT NULL
    )",
    // Only the newest 1,000 events are kept: enough for a client that lost its connection for a while,
    // bounded so the table does not grow with the life of the object. A trigger, so that storing a change's
    // events stays one statement.
    "CREATE TRIGGER IF NOT EXISTS events_kept AFTER INSERT ON events BEGIN
        DELETE FROM events WHERE id <= NEW.id - 1000;
    END",
];

/// Changes to tables that already hold data, applied once each, in order; the `state` key
/// `schema_version` counts how many a database has had. A database from before this list has had none.
const MIGRATIONS: &[&str] = &[
    // Spans of test-flow steps name their run.
    "ALTER TABLE spans ADD COLUMN run_id TEXT",
];

/// The `state` key of the paused flag.
const PAUSED: &str = "paused";
/// The `state` key counting the applied `MIGRATIONS`.
const SCHEMA_VERSION: &str = "schema_version";

/// What the metrics are computed from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MetricCounts {
    /// Log entries per level, for the levels that have any.
    pub logs: BTreeMap<String, i64>,
    /// Runs per status, for the statuses that have any.
    pub runs: BTreeMap<String, i64>,
    pub paused: bool,
}

/// A broadcast event as stored: its id, its SSE event name and its JSON payload.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredEvent {
    pub id: i64,
    pub name: String,
    pub data: String,
}

/// Typed access to the Durable Object's SQLite database. The object opens it once and keeps it (not
/// `Clone`: a copy would hold its own `paused`).
pub struct Db {
    sql: SqlStorage,
    /// The paused flag as last read or written. The object is its database's only writer, so this copy cannot
    /// go stale while the object lives; a write that fails to commit resets the object, and the copy with it.
    /// It spares every pause, resume and start of a run a SQL statement (two crossings into the runtime), the
    /// largest single cost of a repeated pause.
    paused: Cell<Option<bool>>,
}

impl Db {
    /// Opens the database, creating the schema where it is missing.
    pub fn open(sql: SqlStorage) -> worker::Result<Self> {
        let db = Self { sql, paused: Cell::new(None) };
        for statement in SCHEMA {
            db.execute(statement, Vec::new())?;
        }
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&self) -> worker::Result<()> {
        let applied = self.state_value(SCHEMA_VERSION)?.and_then(|value| value.parse::<usize>().ok()).unwrap_or(0);
        for (version, statement) in MIGRATIONS.iter().enumerate().skip(applied) {
            self.execute(statement, Vec::new())?;
            self.set_state_value(SCHEMA_VERSION, &(version + 1).to_string())?;
        }
        Ok(())
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

    /// Entries with an id above `since`, oldest first, at most `limit`, encoded by SQLite as a `LogPage`:
    /// the keys are its field names. A full page names its last id as `next_since`, the id to continue
    /// after; a shorter one is the end of the log for now. (SQLite computes the identical
    /// `json_group_array` of both branches once.)
    pub fn log_page(&self, since: i64, limit: i64) -> worker::Result<LogPageJson> {
        sql::text(
            &self.sql,
            "SELECT CASE WHEN COUNT(*) >= ?
                THEN json_object('entries', json_group_array(json_object(
                        'id', id, 'timestamp', timestamp, 'level', level, 'source', source, 'message', message
                    ) ORDER BY id), 'next_since', MAX(id))
                ELSE json_object('entries', json_group_array(json_object(
                        'id', id, 'timestamp', timestamp, 'level', level, 'source', source, 'message', message
                    ) ORDER BY id))
                END AS page
            FROM (SELECT * FROM logs WHERE id > ? ORDER BY id LIMIT ?)",
            &[limit.into(), since.into(), limit.into()],
        )
        .map(LogPageJson::written_by_sqlite)
    }

    /// Deletes every log entry and returns how many there were.
    pub fn clear_logs(&self) -> worker::Result<i64> {
        let count = self.single::<CountRow>("SELECT COUNT(*) AS count FROM logs", Vec::new())?.count;
        self.execute("DELETE FROM logs", Vec::new())?;
        Ok(count)
    }

    pub fn record_span(&self, span: &TraceSpan) -> worker::Result<()> {
        self.execute(
            "INSERT INTO spans (trace_id, span_id, name, started_at, duration_ms, status, run_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                span.trace_id.as_str().into(),
                span.span_id.as_str().into(),
                span.name.as_str().into(),
                span.started_at.as_str().into(),
                span.duration_ms.into(),
                span.status.as_str().into(),
                span.run_id.as_deref().into(),
            ],
        )?;
        Ok(())
    }

    /// The newest `limit` spans, newest first.
    pub fn newest_spans(&self, limit: i64) -> worker::Result<Vec<TraceSpan>> {
        self.rows(
            "SELECT trace_id, span_id, name, started_at, duration_ms, status, run_id
             FROM spans ORDER BY seq DESC LIMIT ?",
            vec![limit.into()],
        )
    }

    pub fn insert_run(&self, run: &Run) -> worker::Result<()> {
        self.execute(
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

    /// Runs that have not finished (queued or running), oldest first.
    pub fn unfinished_runs(&self) -> worker::Result<Vec<Run>> {
        self.rows(
            "SELECT id, workflow, endpoint, status, started_at, finished_at FROM runs
             WHERE status IN ('queued', 'running') ORDER BY seq",
            Vec::new(),
        )
    }

    /// Moves a queued run to running; false when it was no longer queued (cancelled meanwhile).
    pub fn start_run(&self, id: &str) -> worker::Result<bool> {
        let changed: Vec<IgnoredAny> = self.rows(
            "UPDATE runs SET status = 'running' WHERE id = ? AND status = 'queued' RETURNING id",
            vec![id.into()],
        )?;
        Ok(!changed.is_empty())
    }

    /// Sets a run's status and finish time.
    pub fn finish_run(&self, id: &str, status: RunStatus, finished_at: &str) -> worker::Result<()> {
        self.execute(
            "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
            vec![status.as_str().into(), finished_at.into(), id.into()],
        )?;
        Ok(())
    }

    /// Whether new runs are held; false until the first pause.
    pub fn paused(&self) -> worker::Result<bool> {
        if let Some(paused) = self.paused.get() {
            return Ok(paused);
        }
        let paused = self.state_value(PAUSED)?.is_some_and(|value| value == "true");
        self.paused.set(Some(paused));
        Ok(paused)
    }

    pub fn set_paused(&self, paused: bool) -> worker::Result<()> {
        self.set_state_value(PAUSED, if paused { "true" } else { "false" })?;
        self.paused.set(Some(paused));
        Ok(())
    }

    fn state_value(&self, key: &str) -> worker::Result<Option<String>> {
        let rows: Vec<ValueRow> = self.rows("SELECT value FROM state WHERE key = ?", vec![key.into()])?;
        Ok(rows.into_iter().next().map(|row| row.value))
    }

    fn set_state_value(&self, key: &str, value: &str) -> worker::Result<()> {
        self.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), value.into()],
        )?;
        Ok(())
    }

    /// Stores broadcast events in one statement (which also forgets the oldest beyond the newest 1,000)
    /// and returns their ids in the order given.
    pub fn append_events(&self, events: &[(&str, &str)]) -> worker::Result<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let query =
            format!("INSERT INTO events (name, data) VALUES {} RETURNING id", vec!["(?, ?)"; events.len()].join(", "));
        let bindings = events.iter().flat_map(|(name, data)| [(*name).into(), (*data).into()]).collect();
        let mut ids: Vec<i64> = self.rows::<IdRow>(&query, bindings)?.into_iter().map(|row| row.id).collect();
        // SQLite does not promise `RETURNING` rows in insertion order, but it inserts the rows in the order
        // listed, each with a higher id than the one before.
        ids.sort_unstable();
        Ok(ids)
    }

    /// The stored events with an id above `after`, oldest first.
    pub fn events_after(&self, after: i64) -> worker::Result<Vec<StoredEvent>> {
        self.rows("SELECT id, name, data FROM events WHERE id > ? ORDER BY id", vec![after.into()])
    }

    /// Log entries per level and runs per status, for those that have any, and the paused flag: one
    /// statement, answered by SQLite as one JSON text.
    pub fn metric_counts(&self) -> worker::Result<MetricCounts> {
        let text = sql::text(
            &self.sql,
            "SELECT json_object(
                'logs', json((SELECT json_group_object(level, count)
                    FROM (SELECT level, COUNT(*) AS count FROM logs GROUP BY level))),
                'runs', json((SELECT json_group_object(status, count)
                    FROM (SELECT status, COUNT(*) AS count FROM runs GROUP BY status))),
                'paused', json(CASE WHEN EXISTS (SELECT 1 FROM state WHERE key = ? AND value = 'true')
                    THEN 'true' ELSE 'false' END)
            )",
            &[PAUSED.into()],
        )?;
        serde_json::from_str(&String::from(text))
            .map_err(|error| worker::Error::RustError(format!("metric counts: {error}")))
    }

    fn execute(&self, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<()> {
        sql::execute(&self.sql, query, &bindings)
    }

    fn rows<T: DeserializeOwned>(&self, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<Vec<T>> {
        sql::rows(&self.sql, query, &bindings)
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
