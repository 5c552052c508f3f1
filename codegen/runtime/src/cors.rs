//! CORS: exact-origin echo for allowed origins only (or any origin, without credentials, on public routes),
//! and preflight answers.

use worker::{web_sys, Headers, Response};

use crate::outgoing::{ByAddress, SharedHeaders};
use crate::{ApiError, OutgoingResponse};

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

/// Who may read a route's answers from a script on another origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsAccess {
    /// The policy's allowed origins, each echoed exactly, with the policy's credentials setting.
    Listed,
    /// Any origin, without credentials: `Access-Control-Allow-Origin: *`. The answer does not depend on the
    /// `Origin`, so it is not varied by it either.
    Public,
}

/// What a response grants the origin that asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Grant {
    /// The allowed origin at this index of the policy's list.
    Listed(usize),
    /// Every origin (a public route).
    AnyOrigin,
    /// Nothing: an origin the policy does not allow, or no `Origin` at all.
    Refused,
}

impl CorsPolicy {
    /// The origin to echo, when it is allowed. Origins are compared exactly, never by pattern.
    pub fn allowed(&self, origin: Option<&str>) -> Option<&'static str> {
        self.allowed_index(origin).map(|index| self.allow_origins[index])
    }

    fn allowed_index(&self, origin: Option<&str>) -> Option<usize> {
        let origin = origin?;
        self.allow_origins.iter().position(|allowed| *allowed == origin)
    }

    /// What `access` grants a request from `origin`. A public route never looks at the origin.
    fn grant(&self, access: CorsAccess, origin: Option<&str>) -> Grant {
        match access {
            CorsAccess::Public => Grant::AnyOrigin,
            CorsAccess::Listed => self.allowed_index(origin).map_or(Grant::Refused, Grant::Listed),
        }
    }

    /// The runtime's response for `response`, answering a request from `origin` on a route with `access`,
    /// with CORS headers added.
    pub fn finish(
        &'static self,
        access: CorsAccess,
        origin: Option<&str>,
        response: OutgoingResponse,
    ) -> worker::Result<web_sys::Response> {
        let shared = SharedHeaders::Answer {
            policy: ByAddress(self),
            content_type: response.content_type.map(ByAddress),
            grant: self.grant(access, origin),
            exposes: response.headers.iter().any(|(name, _)| self.is_exposed(name)),
        };
        response.send(shared)
    }

    /// The answer to an `OPTIONS` preflight for a path that serves `methods` with `access`. A refused origin
    /// gets a plain 204 without CORS headers, which browsers treat as a refusal.
    pub fn preflight(
        &'static self,
        access: CorsAccess,
        origin: Option<&str>,
        methods: &'static str,
    ) -> worker::Result<web_sys::Response> {
        let shared = SharedHeaders::Preflight {
            policy: ByAddress(self),
            methods: ByAddress(methods),
            grant: self.grant(access, origin),
        };
        OutgoingResponse::empty(204).send(shared)
    }

    /// Whether `name` is one of the headers the policy exposes to scripts (header names are case-insensitive).
    /// Read from the header's own list, so the two cannot disagree.
    fn is_exposed(&self, name: &str) -> bool {
        self.expose_headers.split(',').any(|exposed| exposed.trim().eq_ignore_ascii_case(name))
    }

    /// What every fresh answer carries, given what it `grant`s. An answer for the listed origins is varied by
    /// Origin whether or not the origin is allowed, so caches never serve one origin's answer to another; a
    /// public answer is the same for every origin and carries no credentials.
    ///
    /// `Access-Control-Expose-Headers` goes only on an answer that `exposes` a header the policy lists: it
    /// lets scripts read headers the response carries, so on any other answer it is bytes for nothing. Each
    /// response header costs the runtime a few µs of CPU, and most answers (health, documents, errors,
    /// store reads) carry no exposed header (`bench/README.md`).
    pub(crate) fn answer_headers(&self, grant: Grant, exposes: bool) -> Vec<(&'static str, &'static str)> {
        let mut headers = match grant {
            Grant::Refused => return vec![("Vary", "Origin")],
            Grant::AnyOrigin => vec![("Access-Control-Allow-Origin", "*")],
            Grant::Listed(index) => {
                let mut headers = vec![("Vary", "Origin"), ("Access-Control-Allow-Origin", self.allow_origins[index])];
                if self.allow_credentials {
                    headers.push(("Access-Control-Allow-Credentials", "true"));
                }
                headers
            }
        };
        if exposes && !self.expose_headers.is_empty() {
            headers.push(("Access-Control-Expose-Headers", self.expose_headers));
        }
        headers
    }

    /// What a preflight's answer carries.
    ///
    /// A public path's answer is the same whatever the request, so it is not varied.
    pub(crate) fn preflight_headers(&self, methods: &'static str, grant: Grant) -> Vec<(&'static str, &'static str)> {
        const VARY: (&str, &str) = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        let mut headers = vec![("Allow", methods)];
        match grant {
            Grant::Refused => {
                headers.push(VARY);
                return headers;
            }
            Grant::AnyOrigin => headers.push(("Access-Control-Allow-Origin", "*")),
            Grant::Listed(index) => {
                headers.push(VARY);
                headers.push(("Access-Control-Allow-Origin", self.allow_origins[index]));
            }
        }
        headers.push(("Access-Control-Allow-Methods", methods));
        if !self.allow_headers.is_empty() {
            headers.push(("Access-Control-Allow-Headers", self.allow_headers));
        }
        if self.allow_credentials && grant != Grant::AnyOrigin {
            headers.push(("Access-Control-Allow-Credentials", "true"));
        }
        if let Some(max_age) = self.max_age {
            headers.push(("Access-Control-Max-Age", max_age));
        }
        headers
    }

    /// Headers of a response passed through from elsewhere (a Durable Object) are immutable; this copies
    /// them into a fresh set with CORS added for the listed origins (streams are never public routes).
    /// WebSocket upgrades are returned untouched.
    pub fn apply_to_forwarded(&self, origin: Option<&str>, response: Response) -> Result<Response, ApiError> {
        if response.status_code() == 101 {
            return Ok(response);
        }
        let headers = Headers::new();
        let mut exposes = false;
        for (name, value) in response.headers().entries() {
            exposes |= self.is_exposed(&name);
            headers.append(&name, &value)?;
        }
        for (name, value) in self.answer_headers(self.grant(CorsAccess::Listed, origin), exposes) {
            // Vary lists what the forwarded answer already varies by, too; the others are this worker's say.
            if name == "Vary" {
                headers.append(name, value)?;
            } else {
                headers.set(name, value)?;
            }
        }
        Ok(response.with_headers(headers))
    }
}

