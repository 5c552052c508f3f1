//! The worker's side of the store protocol: one typed call per query.

use codegen_runtime::ApiError;
use wasm_bindgen::JsValue;
use worker::{Headers, Method, Request, RequestInit, Stub};

use super::protocol::{StoreError, StoreQuery, StoreRequest, STORE_URL};
use crate::api::bindings::Bindings;

/// A handle on the shared `RealtimeSession` instance, which holds every record.
pub struct Store {
    stub: Stub,
}

impl Store {
    /// The instance the stream routes are forwarded to, so readers, writers and subscribers meet there.
    pub fn shared(bindings: &Bindings) -> Result<Self, ApiError> {
        Ok(Self { stub: bindings.realtime_shared()? })
    }

    /// Sends `query` and returns its typed answer; a refusal becomes the matching 404 or 409.
    pub async fn ask<Q: StoreQuery>(&self, query: Q) -> Result<Q::Reply, ApiError> {
        let request: StoreRequest = query.into();
        let body = serde_json::to_string(&request).map_err(|error| worker::Error::RustError(error.to_string()))?;
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(JsValue::from_str(&body)));
        let mut response = self.stub.fetch_with_request(Request::new_with_init(STORE_URL, &init)?).await?;
        let reply: Result<Q::Reply, StoreError> = response.json().await?;
        Ok(reply?)
    }
}
