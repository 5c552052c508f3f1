//! Server-Sent Events: the open `/events` streams of this Durable Object instance.
//!
//! Each stream is the receiving end of an unbounded channel turned into the response body; the instance
//! keeps the sending ends in memory. The runtime notices a departed client when a write to it fails (an
//! event or a heartbeat) and cancels the body, which drops the receiver; the next send on that sender
//! fails, and the sender is forgotten and its heartbeat stops.
//!
//! Every broadcast event is stored first and carries its stored id as the SSE `id`, so a client that
//! reconnects with `Last-Event-ID` (as `EventSource` does by itself) is sent the stored events it missed
//! before the live ones.

use std::cell::RefCell;
use std::time::Duration;

use codegen_runtime::ApiError;
use futures_channel::mpsc::{self, UnboundedSender};
use futures_util::StreamExt;
use worker::{Delay, Headers, Response};

use crate::store::{DashboardEvent, StoredEvent};

const HEARTBEAT: &[u8] = b": heartbeat\n\n";

/// The open event streams.
#[derive(Default)]
pub struct Subscribers {
    streams: RefCell<Vec<UnboundedSender<Vec<u8>>>>,
}

impl Subscribers {
    /// Opens a stream that starts with `first` (the health report, which has no id), then the `missed`
    /// stored events, then carries every broadcast; a comment goes out every `heartbeat`.
    pub fn subscribe(
        &self,
        first: &DashboardEvent,
        missed: &[StoredEvent],
        heartbeat: Duration,
    ) -> worker::Result<Response> {
        let (sender, receiver) = mpsc::unbounded::<Vec<u8>>();
        let data = first.payload_json().map_err(|error| worker::Error::RustError(error.to_string()))?;
        // The receiver is alive, so these first sends cannot fail.
        let _ = sender.unbounded_send(frame(None, first.name(), &data).into_bytes());
        for event in missed {
            let _ = sender.unbounded_send(frame(Some(event.id), &event.name, &event.data).into_bytes());
        }
        spawn_heartbeat(sender.clone(), heartbeat);
        self.streams.borrow_mut().push(sender);

        let headers = Headers::new();
        headers.set("Content-Type", "text/event-stream; charset=utf-8")?;
        headers.set("Cache-Control", "no-cache")?;
        let body = receiver.map(Ok::<Vec<u8>, worker::Error>);
        Ok(Response::from_stream(body)?.with_headers(headers))
    }

    /// Sends an event to every open stream and forgets the streams whose client has gone. `id` is the
    /// event's stored id; an event that could not be stored goes out without one.
    pub fn publish(&self, id: Option<i64>, name: &str, data: &str) {
        let frame = frame(id, name, data).into_bytes();
        self.streams.borrow_mut().retain(|stream| stream.unbounded_send(frame.clone()).is_ok());
    }
}

/// The id after which a reconnecting client wants the stored events, from its `Last-Event-ID` header,
/// which holds an id this stream sent. Absent or empty means a fresh start.
pub fn last_event_id(header: Option<&str>) -> Result<Option<i64>, ApiError> {
    match header.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<i64>().ok().filter(|id| *id >= 0).map(Some).ok_or_else(|| {
            ApiError::invalid_parameter(
                "header.Last-Event-ID",
                format!("`{text}` is not an event id: ids are the non-negative integers this stream sends"),
            )
        }),
    }
}

/// Writes a heartbeat comment every `every` until the stream's client is gone.
fn spawn_heartbeat(stream: UnboundedSender<Vec<u8>>, every: Duration) {
    worker::wasm_bindgen_futures::spawn_local(async move {
        loop {
            Delay::from(every).await;
            if stream.unbounded_send(HEARTBEAT.to_vec()).is_err() {
                break;
            }
        }
    });
}

/// One event in the SSE wire format. Every line of `data` gets its own `data:` field, so a payload with a
/// line break cannot end the event early (compact JSON has none, but the format should not depend on it).
fn frame(id: Option<i64>, name: &str, data: &str) -> String {
    let mut frame = String::with_capacity(data.len() + name.len() + 32);
    if let Some(id) = id {
        frame.push_str(&format!("id: {id}\n"));
    }
    frame.push_str(&format!("event: {name}\n"));
    for line in data.split('\n') {
        frame.push_str("data: ");
        frame.push_str(line.strip_suffix('\r').unwrap_or(line));
        frame.push('\n');
    }
    frame.push('\n');
    frame
}

#[cfg(test)]
mod tests {
    use super::{frame, last_event_id};

    #[test]
    fn last_event_ids_are_the_ids_sent() {
        assert_eq!(last_event_id(None), Ok(None));
        assert_eq!(last_event_id(Some("")), Ok(None));
        assert_eq!(last_event_id(Some(" 42 ")), Ok(Some(42)));
        assert_eq!(last_event_id(Some("0")), Ok(Some(0)));
        for bad in ["-1", "abc", "4.5", "99999999999999999999"] {
            let error = last_event_id(Some(bad)).expect_err(bad);
            assert_eq!((error.status, error.location.as_deref()), (400, Some("header.Last-Event-ID")), "{bad}");
        }
    }

    #[test]
    fn events_carry_id_name_and_data() {
        assert_eq!(frame(Some(7), "log", r#"{"id":1}"#), "id: 7\nevent: log\ndata: {\"id\":1}\n\n");
        assert_eq!(frame(None, "health", "{}"), "event: health\ndata: {}\n\n");
    }

    #[test]
    fn multi_line_data_stays_one_event() {
        assert_eq!(frame(None, "x", "a\r\nb"), "event: x\ndata: a\ndata: b\n\n");
    }
}