#[cfg(test)]
mod tests {
    use super::{CorsAccess, CorsPolicy, Grant};

    static POLICY: CorsPolicy = CorsPolicy {
        allow_origins: &["https://a.example", "https://b.example"],
        allow_credentials: true,
        allow_headers: "Authorization, Content-Type",
        expose_headers: "Mcp-Session-Id",
        max_age: Some("600"),
    };

    #[test]
    fn only_listed_origins_are_echoed() {
        assert_eq!(POLICY.allowed(Some("https://b.example")), Some("https://b.example"));
        for other in ["https://c.example", "https://a.example/", "HTTPS://a.example", ""] {
            assert_eq!(POLICY.allowed(Some(other)), None, "{other}");
        }
        assert_eq!(POLICY.allowed(None), None);
    }

    #[test]
    fn answers_vary_by_origin_and_carry_cors_only_when_allowed() {
        assert_eq!(POLICY.answer_headers(Grant::Refused, true), [("Vary", "Origin")]);
        assert_eq!(
            POLICY.answer_headers(Grant::Listed(1), true),
            [
                ("Vary", "Origin"),
                ("Access-Control-Allow-Origin", "https://b.example"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "Mcp-Session-Id"),
            ]
        );
    }

    #[test]
    fn only_answers_carrying_an_exposed_header_expose_it() {
        for name in ["Mcp-Session-Id", "mcp-session-id"] {
            assert!(POLICY.is_exposed(name), "{name}");
        }
        for name in ["Location", "Mcp-Session", ""] {
            assert!(!POLICY.is_exposed(name), "{name}");
        }
        let plain = POLICY.answer_headers(Grant::Listed(0), false);
        assert!(plain.iter().all(|(name, _)| *name != "Access-Control-Expose-Headers"), "{plain:?}");
        assert!(plain.contains(&("Access-Control-Allow-Credentials", "true")));
    }

    #[test]
    fn a_refused_preflight_lists_methods_but_grants_nothing() {
        let refused = POLICY.preflight_headers("GET, OPTIONS", Grant::Refused);
        assert!(refused.iter().all(|(name, _)| !name.starts_with("Access-Control-")), "{refused:?}");
        assert!(refused.contains(&("Allow", "GET, OPTIONS")));
        let granted = POLICY.preflight_headers("GET, OPTIONS", Grant::Listed(0));
        for expected in [
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Allow-Methods", "GET, OPTIONS"),
            ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Max-Age", "600"),
        ] {
            assert!(granted.contains(&expected), "{expected:?} missing from {granted:?}");
        }
    }

    #[test]
    fn a_public_route_grants_every_origin_without_credentials_or_vary() {
        for origin in [Some("https://a.example"), Some("https://elsewhere.example"), None] {
            assert_eq!(POLICY.grant(CorsAccess::Public, origin), Grant::AnyOrigin, "{origin:?}");
        }
        assert_eq!(POLICY.answer_headers(Grant::AnyOrigin, false), [("Access-Control-Allow-Origin", "*")]);
        assert_eq!(
            POLICY.answer_headers(Grant::AnyOrigin, true),
            [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "Mcp-Session-Id")]
        );
        assert_eq!(
            POLICY.preflight_headers("GET, OPTIONS", Grant::AnyOrigin),
            [
                ("Allow", "GET, OPTIONS"),
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET, OPTIONS"),
                ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                ("Access-Control-Max-Age", "600"),
            ]
        );
    }

    #[test]
    fn listed_access_grants_only_listed_origins() {
        assert_eq!(POLICY.grant(CorsAccess::Listed, Some("https://b.example")), Grant::Listed(1));
        assert_eq!(POLICY.grant(CorsAccess::Listed, Some("https://elsewhere.example")), Grant::Refused);
        assert_eq!(POLICY.grant(CorsAccess::Listed, None), Grant::Refused);
    }
}
