//! Sessions and sign-in state in the spec's KV namespace, each expiring by KV's own TTL.

use serde::{Deserialize, Serialize};

use super::{AuthPolicy, Principal};
use crate::kv::{get_json, storage_error};
use crate::ApiError;

const SESSION_PREFIX: &str = "session:";
const LOGIN_STATE_PREFIX: &str = "login-state:";

/// What a pending sign-in must remember until its callback.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoginState {
    pub code_verifier: String,
}

fn store(env: &worker::Env, policy: &AuthPolicy) -> Result<worker::kv::KvStore, ApiError> {
    Ok(env.kv(policy.session_store)?)
}

pub async fn load(env: &worker::Env, policy: &AuthPolicy, id: &str) -> Result<Option<Principal>, ApiError> {
    // Ids are random base64url; anything else cannot name a session, and need not reach KV.
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(None);
    }
    get_json(env, policy.session_store, &format!("{SESSION_PREFIX}{id}")).await
}

pub async fn save(env: &worker::Env, policy: &AuthPolicy, id: &str, principal: &Principal) -> Result<(), ApiError> {
    store(env, policy)?
        .put(&format!("{SESSION_PREFIX}{id}"), principal)
        .map_err(storage_error)?
        .expiration_ttl(policy.session_ttl_seconds)
        .execute()
        .await
        .map_err(storage_error)
}

pub async fn delete(env: &worker::Env, policy: &AuthPolicy, id: &str) -> Result<(), ApiError> {
    store(env, policy)?.delete(&format!("{SESSION_PREFIX}{id}")).await.map_err(storage_error)
}

pub async fn save_login_state(
    env: &worker::Env,
    policy: &AuthPolicy,
    state: &str,
    login: &LoginState,
) -> Result<(), ApiError> {
    store(env, policy)?
        .put(&format!("{LOGIN_STATE_PREFIX}{state}"), login)
        .map_err(storage_error)?
        // KV refuses TTLs under a minute.
        .expiration_ttl(policy.login_state_ttl_seconds.max(60))
        .execute()
        .await
        .map_err(storage_error)
}

/// Takes the state of a pending sign-in, so that it can be used once only.
pub async fn take_login_state(
    env: &worker::Env,
    policy: &AuthPolicy,
    state: &str,
) -> Result<Option<LoginState>, ApiError> {
    let key = format!("{LOGIN_STATE_PREFIX}{state}");
    let login: Option<LoginState> = get_json(env, policy.session_store, &key).await?;
    if login.is_some() {
        store(env, policy)?.delete(&key).await.map_err(storage_error)?;
    }
    Ok(login)
}
