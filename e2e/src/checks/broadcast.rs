//! Several live subscribers at once: every `/events` stream and every `/mcp` WebSocket receives the same
//! broadcasts, with the same ids and content, in the same order.
//!
//! Each subscriber is read on its own thread while the changes are made, as separate clients would read
//! them. A subscriber only sees what was broadcast after it subscribed, so the comparison starts at the
//! first event of the changes made here (the new run) and ends at the last (the `resume` control event).

use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::control::{apply_control, expect_applied, start_test_flow, UNREACHABLE_MCP_ENDPOINT};
use super::realtime::{websocket_url, JsonRpcSocket, SseStream};
use super::{failure, CheckResult, Probe};

/// Subscribers of each kind.
pub const SUBSCRIBERS_OF_EACH_KIND: usize = 3;
/// How long a subscriber may take to see the last change, counted from when it subscribed.
const LISTEN_FOR: Duration = Duration::from_secs(60);
/// The method of the JSON-RPC notifications that carry broadcasts over the WebSocket.
const NOTIFICATION_METHOD: &str = "notifications/dashboard";

/// One broadcast as a subscriber received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Broadcast {
    /// The SSE `id:`; WebSocket notifications carry none.
    pub id: Option<String>,
    /// The SSE event name, or the notification's `params.type`.
    pub name: String,
    /// The SSE data, or the notification's `params.payload`.
    pub payload: Value,
}

impl Broadcast {
    fn is_control(&self, action: &str) -> bool {
        self.name == "control" && self.payload["action"] == action
    }

    fn without_id(&self) -> Broadcast {
        Broadcast { id: None, ..self.clone() }
    }
}

/// What one subscriber received, and its name for failure messages.
struct Received {
    subscriber: String,
    broadcasts: Vec<Broadcast>,
}

/// Three event streams and three WebSockets subscribe; a test flow is started and runs are paused and
/// resumed; every subscriber must receive the same broadcasts for these changes.
pub fn every_subscriber_receives_the_same_broadcasts(probe: &Probe) -> CheckResult {
    let check = "every subscriber receives the same broadcasts";
    let events_url = probe.url("/events");
    let socket_url = websocket_url(&probe.url("/mcp"));

    // Subscribed for sure: a stream's first event comes after it joined the subscribers, a socket's
    // `101` after the runtime accepted it.
    let mut streams = Vec::new();
    for _ in 0..SUBSCRIBERS_OF_EACH_KIND {
        let mut stream = SseStream::open(&events_url, LISTEN_FOR)
            .map_err(|reason| failure(check, "GET", &events_url, "an event stream", reason, ""))?;
        let first = stream.next_event().map_err(|reason| failure(check, "GET", &events_url, "an event", reason, ""))?;
        let name = first.map(|event| event.name);
        if name.as_deref() != Some("health") {
            let got = format!("first event {name:?}");
            return Err(failure(check, "GET", &events_url, "a first health event", got, &stream.exchange.body));
        }
        streams.push(stream);
    }
    let mut sockets = Vec::new();
    for _ in 0..SUBSCRIBERS_OF_EACH_KIND {
        sockets.push(JsonRpcSocket::connect(&socket_url, check)?);
    }

    let (run_id, pause, resume, received) = thread::scope(|scope| {
        let stream_readers =
            streams.into_iter().enumerate().map(|(index, stream)| scope.spawn(move || read_stream(index, stream)));
        let socket_readers =
            sockets.into_iter().enumerate().map(|(index, socket)| scope.spawn(move || read_socket(index, socket)));
        let readers: Vec<_> = stream_readers.chain(socket_readers).collect();
        let changes = make_changes(probe, check);
        // The readers stop at the `resume` event, or at their deadline when it never comes.
        let received: Vec<Result<Received, String>> = readers
            .into_iter()
            .map(|reader| reader.join().unwrap_or_else(|_| Err("a reader panicked".into())))
            .collect();
        changes.map(|(run_id, pause, resume)| (run_id, pause, resume, received))
    })?;

    let mut windows = Vec::new();
    for outcome in received {
        let received = outcome.map_err(|reason| failure(check, "GET", &events_url, "the broadcasts", reason, ""))?;
        windows.push(window(check, &events_url, received, &run_id, &resume)?);
    }
    // The first window is the first stream's: streams carry ids, so the order check covers them.
    let (reference_name, reference) = windows[0].clone();
    expect_the_changes(check, &events_url, &reference, &run_id, &pause, &resume)?;
    for (subscriber, window) in &windows[1..] {
        // Streams must agree on ids too; sockets carry none, so they are compared without.
        let comparable = |broadcasts: &[Broadcast]| -> Vec<Broadcast> {
            if subscriber.starts_with("stream") {
                broadcasts.to_vec()
            } else {
                broadcasts.iter().map(Broadcast::without_id).collect()
            }
        };
        let (wanted, got) = (comparable(&reference), comparable(window));
        if let Some(at) = first_difference(&wanted, &got) {
            let show =
                |broadcasts: &[Broadcast]| broadcasts.get(at).map_or("nothing".to_string(), Broadcast::to_string);
            return Err(failure(
                check,
                "GET",
                &events_url,
                format!("{subscriber} to receive the {} broadcasts {reference_name} received", wanted.len()),
                format!(
                    "{} broadcasts; the first difference, at {at}: {} instead of {}",
                    got.len(),
                    show(&got),
                    show(&wanted)
                ),
                &describe(window),
            ));
        }
    }
    Ok(())
}

