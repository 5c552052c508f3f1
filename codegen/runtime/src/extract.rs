//! Parameter parsing, bounds checks and body decoding, each failing with a located 400.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

use crate::{ApiError, RequestUrl};

/// Implemented by generated body types: checks the bounds and formats the spec declares.
pub trait Validate {
    /// `at` is where this value sits in the request, e.g. `body` or `body.items[2]`.
    fn validate(&self, at: &str) -> Result<(), ApiError>;
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &str) -> Result<(), ApiError> {
        self.iter().enumerate().try_for_each(|(i, item)| item.validate(&format!("{at}[{i}]")))
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, at: &str) -> Result<(), ApiError> {
        self.as_ref().validate(at)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &str) -> Result<(), ApiError> {
        self.as_ref().map_or(Ok(()), |value| value.validate(at))
    }
}

/// The query string's parameters, first occurrence winning, percent-decoded.
pub struct Query<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Query<'a> {
    pub fn parse(url: &'a RequestUrl) -> Self {
        let query = url.query().unwrap_or_default();
        Self { pairs: url::form_urlencoded::parse(query.as_bytes()).collect() }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_ref())
    }
}

/// A percent-decoded path segment.
pub(crate) fn path_segment(raw: &str) -> Result<Cow<'_, str>, String> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "is not valid UTF-8 after percent-decoding".to_owned())
}

pub(crate) fn parse_integer(raw: &str) -> Result<i64, String> {
    raw.trim().parse().map_err(|_| format!("expected an integer, got `{}`", excerpt(raw)))
}

pub(crate) fn parse_number(raw: &str) -> Result<f64, String> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("expected a number, got `{}`", excerpt(raw)))
}

pub(crate) fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("expected true or false, got `{}`", excerpt(raw))),
    }
}

/// Checks `minimum`/`maximum`; the message names the bound that was crossed.
pub(crate) fn check_range(value: f64, minimum: Option<f64>, maximum: Option<f64>) -> Result<(), String> {
    if let Some(min) = minimum.filter(|min| value < *min) {
        return Err(format!("must be at least {min}, got {value}"));
    }
    if let Some(max) = maximum.filter(|max| value > *max) {
        return Err(format!("must be at most {max}, got {value}"));
    }
    Ok(())
}

/// Checks `min_length`/`max_length` in characters.
pub(crate) fn check_length(value: &str, min_length: Option<usize>, max_length: Option<usize>) -> Result<(), String> {
    let length = value.chars().count();
    if let Some(min) = min_length.filter(|min| length < *min) {
        return Err(format!("must be at least {min} characters long, got {length}"));
    }
    if let Some(max) = max_length.filter(|max| length > *max) {
        return Err(format!("must be at most {max} characters long, got {length}"));
    }
    Ok(())
}

/// Checks a string parameter against the values the spec allows.
pub(crate) fn check_allowed(value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!("must be one of {}, got `{}`", allowed.join(", "), excerpt(value)))
    }
}

/// The error for a body field at `at.field` that failed a check.
pub(crate) fn field_error(at: &str, field: &str, message: String) -> ApiError {
    ApiError::invalid_body(format!("{at}.{field}"), message)
}

/// String formats the spec can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DateTime,
    Uri,
    Uuid,
    Email,
}

pub(crate) fn check_format(value: &str, format: Format) -> Result<(), String> {
    let valid = match format {
        Format::DateTime => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        Format::Uri => url::Url::parse(value).is_ok(),
        Format::Uuid => uuid::Uuid::try_parse(value).is_ok(),
        Format::Email => value.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
    };
    if valid {
        Ok(())
    } else {
        let expected = match format {
            Format::DateTime => "an RFC 3339 date-time such as 2025-01-01T00:00:00Z",
            Format::Uri => "an absolute URI such as https://example.com/mcp",
            Format::Uuid => "a UUID such as 00000000-0000-4000-8000-000000000000",
            Format::Email => "an email address",
        };
        Err(format!("must be {expected}, got `{}`", excerpt(value)))
    }
}

