//! MCP sessions in the spec's KV namespace: opened by `initialize`, checked on every later request, ended
//! by DELETE or by KV's expiry.

use serde::{Deserialize, Serialize};
use worker::Env;

use super::Server;
use crate::kv::{get_json, storage_error};
use crate::ApiError;

const PREFIX: &str = "mcp-session:";

/// What a session remembers: the version `initialize` agreed on.
#[derive(Debug, Serialize, Deserialize)]
struct Session {
    protocol_version: String,
}

fn store(env: &Env, server: &Server) -> Result<worker::kv::KvStore, ApiError> {
    Ok(env.kv(server.session_store)?)
}

/// Ids are random base64url; anything else names no session and need not reach KV.
fn well_formed(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn open(env: &Env, server: &Server, protocol_version: &str) -> Result<String, ApiError> {
    let id = crate::auth::random_token()?;
    let session = Session { protocol_version: protocol_version.to_owned() };
    store(env, server)?
        .put(&format!("{PREFIX}{id}"), &session)
        .map_err(storage_error)?
        // KV refuses TTLs under a minute.
        .expiration_ttl(server.session_ttl_seconds.max(60))
        .execute()
        .await
        .map_err(storage_error)?;
    Ok(id)
}

pub async fn exists(env: &Env, server: &Server, id: &str) -> Result<bool, ApiError> {
    if !well_formed(id) {
        return Ok(false);
    }
    let session: Option<Session> = get_json(env, server.session_store, &format!("{PREFIX}{id}")).await?;
    Ok(session.is_some())
}

/// Ends the session; false when there was none.
pub async fn end(env: &Env, server: &Server, id: &str) -> Result<bool, ApiError> {
    if !exists(env, server, id).await? {
        return Ok(false);
    }
    store(env, server)?.delete(&format!("{PREFIX}{id}")).await.map_err(storage_error)?;
    Ok(true)
}
