//! Building responses.

use serde::Serialize;
use worker::{Response, ResponseBody};

use crate::ApiError;

/// A redirect a handler answers with, plus cookies to set on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub location: String,
    pub status: u16,
    /// Complete `Set-Cookie` header values.
    pub set_cookies: Vec<String>,
}

impl Redirect {
    /// A 302 Found to `location`.
    pub fn to(location: impl Into<String>) -> Self {
        Self { location: location.into(), status: 302, set_cookies: Vec::new() }
    }

    pub fn with_cookie(mut self, cookie: impl Into<String>) -> Self {
        self.set_cookies.push(cookie.into());
        self
    }

    pub fn into_response(self) -> Result<Response, ApiError> {
        let response = Response::empty()?.with_status(self.status);
        let headers = response.headers();
        headers.set("Location", &self.location)?;
        for cookie in &self.set_cookies {
            headers.append("Set-Cookie", cookie)?;
        }
        Ok(response)
    }
}

/// Serializes `value` as the JSON body of a `status` answer.
pub fn json_response<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(|error| {
        worker::console_error!("cannot serialize a response: {error}");
        ApiError::internal("internal error")
    })?;
    Ok(json_text(status, body)?)
}

/// A response's headers start empty; each header set is one call into JavaScript, so the response's own
/// set is filled in rather than replaced by a new one.
pub(crate) fn json_text(status: u16, body: String) -> worker::Result<Response> {
    let response = Response::from_body(ResponseBody::Body(body.into_bytes()))?.with_status(status);
    response.headers().set("Content-Type", "application/json; charset=utf-8")?;
    Ok(response)
}

/// A document known at build time, served as is.
pub fn static_response(body: &'static str, content_type: &'static str) -> Result<Response, ApiError> {
    let response = Response::from_body(ResponseBody::Body(body.as_bytes().to_vec()))?;
    response.headers().set("Content-Type", content_type)?;
    Ok(response)
}
