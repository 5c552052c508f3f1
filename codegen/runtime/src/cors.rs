//! CORS: exact-origin echo for allowed origins only, and preflight answers.

use worker::{Headers, Response};

use crate::ApiError;

/// A CORS policy generated from the spec; all header values are precomputed strings.
#[derive(Debug)]
pub struct CorsPolicy {
    pub allow_origins: &'static [&'static str],
    pub allow_credentials: bool,
    /// Comma-separated, for `Access-Control-Allow-Headers`.
    pub allow_headers: &'static str,
    /// Comma-separated, for `Access-Control-Expose-Headers`.
    pub expose_headers: &'static str,
    /// Seconds, for `Access-Control-Max-Age`.
    pub max_age: Option<&'static str>,
}

impl CorsPolicy {
    /// The origin to echo, when it is allowed. Origins are compared exactly, never by pattern.
    pub fn allowed<'a>(&self, origin: Option<&'a str>) -> Option<&'a str> {
        origin.filter(|origin| self.allow_origins.contains(origin))
    }

    /// Adds CORS headers to an answer for a request from `origin`. A response is varied by Origin whether
    /// or not the origin is allowed, so caches never serve one origin's answer to another.
    pub fn apply(&self, origin: Option<&str>, headers: &Headers) -> Result<(), ApiError> {
        headers.append("Vary", "Origin")?;
        if let Some(origin) = self.allowed(origin) {
            headers.set("Access-Control-Allow-Origin", origin)?;
            if self.allow_credentials {
                headers.set("Access-Control-Allow-Credentials", "true")?;
            }
            if !self.expose_headers.is_empty() {
                headers.set("Access-Control-Expose-Headers", self.expose_headers)?;
            }
        }
        Ok(())
    }

    /// The answer to an `OPTIONS` preflight for a path that serves `methods`. A refused origin gets a plain
    /// 204 without CORS headers, which browsers treat as a refusal.
    pub fn preflight(&self, origin: Option<&str>, methods: &'static str) -> Result<Response, ApiError> {
        let response = Response::empty()?.with_status(204);
        let headers = response.headers();
        headers.set("Allow", methods)?;
        headers.set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")?;
        if let Some(origin) = self.allowed(origin) {
            headers.set("Access-Control-Allow-Origin", origin)?;
            headers.set("Access-Control-Allow-Methods", methods)?;
            if !self.allow_headers.is_empty() {
                headers.set("Access-Control-Allow-Headers", self.allow_headers)?;
            }
            if self.allow_credentials {
                headers.set("Access-Control-Allow-Credentials", "true")?;
            }
            if let Some(max_age) = self.max_age {
                headers.set("Access-Control-Max-Age", max_age)?;
            }
        }
        Ok(response)
    }

    /// Headers of a response passed through from elsewhere (a Durable Object) are immutable; this copies
    /// them into a fresh set with CORS added. WebSocket upgrades are returned untouched.
    pub fn apply_to_forwarded(&self, origin: Option<&str>, response: Response) -> Result<Response, ApiError> {
        if response.status_code() == 101 {
            return Ok(response);
        }
        let headers = Headers::new();
        for (name, value) in response.headers().entries() {
            headers.append(&name, &value)?;
        }
        self.apply(origin, &headers)?;
        Ok(response.with_headers(headers))
    }
}
