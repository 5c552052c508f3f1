//! Errors a handler or the generated plumbing answers with, always as a JSON body.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// The machine-readable `error.code` of an error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidParameter,
    InvalidBody,
    Unauthorized,
    Forbidden,
    /// RFC 6750: the token is valid but lacks a scope the route requires.
    InsufficientScope,
    NotFound,
    MethodNotAllowed,
    Conflict,
    UnsupportedMediaType,
    BadGateway,
    Internal,
}

/// An error answer: status, code, a message for people, and where in the request the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: ErrorCode,
    pub message: Cow<'static, str>,
    /// Where the problem is, e.g. `query.limit` or `body.endpoint`.
    pub location: Option<Cow<'static, str>>,
    /// Methods to list in `Allow` for a 405.
    pub allow: Option<&'static str>,
    /// Further headers, such as `WWW-Authenticate` or a `Set-Cookie` that clears a session.
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { status, code, message: message.into(), location: None, allow: None, headers: Vec::new() }
    }

    pub fn at(mut self, location: impl Into<Cow<'static, str>>) -> Self {
        self.location = Some(location.into());
        self
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn invalid_parameter(location: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(400, ErrorCode::InvalidParameter, message).at(location)
    }

    pub fn invalid_body(location: impl Into<Cow<'static, str>>, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(400, ErrorCode::InvalidBody, message).at(location)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(404, ErrorCode::NotFound, message)
    }

    pub fn method_not_allowed(method: &str, allow: &'static str) -> Self {
        let mut error =
            Self::new(405, ErrorCode::MethodNotAllowed, format!("{method} is not allowed here; use {allow}"));
        error.allow = Some(allow);
        error
    }

    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(409, ErrorCode::Conflict, message)
    }

    pub fn bad_gateway(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(502, ErrorCode::BadGateway, message)
    }

    pub fn internal(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(500, ErrorCode::Internal, message)
    }

    /// The JSON body: `{"error": {"code", "message", "location"?}}`.
    pub fn body(&self) -> String {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            code: ErrorCode,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            location: Option<&'a str>,
        }
        let body =
            Body { error: Inner { code: self.code, message: &self.message, location: self.location.as_deref() } };
        serde_json::to_string(&body).unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"error"}}"#.to_owned())
    }

    pub fn into_response(self) -> crate::OutgoingResponse {
        let mut response = crate::OutgoingResponse::json(self.status, self.body().into_bytes());
        if let Some(allow) = self.allow {
            response = response.with_header("Allow", allow);
        }
        response.headers.extend(self.headers);
        response
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{} at {location}: {}", self.status, self.message),
            None => write!(f, "{}: {}", self.status, self.message),
        }
    }
}

impl std::error::Error for ApiError {}

/// Runtime failures (a missing binding, a storage error) become a 500 whose body hides the detail; the
/// detail goes to the log, where operators see it and callers do not.
impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        worker::console_error!("internal error: {error}");
        Self::internal("internal error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_shape() {
        let error = ApiError::invalid_parameter("query.limit", "must be at most 1000, got 5000");
        assert_eq!(
            error.body(),
            r#"{"error":{"code":"invalid_parameter","message":"must be at most 1000, got 5000","location":"query.limit"}}"#
        );
        assert_eq!(ApiError::not_found("no route").body(), r#"{"error":{"code":"not_found","message":"no route"}}"#);
    }

    #[test]
    fn the_answer_carries_allow_then_the_error_s_own_headers() {
        let mut error = ApiError::method_not_allowed("PUT", "GET, OPTIONS");
        error = error.with_header("WWW-Authenticate", "Bearer");
        let response = error.clone().into_response();
        assert_eq!((response.status, response.content_type), (405, Some("application/json; charset=utf-8")));
        assert_eq!(response.bytes(), Some(error.body().as_bytes()));
        let expected = [("Allow", "GET, OPTIONS"), ("WWW-Authenticate", "Bearer")];
        assert_eq!(response.headers.iter().map(|(name, value)| (*name, value.as_str())).collect::<Vec<_>>(), expected);
    }
}
