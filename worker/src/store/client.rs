//! The worker's side of the store protocol: one typed call per query.
//!
//! Every call is one request to the Durable Object, made with the runtime's own `Request` and read back as
//! one `ArrayBuffer`: a body of JSON bytes going in, JSON bytes coming out, which the handler answers with
//! as they are. (`worker::Request` and
//! `worker::Response` would add a `Headers` object, a copy of the request's properties into Rust and a
//! stream reader for the answer, each a round of calls between wasm and JavaScript.)

use codegen_runtime::{ApiError, Json};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;
use worker::worker_sys::DurableObject;

use super::protocol::{StoreError, StoreQuery, StoreRequest, ANSWERED, STORE_URL};
use crate::api::bindings::Bindings;

/// A handle on the shared `RealtimeSession` instance, which holds every record.
pub struct Store {
    stub: DurableObject,
}

impl Store {
    /// The instance the stream routes are forwarded to, so readers, writers and subscribers meet there.
    pub fn shared(bindings: &Bindings) -> Result<Self, ApiError> {
        Ok(Self { stub: bindings.realtime_shared()?.into_rpc() })
    }

    /// Sends `query` and returns its answer, the JSON the Durable Object wrote for the query's reply type;
    /// a refusal becomes the matching 404 or 409.
    pub async fn ask<Q: StoreQuery>(&self, query: Q) -> Result<Json<Q::Reply>, ApiError> {
        let message: StoreRequest = query.into();
        let body = serde_json::to_vec(&message).map_err(internal)?;
        // The Durable Object reads the body as JSON whatever its declared type, so no header is sent.
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&js_sys::Uint8Array::from(body.as_slice()));
        let request = web_sys::Request::new_with_str_and_init(STORE_URL, &init).map_err(js_error)?;
        let response =
            JsFuture::from(self.stub.fetch_with_request(&request).map_err(js_error)?).await.map_err(js_error)?;
        let response: web_sys::Response = response.dyn_into().map_err(js_error)?;
        let bytes = JsFuture::from(response.array_buffer().map_err(js_error)?).await.map_err(js_error)?;
        let body = js_sys::Uint8Array::new(&bytes).to_vec();
        match response.status() {
            // `reply::<Q>` wrote it from a `Q::Reply` (or JSON SQLite made for one).
            ANSWERED => Ok(Json::encoded(body)),
            _ => Err(serde_json::from_slice::<StoreError>(&body).map_err(internal)?.into()),
        }
    }
}

/// A failure of the call itself is a runtime failure: logged, and answered as a 500.
fn js_error(error: JsValue) -> ApiError {
    ApiError::from(worker::Error::from(error))
}

fn internal(error: serde_json::Error) -> ApiError {
    ApiError::from(worker::Error::RustError(error.to_string()))
}
