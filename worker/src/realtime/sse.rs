//! Server-Sent Events: the open `/events` streams of this Durable Object instance.
//!
//! Each stream is the receiving end of an unbounded channel turned into the response body; the instance
//! keeps the sending ends in memory. The runtime notices a departed client when a write to it fails (an
//! event or a heartbeat) and cancels the body, which drops the receiver; the next send on that sender
//! fails, and the sender is forgotten and its heartbeat stops.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use futures_channel::mpsc::{self, UnboundedSender};
use futures_util::StreamExt;
use worker::{Delay, Headers, Response};

use crate::store::DashboardEvent;

/// Idle connections are closed by proxies; a comment line now and then keeps the stream open.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(30);
const HEARTBEAT: &[u8] = b": heartbeat\n\n";

/// The open event streams.
#[derive(Default)]
pub struct Subscribers {
    streams: RefCell<Vec<UnboundedSender<Vec<u8>>>>,
    /// The `id:` of the last broadcast event. Kept in memory only: nothing is replayed from it.
    last_event_id: Cell<u64>,
}

impl Subscribers {
    /// Opens a stream that starts with `first` (the health report) and then carries every broadcast.
    pub fn subscribe(&self, first: &DashboardEvent) -> worker::Result<Response> {
        let (sender, receiver) = mpsc::unbounded::<Vec<u8>>();
        let data = first.payload_json().map_err(|error| worker::Error::RustError(error.to_string()))?;
        // The receiver is alive, so this first send cannot fail.
        let _ = sender.unbounded_send(frame(None, first.name(), &data).into_bytes());
        spawn_heartbeat(sender.clone());
        self.streams.borrow_mut().push(sender);

        let headers = Headers::new();
        headers.set("Content-Type", "text/event-stream; charset=utf-8")?;
        headers.set("Cache-Control", "no-cache")?;
        let body = receiver.map(Ok::<Vec<u8>, worker::Error>);
        Ok(Response::from_stream(body)?.with_headers(headers))
    }

    /// Sends `event` to every open stream and forgets the streams whose client has gone.
    pub fn publish(&self, event: &DashboardEvent) {
        let data = match event.payload_json() {
            Ok(data) => data,
            Err(error) => {
                worker::console_warn!("cannot serialize a {} event: {error}", event.name());
                return;
            }
        };
        let id = self.last_event_id.get() + 1;
        self.last_event_id.set(id);
        let frame = frame(Some(id), event.name(), &data).into_bytes();
        self.streams.borrow_mut().retain(|stream| stream.unbounded_send(frame.clone()).is_ok());
    }
}

/// Writes a heartbeat comment every [`HEARTBEAT_EVERY`] until the stream's client is gone.
fn spawn_heartbeat(stream: UnboundedSender<Vec<u8>>) {
    worker::wasm_bindgen_futures::spawn_local(async move {
        loop {
            Delay::from(HEARTBEAT_EVERY).await;
            if stream.unbounded_send(HEARTBEAT.to_vec()).is_err() {
                break;
            }
        }
    });
}

/// One event in the SSE wire format. Every line of `data` gets its own `data:` field, so a payload with a
/// line break cannot end the event early (compact JSON has none, but the format should not depend on it).
fn frame(id: Option<u64>, name: &str, data: &str) -> String {
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
    use super::frame;

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