/// Starts a test flow, then pauses and resumes runs; returns the run's id and the two control results.
fn make_changes(probe: &Probe, check: &str) -> CheckResult<(String, Value, Value)> {
    let (_, run_id) = start_test_flow(probe, check, UNREACHABLE_MCP_ENDPOINT, "handshake")?;
    let (exchange, pause) = apply_control(probe, check, "pause")?;
    expect_applied(probe, check, &exchange, &pause, true)?;
    let (exchange, resume) = apply_control(probe, check, "resume")?;
    expect_applied(probe, check, &exchange, &resume, true)?;
    Ok((run_id, pause, resume))
}

/// Reads an event stream until the `resume` control event.
fn read_stream(index: usize, mut stream: SseStream) -> Result<Received, String> {
    let subscriber = format!("stream {}", index + 1);
    let mut broadcasts = Vec::new();
    loop {
        let event = stream.next_event().map_err(|reason| format!("{subscriber}: {reason}"))?;
        let Some(event) = event else {
            return Err(format!("{subscriber}: the stream ended after {}", describe(&broadcasts)));
        };
        let payload = serde_json::from_str(&event.data)
            .map_err(|e| format!("{subscriber}: {} data is not JSON ({e}): {}", event.name, event.data))?;
        let broadcast = Broadcast { id: event.id, name: event.name, payload };
        let last = broadcast.is_control("resume");
        broadcasts.push(broadcast);
        if last {
            return Ok(Received { subscriber, broadcasts });
        }
    }
}

/// Reads a WebSocket's notifications until the `resume` control notification, then closes it.
fn read_socket(index: usize, mut socket: JsonRpcSocket) -> Result<Received, String> {
    let subscriber = format!("socket {}", index + 1);
    let deadline = Instant::now() + LISTEN_FOR;
    let mut broadcasts = Vec::new();
    while Instant::now() < deadline {
        let message = socket.next_json("read notifications").map_err(|failure| format!("{subscriber}: {failure}"))?;
        let params = &message["params"];
        let is_notification = message["jsonrpc"] == "2.0"
            && message["method"] == NOTIFICATION_METHOD
            && message.get("id").is_none()
            && params["type"].is_string();
        if !is_notification {
            return Err(format!(
                "{subscriber}: expected a {NOTIFICATION_METHOD} notification with params.type, got {message}"
            ));
        }
        let broadcast = Broadcast {
            id: None,
            name: params["type"].as_str().unwrap_or_default().to_string(),
            payload: params["payload"].clone(),
        };
        let last = broadcast.is_control("resume");
        broadcasts.push(broadcast);
        if last {
            socket.close();
            return Ok(Received { subscriber, broadcasts });
        }
    }
    Err(format!(
        "{subscriber}: no resume notification within {}s after {}",
        LISTEN_FOR.as_secs(),
        describe(&broadcasts)
    ))
}

/// The broadcasts from the new run's first event to the `resume` control event.
fn window(
    check: &str,
    url: &str,
    received: Received,
    run_id: &str,
    resume: &Value,
) -> CheckResult<(String, Vec<Broadcast>)> {
    let Received { subscriber, broadcasts } = received;
    let start = broadcasts.iter().position(|b| b.name == "run" && b.payload["id"] == run_id);
    let end = broadcasts.iter().position(|b| b.name == "control" && b.payload == *resume);
    match (start, end) {
        (Some(start), Some(end)) if start < end => Ok((subscriber, broadcasts[start..=end].to_vec())),
        _ => Err(failure(
            check,
            "GET",
            url,
            format!("{subscriber} to receive run {run_id}, later the resume result {resume}"),
            describe(&broadcasts),
            "",
        )),
    }
}

