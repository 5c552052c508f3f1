//! Replies whose JSON SQLite makes. A page of rows leaves the database as one JSON string and goes to the
//! worker as it is, instead of crossing from JavaScript into Rust value by value (`to_array`) and being
//! encoded again: for a page of 100 log entries that crossing was a quarter of the worker's CPU time.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::api::types::LogPage;

/// What the Durable Object may answer a query whose reply type is `R` with: an `R`, or JSON made for one.
pub trait Answer<R>: Serialize {}

impl<R: Serialize> Answer<R> for R {}

/// The generated `LogPage`'s wire form, with the entries as SQLite wrote them; serialized straight into
/// the reply.
#[derive(Serialize)]
pub struct LogPageJson {
    entries: Box<RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_since: Option<i64>,
}

impl Answer<LogPage> for LogPageJson {}

impl LogPageJson {
    /// A page from `entries`, SQLite's JSON array of `LogEntry` objects (checked to be JSON, not re-encoded).
    pub fn new(entries: String, next_since: Option<i64>) -> serde_json::Result<Self> {
        Ok(Self { entries: RawValue::from_string(entries)?, next_since })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{LogEntry, LogLevel};

    fn entry(id: i64) -> LogEntry {
        LogEntry {
            id,
            timestamp: "2026-11-26T21:00:00.000Z".into(),
            level: LogLevel::Warn,
            source: "control".into(),
            message: "runs \"paused\"".into(),
        }
    }

    #[test]
    fn an_encoded_log_page_reads_back_as_the_page() {
        for page in [
            LogPage { entries: vec![entry(1), entry(2)], next_since: Some(2) },
            LogPage { entries: vec![entry(3)], next_since: None },
            LogPage { entries: Vec::new(), next_since: None },
        ] {
            let entries = serde_json::to_string(&page.entries).expect("serializes");
            let encoded = LogPageJson::new(entries, page.next_since).expect("is JSON");
            let wire = serde_json::to_string(&encoded).expect("serializes");
            assert_eq!(wire, serde_json::to_string(&page).expect("serializes"));
            assert_eq!(serde_json::from_str::<LogPage>(&wire).expect("deserializes"), page);
        }
    }

    #[test]
    fn entries_that_are_not_json_are_refused() {
        assert!(LogPageJson::new("[{\"id\": 1,".into(), None).is_err());
    }
}
