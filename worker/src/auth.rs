//! Sign-in (the OAuth authorization-code callback) and sign-out.
//!
//! Secrets never reach an answer or the log: failures of the code exchange are described by what failed
//! (unreachable, refused with a status, unreadable), never by the request that was sent.

use codegen_runtime::{ApiError, Redirect};
use serde_json::Value;
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::api::bindings::Bindings;
use crate::api::params::{AuthCallbackParams, AuthLogoutParams};
use crate::api::types::LogoutResult;
use crate::ids;

/// How long a session lives, in the KV store and in the browser alike.
const SESSION_TTL_SECONDS: u64 = 3600;

/// Exchanges the authorization code for tokens, stores them as a new session and sends the browser to the
/// dashboard with the session cookie.
pub async fn callback(bindings: &Bindings, params: AuthCallbackParams) -> Result<Redirect, ApiError> {
    let environment = bindings.current_environment();
    let token_endpoint = environment
        .token_endpoint()
        .ok_or_else(|| ApiError::bad_gateway("no token endpoint is configured for this environment"))?;
    let (Ok(client_id), Ok(client_secret)) = (bindings.openai_client_id(), bindings.openai_client_secret()) else {
        return Err(ApiError::bad_gateway("OAuth client is not configured"));
    };
    let form = worker::url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &params.code)
        .append_pair("client_id", &client_id)
        .append_pair("client_secret", &client_secret)
        .append_pair("redirect_uri", &format!("{}/auth/callback", environment.origin()))
        .finish();
    let tokens = exchange_code(token_endpoint, &form).await?;

    let session_id = ids::uuid()?;
    bindings
        .sessions()?
        .put(&session_key(&session_id), tokens)
        .map_err(worker::Error::from)?
        .expiration_ttl(SESSION_TTL_SECONDS)
        .execute()
        .await
        .map_err(worker::Error::from)?;
    Ok(Redirect::to("/").with_cookie(session_cookie(&session_id)))
}

/// Ends the session named by `X-Session-Id`; without one there is nothing to end, which is success too.
pub async fn logout(bindings: &Bindings, params: AuthLogoutParams) -> Result<LogoutResult, ApiError> {
    if let Some(session_id) = params.x_session_id.filter(|id| !id.is_empty()) {
        bindings.sessions()?.delete(&session_key(&session_id)).await.map_err(worker::Error::from)?;
    }
    Ok(LogoutResult { success: true })
}

/// Posts the form to the token endpoint and returns the token response, which must be a JSON object with
/// an access token. Failures are warnings, not errors: a refused code is the caller's problem, and the
/// authorization server being down is reported to the caller as 502.
async fn exchange_code(token_endpoint: &str, form: &str) -> Result<String, ApiError> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/x-www-form-urlencoded")?;
    headers.set("Accept", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(JsValue::from_str(form)));
    let request = Request::new_with_init(token_endpoint, &init)?;

    let mut response = Fetch::Request(request).send().await.map_err(|_| {
        worker::console_warn!("OAuth code exchange: the token endpoint could not be reached");
        ApiError::bad_gateway("the authorization server could not be reached")
    })?;
    let status = response.status_code();
    if !(200..300).contains(&status) {
        worker::console_warn!("OAuth code exchange: the token endpoint answered {status}");
        return Err(ApiError::bad_gateway(format!(
            "the authorization server refused the code exchange (status {status})"
        )));
    }
    let body = response
        .text()
        .await
        .map_err(|_| ApiError::bad_gateway("the authorization server's answer could not be read"))?;
    let has_access_token = serde_json::from_str::<Value>(&body).ok().is_some_and(|tokens| {
        tokens.get("access_token").and_then(Value::as_str).is_some_and(|token| !token.is_empty())
    });
    if !has_access_token {
        worker::console_warn!("OAuth code exchange: the token endpoint answered without an access token");
        return Err(ApiError::bad_gateway("the authorization server answered without an access token"));
    }
    Ok(body)
}

fn session_key(session_id: &str) -> String {
    format!("session:{session_id}")
}

/// `__Host-` binds the cookie to this exact origin over HTTPS with `Path=/`; scripts cannot read it.
fn session_cookie(session_id: &str) -> String {
    format!("__Host-session={session_id}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={SESSION_TTL_SECONDS}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_and_the_session_expire_together() {
        assert_eq!(session_cookie("3f0c"), "__Host-session=3f0c; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=3600");
        assert_eq!(session_key("3f0c"), "session:3f0c");
    }
}
