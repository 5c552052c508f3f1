//! The documents a client reads before it starts: RFC 8414 metadata and the JWK Set.

use jsonwebtoken::jwk::JwkSet;
use serde_json::{json, Value};

use super::state::Shared;
use super::wire::Reply;

/// RFC 8414 authorization server metadata.
pub fn metadata(shared: &Shared) -> Value {
    let mut document = json!({
        "issuer": shared.issuer,
        "authorization_endpoint": shared.authorization_endpoint(),
        "token_endpoint": shared.token_endpoint(),
        "jwks_uri": shared.jwks_uri(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        // Redirects carry `iss` (RFC 9207) so a client can detect a mix-up between servers.
        "authorization_response_iss_parameter_supported": true,
    });
    if !shared.config.scopes_supported.is_empty() {
        document["scopes_supported"] = json!(shared.config.scopes_supported);
    }
    document
}

/// The published keys: only the signing key, never the foreign one.
pub fn jwks(shared: &Shared) -> JwkSet {
    JwkSet { keys: vec![shared.key.public_jwk()] }
}

pub fn metadata_reply(shared: &Shared) -> Reply {
    Reply::json(200, &metadata(shared))
}

pub fn jwks_reply(shared: &Shared) -> Reply {
    // A JwkSet of plain strings and enums always serializes.
    let value = serde_json::to_value(jwks(shared)).unwrap_or(Value::Null);
    Reply::json(200, &value)
}
