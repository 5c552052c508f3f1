//! Authentication building blocks (work in progress on this branch): JWT access tokens verified with
//! WebCrypto against the authorization server's JWKS.

pub mod jwt;
mod webcrypto;

/// Who made a request, and which scopes they hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    pub subject: String,
    pub scopes: Vec<String>,
}
