//! What the Durable Object broadcasts to live subscribers when a record changes.

use serde::Serialize;

use crate::api::types::{ControlResult, Health, LogEntry, Run, TraceSpan};

/// One live update. Serialized whole it is `{"type": …, "payload": …}`, the `params` of a JSON-RPC
/// notification; over SSE the type is the event name and the payload the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "payload", rename_all = "snake_case")]
pub enum DashboardEvent {
    /// The service's health, sent first on every new event stream.
    Health(Health),
    /// A log entry was written.
    Log(LogEntry),
    /// A run was queued or changed status.
    Run(Run),
    /// A traced step finished.
    Span(TraceSpan),
    /// A control action was applied.
    Control(ControlResult),
}

impl DashboardEvent {
    /// The SSE event name, equal to the `type` of the serialized form.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Health(_) => "health",
            Self::Log(_) => "log",
            Self::Run(_) => "run",
            Self::Span(_) => "span",
            Self::Control(_) => "control",
        }
    }

    /// The payload alone, as compact JSON.
    pub fn payload_json(&self) -> serde_json::Result<String> {
        match self {
            Self::Health(health) => serde_json::to_string(health),
            Self::Log(entry) => serde_json::to_string(entry),
            Self::Run(run) => serde_json::to_string(run),
            Self::Span(span) => serde_json::to_string(span),
            Self::Control(result) => serde_json::to_string(result),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{ControlAction, LogLevel};
    use serde_json::json;

    #[test]
    fn the_name_is_the_serialized_type() {
        let events = [
            DashboardEvent::Log(LogEntry {
                id: 3,
                level: LogLevel::Info,
                message: "paused".into(),
                source: "control".into(),
                timestamp: "2025-11-20T09:30:00.000Z".into(),
            }),
            DashboardEvent::Control(ControlResult {
                action: ControlAction::Pause,
                applied: true,
                at: "2025-11-20T09:30:00.000Z".into(),
                message: "paused".into(),
            }),
        ];
        for event in events {
            let whole = serde_json::to_value(&event).expect("serializes");
            assert_eq!(whole["type"], json!(event.name()));
            let payload: serde_json::Value =
                serde_json::from_str(&event.payload_json().expect("serializes")).expect("is JSON");
            assert_eq!(whole["payload"], payload);
        }
    }
}
