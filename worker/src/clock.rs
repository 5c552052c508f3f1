//! Wall-clock time as chrono `DateTime`s, read from JavaScript's `Date.now()` on wasm.
//!
//! The Workers runtime advances the clock only across I/O, so two readings within one synchronous step
//! are equal: durations measured here are what the runtime lets a worker observe, never invented.

use chrono::{DateTime, SecondsFormat, Utc};

/// The current time. On wasm it is read with `Date.now()`: chrono's `Utc::now()` builds a JavaScript `Date`
/// and reads it back, two calls into JavaScript instead of one, on every health check and store command.
#[cfg(target_arch = "wasm32")]
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The current time (native builds: unit tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// An RFC 3339 timestamp with millisecond precision in UTC, e.g. `2025-11-20T09:30:00.123Z`: the format of
/// every `date-time` the API answers with.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Milliseconds from `start` to `end`, never negative (a clock adjustment must not yield a negative span).
pub fn elapsed_ms(start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
    let micros = (end - start).num_microseconds().unwrap_or(0).max(0);
    micros as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        let time = Utc.with_ymd_and_hms(2025, 11, 20, 9, 30, 0).single().expect("a valid date");
        assert_eq!(rfc3339(time), "2025-11-20T09:30:00.000Z");
    }

    #[test]
    fn elapsed_time_is_never_negative() {
        let start = Utc.with_ymd_and_hms(2025, 11, 20, 9, 30, 0).single().expect("a valid date");
        let end = start + chrono::Duration::microseconds(2500);
        assert_eq!(elapsed_ms(start, end), 2.5);
        assert_eq!(elapsed_ms(end, start), 0.0);
    }
}
