//! What the Durable Object answers a query with: its reply type's JSON, made by serde from a value or by
//! SQLite. A page of rows leaves the database as one JSON text and goes to the worker, and on to the
//! client, as it is, instead of crossing from JavaScript into Rust value by value (`to_array`) and being
//! encoded again: for a page of 100 log entries that crossing was a quarter of the worker's CPU time.

use serde::Serialize;

use crate::api::types::LogPage;

/// JSON for a reply of type `R`: an `R`, or JSON made for one.
pub trait Answer<R> {
    fn into_json(self) -> serde_json::Result<Vec<u8>>;
}

impl<R: Serialize> Answer<R> for R {
    fn into_json(self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&self)
    }
}

/// A generated `LogPage` as SQLite's JSON functions wrote it (see `Db::log_page`).
#[derive(Debug)]
pub struct LogPageJson {
    page: String,
}

impl LogPageJson {
    /// `page` must be the JSON of a `LogPage`, as `Db::log_page`'s statement writes it.
    pub fn written_by_sqlite(page: String) -> Self {
        Self { page }
    }
}

impl Answer<LogPage> for LogPageJson {
    fn into_json(self) -> serde_json::Result<Vec<u8>> {
        Ok(self.page.into_bytes())
    }
}
