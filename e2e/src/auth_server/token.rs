//! `POST /token`: redeems an authorization code for an RS256 access token.
//!
//! Errors follow RFC 6749 §5.2: `invalid_client` with 401, every other refusal with 400, and
//! `server_error` with 500 while a test has switched the endpoint to fail.

use std::collections::BTreeMap;
use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use percent_encoding::percent_decode_str;
use serde_json::json;

use super::config::RegisteredClient;
use super::pkce;
use super::state::{IssuedCode, Shared};
use super::tokens::{claims_from_now, sign};
use super::wire::{parse_params, Incoming, Reply};

const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";

/// A refusal: the HTTP status, the RFC 6749 error code and a description for the test log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    status: u16,
    error: &'static str,
    description: String,
}

impl Refusal {
    fn invalid_request(description: impl Into<String>) -> Refusal {
        Refusal { status: 400, error: "invalid_request", description: description.into() }
    }

    fn invalid_client(description: impl Into<String>) -> Refusal {
        Refusal { status: 401, error: "invalid_client", description: description.into() }
    }

    fn invalid_grant(description: impl Into<String>) -> Refusal {
        Refusal { status: 400, error: "invalid_grant", description: description.into() }
    }

    fn into_reply(self) -> Reply {
        let reply = Reply::oauth_error(self.status, self.error, &self.description).not_cacheable();
        if self.status == 401 {
            // RFC 6749 §5.2: a 401 names the authentication scheme the client should use.
            reply.with_header("WWW-Authenticate", r#"Basic realm="e2e-auth-server""#)
        } else {
            reply
        }
    }
}

pub fn handle(shared: &Shared, request: &Incoming) -> Reply {
    let params = parse_params(&request.body);
    {
        let mut ledger = shared.ledger();
        ledger.token_requests += 1;
        ledger.last_token_request = params.as_ref().ok().cloned();
    }
    if shared.fails_token_requests() {
        return Reply::oauth_error(500, "server_error", "the test switched the token endpoint to fail").not_cacheable();
    }
    match redeem(shared, request, params) {
        Ok(reply) => reply,
        Err(refusal) => refusal.into_reply(),
    }
}

fn redeem(
    shared: &Shared,
    request: &Incoming,
    params: Result<BTreeMap<String, String>, String>,
) -> Result<Reply, Refusal> {
    if request.media_type().as_deref() != Some(FORM_MEDIA_TYPE) {
        return Err(Refusal::invalid_request(format!("the body must be {FORM_MEDIA_TYPE}")));
    }
    let params = params.map_err(Refusal::invalid_request)?;
    let client = authenticate(shared, request.header("authorization"), &params)?;
    match params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {}
        Some(other) => {
            return Err(Refusal {
                status: 400,
                error: "unsupported_grant_type",
                description: format!("grant_type {other} is not supported; use authorization_code"),
            })
        }
        None => return Err(Refusal::invalid_request("grant_type is missing")),
    }
    let code = params.get("code").ok_or_else(|| Refusal::invalid_request("code is missing"))?;
    let issued = spend_code(shared, code, client, &params)?;

    let lifetime = shared.config.access_token_lifetime.as_secs() as i64;
    let claims = claims_from_now(
        &shared.issuer,
        &shared.config.subject,
        &issued.audience,
        &issued.scope,
        &client.client_id,
        lifetime,
    );
    let access_token = sign(&claims, &shared.key, shared.key.kid()).map_err(|problem| Refusal {
        status: 500,
        error: "server_error",
        description: problem,
    })?;
    shared.ledger().tokens_issued += 1;
    Ok(Reply::json(
        200,
        &json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": issued.scope,
        }),
    )
    .not_cacheable())
}

