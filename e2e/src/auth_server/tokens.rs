//! Access tokens: the claims every token carries, what a test may ask for, and RS256 signing.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};

use super::config::DEFAULT_SUBJECT;
use super::keys::SigningKey;
use super::random::random_token;

/// The claims of an access token (RFC 9068 names), as issued and as tests decode them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    /// Seconds since the Unix epoch.
    pub exp: i64,
    pub iat: i64,
    /// Space-separated scopes.
    pub scope: String,
    pub client_id: String,
    pub jti: String,
}

impl AccessTokenClaims {
    pub fn scopes(&self) -> Vec<&str> {
        self.scope.split(' ').filter(|s| !s.is_empty()).collect()
    }
}

/// A token a test mints directly, without the code flow, typically to be refused by the worker.
///
/// ```no_run
/// # use e2e::auth_server::TokenSpec;
/// let expired = TokenSpec { expires_in_seconds: -60, ..TokenSpec::for_scopes(["search.read"]) };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpec {
    pub subject: String,
    pub scopes: Vec<String>,
    /// `None` uses the server's configured audience.
    pub audience: Option<String>,
    /// From now; zero or negative gives a token that is already expired.
    pub expires_in_seconds: i64,
    /// `None` uses the server's own issuer.
    pub issuer_override: Option<String>,
    /// `None` uses the first registered client, or `e2e-client` when there is none.
    pub client_id: Option<String>,
}

impl TokenSpec {
    /// A valid one-hour token for the default subject with these scopes.
    pub fn for_scopes<I, S>(scopes: I) -> TokenSpec
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        TokenSpec { scopes: scopes.into_iter().map(Into::into).collect(), ..TokenSpec::default() }
    }
}

impl Default for TokenSpec {
    fn default() -> TokenSpec {
        TokenSpec {
            subject: DEFAULT_SUBJECT.to_string(),
            scopes: Vec::new(),
            audience: None,
            expires_in_seconds: 3600,
            issuer_override: None,
            client_id: None,
        }
    }
}

/// Claims for a token valid from now for `lifetime_seconds` (or already expired when that is not
/// positive), with a fresh `jti`.
pub fn claims_from_now(
    issuer: &str,
    subject: &str,
    audience: &str,
    scope: &str,
    client_id: &str,
    lifetime_seconds: i64,
) -> AccessTokenClaims {
    let now = unix_now();
    let exp = now + lifetime_seconds;
    // An expired token looks like one that lived a normal hour and ran out, so a verifier that also
    // checks `iat <= exp` still reports it as expired rather than malformed.
    let iat = if lifetime_seconds > 0 { now } else { exp - 3600 };
    AccessTokenClaims {
        iss: issuer.to_string(),
        sub: subject.to_string(),
        aud: audience.to_string(),
        exp,
        iat,
        scope: scope.to_string(),
        client_id: client_id.to_string(),
        jti: random_token(16),
    }
}

/// A compact JWS: RS256, `typ` `at+jwt` (RFC 9068) and the key's `kid`.
pub fn sign(claims: &AccessTokenClaims, key: &SigningKey, kid: &str) -> Result<String, String> {
    let mut header = Header::new(Algorithm::RS256);
    header.typ = Some("at+jwt".to_string());
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, key.encoding_key()).map_err(|e| format!("cannot sign the access token ({e})"))
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64)
}
