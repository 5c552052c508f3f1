//! OAuth for generated workers: scope checks on every protected route, and the sign-in flow.
//!
//! A caller is authenticated by a session (created by sign-in, kept in KV, named by the session cookie or
//! sent as a bearer token) or by a JWT access token from the environment's authorization server (RS256,
//! checked against its JWKS, `iss`, `aud` = this resource's origin, `exp`). Tokens are never read from the
//! query string.

pub mod jwt;
mod login;
mod session;
mod webcrypto;

use crate::{ApiError, ErrorCode, IncomingRequest};

pub(crate) use login::random_token;
pub use login::{begin_login, complete_login, logout};

/// One environment's authorization server and this worker's registration with it, from the spec.
#[derive(Debug)]
pub struct OAuthServer {
    pub issuer: &'static str,
    pub authorization_endpoint: &'static str,
    pub token_endpoint: &'static str,
    pub jwks_uri: &'static str,
    pub client_id: &'static str,
    /// A path on this origin or an absolute URL.
    pub post_login_redirect: &'static str,
}

/// How the spec configures sessions and sign-in.
#[derive(Debug)]
pub struct AuthPolicy {
    /// KV binding holding sign-in state and sessions.
    pub session_store: &'static str,
    pub session_cookie: &'static str,
    pub session_ttl_seconds: u64,
    pub login_state_ttl_seconds: u64,
    /// Name of the secret holding the OAuth client secret.
    pub client_secret: &'static str,
    /// Every scope the API declares; sign-in asks for all of them.
    pub scopes: &'static [&'static str],
    /// Path of the protected-resource metadata, named in `WWW-Authenticate`.
    pub metadata_path: &'static str,
    /// Path of the callback route, the redirect URI registered with the authorization server.
    pub callback_path: &'static str,
}

/// The running deployment: its bindings, public origin (the token audience) and authorization server.
pub struct Deployment<'a> {
    pub env: &'a worker::Env,
    pub origin: &'static str,
    pub server: &'static OAuthServer,
}

/// Who made a request, and which scopes they hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    pub subject: String,
    pub scopes: Vec<String>,
}

/// Authenticates the request and checks it holds every `required` scope.
///
/// No credentials or a bad one → 401 with `WWW-Authenticate: Bearer resource_metadata=…` (RFC 9728), so
/// clients can discover where to sign in; valid credentials without a scope → 403 `insufficient_scope`.
pub async fn authorize(
    request: &IncomingRequest,
    deployment: &Deployment<'_>,
    policy: &AuthPolicy,
    required: &[&str],
) -> Result<Principal, ApiError> {
    let challenge = Challenge { deployment, policy, required };
    // An Authorization header of another scheme is no credential here; the challenge says which one is.
    let credential = credential(request, policy).map_err(|error| match error.status {
        401 => error.with_header("WWW-Authenticate", challenge.header(None, required)),
        _ => error,
    })?;
    let principal = match credential {
        None => return Err(challenge.unauthorized(None)),
        Some(Credential::Bearer(token)) if jwt::looks_like_jwt(&token) => {
            verify_access_token(&token, deployment).await.map_err(|reason| challenge.unauthorized(Some(&reason)))?
        }
        Some(Credential::Bearer(id) | Credential::Cookie(id)) => session::load(deployment.env, policy, &id)
            .await?
            .ok_or_else(|| challenge.unauthorized(Some("the session has expired or does not exist")))?,
    };
    let missing: Vec<&str> =
        required.iter().copied().filter(|s| !principal.scopes.iter().any(|held| held == s)).collect();
    if missing.is_empty() {
        Ok(principal)
    } else {
        Err(challenge.forbidden(&missing))
    }
}

/// Checks an access token completely: signature, issuer, audience and lifetime.
pub(crate) async fn verify_access_token(token: &str, deployment: &Deployment<'_>) -> Result<Principal, String> {
    let decoded = jwt::decode(token)?;
    let now = (js_sys::Date::now() / 1000.0) as i64;
    jwt::check_claims(&decoded.claims, deployment.server.issuer, deployment.origin, now)?;
    jwt::verify_signature(&decoded, deployment.server.jwks_uri).await?;
    Ok(jwt::principal(&decoded.claims))
}

enum Credential {
    Bearer(String),
    Cookie(String),
}

/// The bearer token from `Authorization`, else the session cookie.
fn credential(request: &IncomingRequest, policy: &AuthPolicy) -> Result<Option<Credential>, ApiError> {
    let headers = request.headers();
    if let Some(authorization) = headers.get("Authorization")? {
        let (scheme, token) = authorization.split_once(' ').unwrap_or((authorization.as_str(), ""));
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::new(
                401,
                ErrorCode::Unauthorized,
                "the Authorization header must be `Bearer <token>`",
            )
            .at("header.Authorization"));
        }
        return Ok(Some(Credential::Bearer(token.trim().to_owned())));
    }
    let cookies = headers.get("Cookie")?.unwrap_or_default();
    Ok(cookie_value(&cookies, policy.session_cookie).map(|id| Credential::Cookie(id.to_owned())))
}

/// The value of cookie `name` in a `Cookie` header.
pub(crate) fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(key, _)| *key == name).map(|(_, v)| v)
}

struct Challenge<'a> {
    deployment: &'a Deployment<'a>,
    policy: &'a AuthPolicy,
    required: &'a [&'a str],
}

impl Challenge<'_> {
    fn header(&self, error: Option<(&str, &str)>, scopes: &[&str]) -> String {
        let mut value = format!("Bearer resource_metadata=\"{}{}\"", self.deployment.origin, self.policy.metadata_path);
        if !scopes.is_empty() {
            value.push_str(&format!(", scope=\"{}\"", scopes.join(" ")));
        }
        if let Some((code, description)) = error {
            value.push_str(&format!(", error=\"{code}\", error_description=\"{}\"", description.replace('"', "'")));
        }
        value
    }

    fn unauthorized(&self, reason: Option<&str>) -> ApiError {
        let message = match reason {
            Some(reason) => format!("authentication failed: {reason}"),
            None => "authentication required: send `Authorization: Bearer <token>` or sign in".to_owned(),
        };
        let header = self.header(reason.map(|r| ("invalid_token", r)), self.required);
        ApiError::new(401, ErrorCode::Unauthorized, message).with_header("WWW-Authenticate", header)
    }

    fn forbidden(&self, missing: &[&str]) -> ApiError {
        let message =
            format!("the token lacks the scope{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", "));
        let header = self.header(Some(("insufficient_scope", &message)), self.required);
        ApiError::new(403, ErrorCode::InsufficientScope, message).with_header("WWW-Authenticate", header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "theme=dark; __Host-session=abc123; other=1";
        assert_eq!(cookie_value(header, "__Host-session"), Some("abc123"));
        assert_eq!(cookie_value(header, "session"), None);
        assert_eq!(cookie_value("", "__Host-session"), None);
    }
}