/// The code as issued, once it is found unspent, unexpired and matching this request.
fn spend_code(
    shared: &Shared,
    code: &str,
    client: &RegisteredClient,
    params: &BTreeMap<String, String>,
) -> Result<IssuedCode, Refusal> {
    let mut ledger = shared.ledger();
    let issued = ledger.codes.get_mut(code).ok_or_else(|| Refusal::invalid_grant("unknown authorization code"))?;
    if issued.spent {
        return Err(Refusal::invalid_grant("the authorization code was already used"));
    }
    // Spent before any other check, so a wrong verifier cannot be retried against the same code.
    issued.spent = true;
    let issued = issued.clone();
    drop(ledger);

    if Instant::now() >= issued.expires_at {
        return Err(Refusal::invalid_grant("the authorization code has expired"));
    }
    if issued.client_id != client.client_id {
        return Err(Refusal::invalid_grant("the authorization code was issued to another client"));
    }
    check_redirect_uri(&issued.redirect_uri, client, params.get("redirect_uri"))?;
    let verifier = params
        .get("code_verifier")
        .ok_or_else(|| Refusal::invalid_grant("code_verifier is missing; the authorization used PKCE"))?;
    if !pkce::is_well_formed_verifier(verifier) {
        return Err(Refusal::invalid_request("code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]"));
    }
    if !pkce::verifier_matches(verifier, &issued.code_challenge) {
        return Err(Refusal::invalid_grant("code_verifier does not match the code_challenge"));
    }
    if let Some(resource) = params.get("resource") {
        if *resource != issued.audience {
            return Err(Refusal {
                status: 400,
                error: "invalid_target",
                description: format!("resource {resource} differs from the one authorized ({})", issued.audience),
            });
        }
    }
    Ok(issued)
}

/// RFC 6749 §4.1.3: a `redirect_uri` sent with the authorization must be sent again, identical.
fn check_redirect_uri(
    authorized: &Option<String>,
    client: &RegisteredClient,
    presented: Option<&String>,
) -> Result<(), Refusal> {
    let matches = match (authorized, presented) {
        (Some(authorized), Some(presented)) => authorized == presented,
        (Some(_), None) => false,
        (None, Some(presented)) => client.redirect_uris.contains(presented),
        (None, None) => true,
    };
    if matches {
        Ok(())
    } else {
        Err(Refusal::invalid_grant("redirect_uri does not match the authorization request"))
    }
}

/// The client, authenticated with `client_secret_basic` or `client_secret_post` (never both).
fn authenticate<'a>(
    shared: &'a Shared,
    authorization: Option<&str>,
    params: &BTreeMap<String, String>,
) -> Result<&'a RegisteredClient, Refusal> {
    let (client_id, secret) = match authorization {
        Some(header) => {
            if params.contains_key("client_secret") {
                return Err(Refusal::invalid_request(
                    "use one client authentication method: HTTP Basic or client_secret, not both",
                ));
            }
            let (client_id, secret) = basic_credentials(header)?;
            if params.get("client_id").is_some_and(|id| *id != client_id) {
                return Err(Refusal::invalid_request("client_id differs from the HTTP Basic user name"));
            }
            (client_id, secret)
        }
        None => {
            let client_id =
                params.get("client_id").ok_or_else(|| Refusal::invalid_client("no client authentication"))?;
            let secret = params
                .get("client_secret")
                .ok_or_else(|| Refusal::invalid_client(format!("client_secret is missing for {client_id}")))?;
            (client_id.clone(), secret.clone())
        }
    };
    let client = shared
        .config
        .client(&client_id)
        .ok_or_else(|| Refusal::invalid_client(format!("unknown client {client_id}")))?;
    // A plain comparison: this server only ever listens on loopback for tests.
    if client.client_secret != secret {
        return Err(Refusal::invalid_client(format!("wrong client secret for {client_id}")));
    }
    Ok(client)
}

/// RFC 6749 §2.3.1: Basic credentials are form-urlencoded before they are base64-encoded.
fn basic_credentials(header: &str) -> Result<(String, String), Refusal> {
    let malformed = || Refusal::invalid_client("malformed HTTP Basic credentials");
    let (scheme, encoded) = header.trim().split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(Refusal::invalid_client(format!("unsupported authorization scheme {scheme}; use Basic")));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (user, password) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok((form_decode(user)?, form_decode(password)?))
}

fn form_decode(text: &str) -> Result<String, Refusal> {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| Refusal::invalid_client("HTTP Basic credentials are not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        // "my%20client:s%2Bcret" → user "my client", password "s+cret".
        let header = format!("Basic {}", STANDARD.encode("my%20client:s%2Bcret"));
        assert_eq!(basic_credentials(&header).unwrap(), ("my client".to_string(), "s+cret".to_string()));
    }

    #[test]
    fn malformed_basic_credentials_are_invalid_client() {
        for header in ["Basic", "Basic !!!", "Bearer abc", &format!("Basic {}", STANDARD.encode("no-colon"))] {
            let refusal = basic_credentials(header).unwrap_err();
            assert_eq!((refusal.status, refusal.error), (401, "invalid_client"), "{header}");
        }
    }
}
