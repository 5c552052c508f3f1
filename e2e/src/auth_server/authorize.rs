//! `GET /authorize`: checks the request and, as a test server with no user interface, approves it at
//! once with a redirect that carries a fresh code.
//!
//! RFC 6749 §4.1.2.1: while the client or its redirect URI is in doubt the error is shown here (400)
//! and nothing is redirected; every later error goes back to the client as `error=` on the redirect.

use std::collections::BTreeMap;
use std::time::Instant;

use url::Url;

use super::config::RegisteredClient;
use super::pkce;
use super::random::random_token;
use super::state::{IssuedCode, Shared};
use super::wire::{parse_params, Reply};

/// Code length in random bytes; 32 bytes make a 43-character code.
const CODE_BYTES: usize = 32;

pub fn handle(shared: &Shared, query: &str) -> Reply {
    let params = match parse_params(query.as_bytes()) {
        Ok(params) => params,
        Err(problem) => {
            shared.ledger().authorization_requests += 1;
            return Reply::oauth_error(400, "invalid_request", &problem);
        }
    };
    {
        let mut ledger = shared.ledger();
        ledger.authorization_requests += 1;
        ledger.last_authorization_request = Some(params.clone());
    }

    let (client, redirect_uri) = match trusted_redirect(shared, &params) {
        Ok(found) => found,
        Err(problem) => return Reply::oauth_error(400, "invalid_request", &problem),
    };
    let answer = Answer {
        redirect_uri: redirect_uri.clone(),
        state: params.get("state").cloned(),
        issuer: shared.issuer.clone(),
    };
    let grant = match check_grant(shared, &params) {
        Ok(grant) => grant,
        Err((error, description)) => return answer.error(error, &description),
    };
    if shared.denies_authorizations() {
        return answer.error("access_denied", "the test user declined the authorization");
    }

    let code = random_token(CODE_BYTES);
    let mut ledger = shared.ledger();
    ledger.codes.insert(
        code.clone(),
        IssuedCode {
            client_id: client.client_id.clone(),
            redirect_uri: params.get("redirect_uri").cloned(),
            scope: grant.scope,
            code_challenge: grant.code_challenge,
            audience: grant.audience,
            expires_at: Instant::now() + shared.config.code_lifetime,
            spent: false,
        },
    );
    ledger.codes_issued += 1;
    answer.success(&code)
}

/// The client and the redirect URI to answer on, once both are known to be registered together.
fn trusted_redirect<'a>(
    shared: &'a Shared,
    params: &BTreeMap<String, String>,
) -> Result<(&'a RegisteredClient, String), String> {
    let client_id = params.get("client_id").ok_or("client_id is missing")?;
    let client = shared.config.client(client_id).ok_or_else(|| format!("unknown client_id {client_id}"))?;
    let redirect_uri = match params.get("redirect_uri") {
        Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
        Some(uri) => return Err(format!("redirect_uri {uri} is not registered for client {client_id}")),
        // OAuth 2.1 lets a client with exactly one registered URI leave it out.
        None => match client.redirect_uris.as_slice() {
            [only] => only.clone(),
            _ => return Err(format!("redirect_uri is missing and client {client_id} has more than one registered")),
        },
    };
    Url::parse(&redirect_uri).map_err(|e| format!("redirect_uri {redirect_uri} is no URL ({e})"))?;
    Ok((client, redirect_uri))
}

/// What the code will stand for once the request is found acceptable.
struct Grant {
    scope: String,
    code_challenge: String,
    audience: String,
}

type GrantError = (&'static str, String);

fn check_grant(shared: &Shared, params: &BTreeMap<String, String>) -> Result<Grant, GrantError> {
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some(other) => {
            return Err(("unsupported_response_type", format!("response_type {other} is not supported; use code")))
        }
        None => return Err(("invalid_request", "response_type is missing".to_string())),
    }

    let scope = params.get("scope").ok_or(("invalid_scope", "scope is missing".to_string()))?;
    let unsupported = shared.config.unsupported_scopes(scope);
    if !unsupported.is_empty() {
        return Err(("invalid_scope", format!("unsupported scope(s): {}", unsupported.join(", "))));
    }

    let code_challenge = params
        .get("code_challenge")
        .ok_or(("invalid_request", "code_challenge is missing (PKCE is required)".to_string()))?;
    match params.get("code_challenge_method").map(String::as_str) {
        Some("S256") => {}
        Some(other) => {
            return Err(("invalid_request", format!("code_challenge_method {other} is not supported; use S256")))
        }
        None => return Err(("invalid_request", "code_challenge_method is missing; use S256".to_string())),
    }
    if !pkce::is_well_formed_s256_challenge(code_challenge) {
        return Err(("invalid_request", "code_challenge is not a base64url SHA-256 digest".to_string()));
    }

    let audience = match params.get("resource") {
        Some(resource) => checked_resource(resource)?,
        None => shared.config.audience.clone(),
    };
    Ok(Grant { scope: scope.clone(), code_challenge: code_challenge.clone(), audience })
}

/// RFC 8707 §2: a resource indicator is an absolute URI without a fragment.
fn checked_resource(resource: &str) -> Result<String, GrantError> {
    match Url::parse(resource) {
        Ok(url) if url.fragment().is_none() => Ok(resource.to_string()),
        _ => Err(("invalid_target", format!("resource {resource} is not an absolute URI without a fragment"))),
    }
}

/// The redirect back to the client, which always echoes `state` and names the issuer (RFC 9207).
struct Answer {
    redirect_uri: String,
    state: Option<String>,
    issuer: String,
}

impl Answer {
    fn success(&self, code: &str) -> Reply {
        self.redirect(&[("code", code)])
    }

    fn error(&self, error: &str, description: &str) -> Reply {
        self.redirect(&[("error", error), ("error_description", description)])
    }

    fn redirect(&self, pairs: &[(&str, &str)]) -> Reply {
        // Checked as a URL in `trusted_redirect`, so parsing cannot fail here.
        let Ok(mut location) = Url::parse(&self.redirect_uri) else {
            return Reply::oauth_error(400, "invalid_request", "redirect_uri is no URL");
        };
        {
            let mut query = location.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", &self.issuer);
        }
        Reply::redirect(location.as_str())
    }
}