/// The changes arrive in the order they were made: the queued run and its log entry, then each control
/// action as its result, log entry and span. Stream ids increase.
fn expect_the_changes(
    check: &str,
    url: &str,
    window: &[Broadcast],
    run_id: &str,
    pause: &Value,
    resume: &Value,
) -> CheckResult {
    let position = |wanted: &dyn Fn(&Broadcast) -> bool| window.iter().position(wanted);
    let run = position(&|b| b.name == "run" && b.payload["id"] == run_id && b.payload["status"] == "queued");
    let run_log =
        position(&|b| b.name == "log" && b.payload["message"].as_str().is_some_and(|message| message.contains(run_id)));
    let paused = position(&|b| b.name == "control" && b.payload == *pause);
    let pause_log = position(&|b| b.name == "log" && b.payload["message"] == pause["message"]);
    let pause_span = position(&|b| b.name == "span" && b.payload["name"] == "control.pause");
    let resumed = position(&|b| b.name == "control" && b.payload == *resume);
    let order = [run, run_log, paused, pause_log, pause_span, resumed];
    let in_order = order.iter().all(Option::is_some) && order.windows(2).all(|pair| pair[0] < pair[1]);
    let ids: Vec<Option<u64>> = window.iter().map(|b| b.id.as_deref().and_then(|id| id.parse().ok())).collect();
    let ids_increase = ids.iter().all(Option::is_some) && ids.windows(2).all(|pair| pair[0] < pair[1]);
    if in_order && ids_increase {
        return Ok(());
    }
    Err(failure(
        check,
        "GET",
        url,
        format!(
            "run {run_id} queued and logged, then the pause result {pause}, its log entry and span, then the \
             resume result, with increasing numeric ids"
        ),
        describe(window),
        "",
    ))
}

/// The first position where two lists of broadcasts differ, `None` when they are equal.
fn first_difference(wanted: &[Broadcast], got: &[Broadcast]) -> Option<usize> {
    let differs = wanted.iter().zip(got).position(|(a, b)| a != b);
    differs.or((wanted.len() != got.len()).then(|| wanted.len().min(got.len())))
}

impl std::fmt::Display for Broadcast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[id {}] {} {}", self.id.as_deref().unwrap_or("-"), self.name, self.payload)
    }
}

/// A readable list of broadcasts for failure messages.
fn describe(broadcasts: &[Broadcast]) -> String {
    if broadcasts.is_empty() {
        return "nothing".to_string();
    }
    let items: Vec<String> = broadcasts.iter().map(Broadcast::to_string).collect();
    crate::http::excerpt(&items.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn broadcast(id: u64, name: &str, payload: Value) -> Broadcast {
        Broadcast { id: Some(id.to_string()), name: name.to_string(), payload }
    }

    fn changes(first_id: u64) -> (Vec<Broadcast>, Value, Value) {
        let pause = json!({"action": "pause", "applied": true, "message": "paused", "at": "t1"});
        let resume = json!({"action": "resume", "applied": true, "message": "resumed", "at": "t2"});
        let events = vec![
            broadcast(first_id, "run", json!({"id": "r1", "status": "queued"})),
            broadcast(first_id + 1, "log", json!({"message": "queued handshake run r1"})),
            broadcast(first_id + 2, "control", pause.clone()),
            broadcast(first_id + 3, "log", json!({"message": "paused"})),
            broadcast(first_id + 4, "span", json!({"name": "control.pause"})),
            broadcast(first_id + 5, "control", resume.clone()),
        ];
        (events, pause, resume)
    }

    #[test]
    fn the_window_starts_at_the_run_and_ends_at_resume() {
        let (mut events, _, resume) = changes(5);
        events.insert(0, broadcast(4, "log", json!({"message": "earlier"})));
        let received = Received { subscriber: "stream 1".into(), broadcasts: events };
        let (_, window) = window("c", "u", received, "r1", &resume).expect("a window");
        assert_eq!(window.len(), 6);
        assert_eq!(window[0].name, "run");
        assert!(window[5].is_control("resume"));
    }

    #[test]
    fn differences_are_found_in_content_and_length() {
        let (events, _, _) = changes(1);
        assert_eq!(first_difference(&events, &events), None);
        assert_eq!(first_difference(&events, &events[..4]), Some(4));
        let mut changed = events.clone();
        changed[2].payload["applied"] = json!(false);
        assert_eq!(first_difference(&events, &changed), Some(2));
    }

    #[test]
    fn the_changes_must_come_in_order_with_increasing_ids() {
        let (events, pause, resume) = changes(1);
        assert!(expect_the_changes("c", "u", &events, "r1", &pause, &resume).is_ok());

        let mut swapped = events.clone();
        swapped.swap(2, 3);
        assert!(expect_the_changes("c", "u", &swapped, "r1", &pause, &resume).is_err());

        let mut repeated_id = events.clone();
        repeated_id[3].id = Some("3".into());
        assert!(expect_the_changes("c", "u", &repeated_id, "r1", &pause, &resume).is_err());

        let missing_span: Vec<Broadcast> = events.iter().filter(|b| b.name != "span").cloned().collect();
        assert!(expect_the_changes("c", "u", &missing_span, "r1", &pause, &resume).is_err());
    }
}
