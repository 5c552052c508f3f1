//! Listens to an event stream in the background and keeps everything it receives, with the time since the
//! connection opened: events with their `id`, and comment lines (heartbeats). Checks read what arrived
//! so far while they make the requests whose events they expect.

use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// What the stream delivered, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Event { id: Option<i64>, name: String, data: String, at: Duration },
    Comment { text: String, at: Duration },
}

impl Received {
    /// The event's data as JSON, when it is an event with JSON data.
    pub fn json(&self) -> Option<Value> {
        match self {
            Received::Event { data, .. } => serde_json::from_str(data).ok(),
            Received::Comment { .. } => None,
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Received::Event { name, .. } => Some(name),
            Received::Comment { .. } => None,
        }
    }

    pub fn id(&self) -> Option<i64> {
        match self {
            Received::Event { id, .. } => *id,
            Received::Comment { .. } => None,
        }
    }
}

/// A stream being listened to; the listening thread stops when `listen_for` has passed.
pub struct EventLog {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    /// Why the stream ended early, if it did.
    problem: Arc<Mutex<Option<String>>>,
}

impl EventLog {
    /// Connects (sending `Last-Event-ID` when given), checks the stream opened with 200 and
    /// `text/event-stream`, and listens for `listen_for` on a background thread.
    pub fn open(url: &str, last_event_id: Option<i64>, listen_for: Duration) -> Result<EventLog, String> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(listen_for)).build().into();
        let mut request = agent.get(url).header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", &id.to_string());
        }
        let opened = Instant::now();
        let response = request.call().map_err(|e| format!("GET {url}: no answer ({e})"))?;
        let media_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if response.status() != 200 || !media_type.starts_with("text/event-stream") {
            return Err(format!("GET {url}: status {} with Content-Type {media_type:?}", response.status()));
        }
        let received = Arc::new(Mutex::new(Vec::new()));
        let problem = Arc::new(Mutex::new(None));
        let (sink, problems) = (received.clone(), problem.clone());
        thread::spawn(move || {
            let mut reader = BufReader::new(response.into_body().into_reader());
            let mut block = Block::default();
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) => {
                        *problems.lock().unwrap() = Some("the stream ended".into());
                        return;
                    }
                    // The global timeout ends the listening; that is the expected way out.
                    Err(_) => return,
                    Ok(_) => {}
                }
                if let Some(item) = block.feed(line.trim_end_matches(['\r', '\n']), opened.elapsed()) {
                    sink.lock().unwrap().push(item);
                }
            }
        });
        Ok(EventLog { url: url.to_string(), received, problem })
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until something received satisfies `wanted`, up to `timeout`; returns it.
    pub fn wait_for(&self, timeout: Duration, wanted: impl Fn(&Received) -> bool) -> Option<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self.received().into_iter().find(&wanted) {
                return Some(found);
            }
            if Instant::now() > deadline || self.problem.lock().unwrap().is_some() {
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The events named `name` whose JSON payload has `field` equal to `value`, in order.
    pub fn events_where(&self, name: &str, field: &str, value: &str) -> Vec<Value> {
        self.received()
            .iter()
            .filter(|item| item.name() == Some(name))
            .filter_map(Received::json)
            .filter(|data| data[field] == value)
            .collect()
    }
}

/// The lines of one event being read.
#[derive(Debug, Default)]
struct Block {
    id: Option<i64>,
    name: Option<String>,
    data: Vec<String>,
}

impl Block {
    /// Feeds a line without its ending; returns a comment at once, and an event at the blank line ending it.
    fn feed(&mut self, line: &str, at: Duration) -> Option<Received> {
        if line.is_empty() {
            let (id, name) = (self.id.take(), self.name.take());
            if self.data.is_empty() {
                return None;
            }
            let data = std::mem::take(&mut self.data).join("\n");
            return Some(Received::Event { id, name: name.unwrap_or_else(|| "message".into()), data, at });
        }
        if let Some(comment) = line.strip_prefix(':') {
            return Some(Received::Comment { text: comment.trim().to_string(), at });
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => self.id = value.parse().ok(),
            "event" => self.name = Some(value.to_string()),
            "data" => self.data.push(value.to_string()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_their_ids_and_comments_are_kept() {
        let mut block = Block::default();
        let at = Duration::from_secs(1);
        let lines = ["event: health", "data: {}", "", ": heartbeat", "id: 7", "event: log", "data: {\"id\":1}", ""];
        let got: Vec<Received> = lines.iter().filter_map(|line| block.feed(line, at)).collect();
        assert_eq!(
            got,
            vec![
                Received::Event { id: None, name: "health".into(), data: "{}".into(), at },
                Received::Comment { text: "heartbeat".into(), at },
                Received::Event { id: Some(7), name: "log".into(), data: "{\"id\":1}".into(), at },
            ]
        );
        assert_eq!(got[2].json().unwrap()["id"], 1);
    }
}
