//! The sign-in flow: authorization code with PKCE (RFC 7636) and a one-time `state` against CSRF.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use super::session::{self, LoginState};
use super::{cookie_value, jwt, webcrypto, AuthPolicy, Deployment, Principal};
use crate::{ApiError, Redirect};

pub(crate) fn random_token() -> Result<String, ApiError> {
    let bytes = webcrypto::random_bytes(32).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn redirect_uri(deployment: &Deployment<'_>, policy: &AuthPolicy) -> String {
    format!("{}{}", deployment.origin, policy.callback_path)
}

/// Redirects to the authorization server, remembering the PKCE verifier under a fresh one-time state.
pub async fn begin_login(deployment: &Deployment<'_>, policy: &AuthPolicy) -> Result<Redirect, ApiError> {
    let state = random_token()?;
    let code_verifier = random_token()?;
    let digest = webcrypto::sha256(code_verifier.as_bytes()).await.map_err(ApiError::internal)?;
    let challenge = URL_SAFE_NO_PAD.encode(digest);
    session::save_login_state(deployment.env, policy, &state, &LoginState { code_verifier }).await?;
    let mut url = url::Url::parse(deployment.server.authorization_endpoint)
        .map_err(|_| ApiError::internal("the authorization endpoint in the spec is not a URL"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", deployment.server.client_id)
        .append_pair("redirect_uri", &redirect_uri(deployment, policy))
        .append_pair("scope", &policy.scopes.join(" "))
        .append_pair("state", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(Redirect::to(url.to_string()))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    scope: Option<String>,
}

/// Checks the state and the issuer, exchanges the code, stores the session and sets its cookie.
///
/// `issuer` is the `iss` of the authorization response (RFC 9207), when the server sent one. The state is
/// spent before the issuer is compared, so a response from the wrong server cannot be replayed either.
pub async fn complete_login(
    deployment: &Deployment<'_>,
    policy: &AuthPolicy,
    code: &str,
    state: &str,
    issuer: Option<&str>,
) -> Result<Redirect, ApiError> {
    let Some(login) = session::take_login_state(deployment.env, policy, state).await? else {
        return Err(ApiError::invalid_parameter(
            "query.state",
            "unknown, expired or already used sign-in state; start again at the sign-in link",
        ));
    };
    check_issuer(issuer, deployment.server.issuer)?;
    let tokens = exchange_code(deployment, policy, code, &login.code_verifier).await?;
    // A JWT access token is checked like any bearer token; an opaque one is trusted as the server's answer.
    let principal = if jwt::looks_like_jwt(&tokens.access_token) {
        super::verify_access_token(&tokens.access_token, deployment).await.map_err(|reason| {
            ApiError::bad_gateway(format!("the authorization server issued an unusable token: {reason}"))
        })?
    } else {
        Principal {
            subject: String::new(),
            scopes: tokens.scope.unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        }
    };
    let session_id = random_token()?;
    session::save(deployment.env, policy, &session_id, &principal).await?;
    let cookie = format!(
        "{}={session_id}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={}",
        policy.session_cookie, policy.session_ttl_seconds
    );
    let target = deployment.server.post_login_redirect;
    let location = if target.starts_with('/') { format!("{}{target}", deployment.origin) } else { target.to_owned() };
    Ok(Redirect::to(location).with_cookie(cookie))
}

/// RFC 9207 §2.4: an `iss` in the authorization response must equal the issuer the request was sent to,
/// by simple string comparison; otherwise the code may come from another server (a mix-up attack) and is
/// never exchanged. A response without `iss` is accepted: not every server sends one.
fn check_issuer(sent: Option<&str>, expected: &str) -> Result<(), ApiError> {
    match sent {
        Some(issuer) if issuer != expected => Err(ApiError::invalid_parameter(
            "query.iss",
            format!(
                "the authorization response comes from `{issuer}`, not from this environment's issuer `{expected}`"
            ),
        )),
        _ => Ok(()),
    }
}

async fn exchange_code(
    deployment: &Deployment<'_>,
    policy: &AuthPolicy,
    code: &str,
    code_verifier: &str,
) -> Result<TokenResponse, ApiError> {
    let secret = deployment
        .env
        .secret(policy.client_secret)
        .map(|s| s.to_string())
        .map_err(|_| ApiError::bad_gateway("the OAuth client is not configured (its secret is missing)"))?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", &redirect_uri(deployment, policy))
        .append_pair("client_id", deployment.server.client_id)
        .append_pair("client_secret", &secret)
        .append_pair("code_verifier", code_verifier)
        .finish();
    let headers = Headers::new();
    headers.set("Content-Type", "application/x-www-form-urlencoded")?;
    headers.set("Accept", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(form.into()));
    let request = Request::new_with_init(deployment.server.token_endpoint, &init)?;
    // The message never includes the server's answer: it might echo the client secret.
    let refused = || ApiError::bad_gateway("the authorization server refused the code exchange");
    let mut response = Fetch::Request(request).send().await.map_err(|_| refused())?;
    if !(200..300).contains(&response.status_code()) {
        return Err(refused());
    }
    response.json::<TokenResponse>().await.map_err(|_| refused())
}

/// Ends the session named by the `X-Session-Id` header or the cookie, and clears the cookie.
pub async fn logout(
    request: &crate::IncomingRequest,
    deployment: &Deployment<'_>,
    policy: &AuthPolicy,
    session_header: Option<&str>,
) -> Result<crate::OutgoingResponse, ApiError> {
    let cookies = request.headers().get("Cookie")?.unwrap_or_default();
    let id = session_header.or_else(|| cookie_value(&cookies, policy.session_cookie));
    if let Some(id) = id {
        session::delete(deployment.env, policy, id).await?;
    }
    let clear = format!("{}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0", policy.session_cookie);
    Ok(crate::json_response(200, &serde_json::json!({ "success": true }))?.with_header("Set-Cookie", clear))
}

#[cfg(test)]
mod tests {
    use super::check_issuer;

    #[test]
    fn the_issuer_must_match_when_sent() {
        let expected = "https://auth.example.com";
        assert!(check_issuer(Some(expected), expected).is_ok());
        assert!(check_issuer(None, expected).is_ok());
        for other in ["https://evil.example.com", "https://auth.example.com/", "HTTPS://auth.example.com", ""] {
            let error = check_issuer(Some(other), expected).expect_err(other);
            assert_eq!((error.status, error.location.as_deref()), (400, Some("query.iss")), "{other}");
        }
    }
}