/// Reads and decodes a JSON body, locating a decoding failure at the field that caused it (`body.workflow`).
pub async fn read_json<T: DeserializeOwned>(request: &mut crate::IncomingRequest) -> Result<T, ApiError> {
    let content_type = request.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    if !content_type.is_empty() && !content_type.to_ascii_lowercase().starts_with("application/json") {
        return Err(ApiError::new(
            415,
            crate::ErrorCode::UnsupportedMediaType,
            format!("expected Content-Type application/json, got `{}`", excerpt(&content_type)),
        )
        .at("header.Content-Type"));
    }
    let bytes = request.bytes().await.map_err(|_| ApiError::invalid_body("body", "the body could not be read"))?;
    decode_json(&bytes)
}

/// Decodes JSON bytes into `T` with a located error; separate from reading so it can be tested natively.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::invalid_body("body", "a JSON body is required"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        // A syntax error has no meaningful field path (serde_path_to_error reports `?`).
        let mut location = if inner.is_syntax() || inner.is_eof() || path == "." || path == "?" {
            "body".to_owned()
        } else {
            format!("body.{path}")
        };
        // A missing field is reported at the object that lacks it; the caller wants the field itself.
        if let Some(field) = missing_field(&inner) {
            location = format!("{location}.{field}");
        }
        ApiError::invalid_body(location, describe(inner))
    })?;
    deserializer.end().map_err(|error| ApiError::invalid_body("body", describe(error)))?;
    Ok(value)
}

/// The field named by serde's "missing field `name`" error.
fn missing_field(error: &serde_json::Error) -> Option<String> {
    let message = error.to_string();
    let rest = message.strip_prefix("missing field `")?;
    rest.split_once('`').map(|(field, _)| field.to_owned())
}

fn describe(error: serde_json::Error) -> String {
    if error.is_syntax() || error.is_eof() {
        format!("the body is not valid JSON: {}", strip_position(&error.to_string()))
    } else {
        strip_position(&error.to_string())
    }
}

/// serde_json appends " at line L column C", which means nothing to a caller who sent one line of JSON.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Echoing user input in an error is helpful only in small doses.
fn excerpt(text: &str) -> Cow<'_, str> {
    const LIMIT: usize = 64;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        kind: Kind,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Small,
    }

    #[test]
    fn body_errors_are_located() {
        let error = decode_json::<Sample>(br#"{"name": "x", "kind": "huge"}"#).unwrap_err();
        assert_eq!(error.location.as_deref(), Some("body.kind"));
        assert_eq!(error.message, "unknown variant `huge`, expected `small`");
        let error = decode_json::<Sample>(br#"{"name": "x""#).unwrap_err();
        assert_eq!(error.location.as_deref(), Some("body"));
        assert!(error.message.starts_with("the body is not valid JSON"), "{}", error.message);
        let error = decode_json::<Sample>(b"").unwrap_err();
        assert_eq!(error.message, "a JSON body is required");
        let error = decode_json::<Sample>(br#"{"kind": "small"}"#).unwrap_err();
        assert_eq!(error.message, "missing field `name`");
        assert_eq!(error.location.as_deref(), Some("body.name"));
    }

    #[test]
    fn bounds_and_formats() {
        assert_eq!(check_range(5000.0, Some(1.0), Some(1000.0)).unwrap_err(), "must be at most 1000, got 5000");
        assert_eq!(check_range(0.0, Some(1.0), None).unwrap_err(), "must be at least 1, got 0");
        assert!(check_length("abc", Some(1), Some(3)).is_ok());
        assert!(check_format("2025-01-01T00:00:00Z", Format::DateTime).is_ok());
        assert!(check_format("yesterday", Format::DateTime).is_err());
        assert!(check_format("https://mcp.example.com/mcp", Format::Uri).is_ok());
        assert!(check_format("not a uri", Format::Uri).is_err());
        assert!(check_format("6f1b0d3e-8a43-4d5e-9c1f-1234567890ab", Format::Uuid).is_ok());
        assert!(parse_integer("12x").is_err());
        assert_eq!(parse_integer("12").unwrap(), 12);
    }
}
