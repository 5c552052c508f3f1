//! The worker's side of the store protocol: one typed call per query.
//!
//! Every call is one request to the Durable Object: the query's JSON goes in its URL; the answer's status
//! and JSON body come back. An answer's body goes on to the client as the stream it arrived as: the runtime
//! copies it from the Durable Object's response to the client's, and it never enters JavaScript or wasm. (It
//! was read into an `ArrayBuffer`, copied into wasm and out again: for a page of 100 log entries, about
//! 13 KB, that was two copies and a promise per request, and garbage for the collector.) Only a refusal's
//! body is read here, to turn it into the matching error. Building the `Request` from Rust took a dozen
//! crossings (`worker::Request` more still); one JavaScript function makes it.

use codegen_runtime::{ApiError, Json};
use wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;
use worker::worker_sys::DurableObject;

use super::protocol::{StoreError, StoreQuery, StoreRequest, ANSWERED};
use crate::api::bindings::Bindings;

#[wasm_bindgen(inline_js = r#"
export function askStore(stub, url) {
  return stub.fetch(url, { method: "POST" });
}
"#)]
extern "C" {
    /// `POST`s to `url` on `stub` and resolves to its `Response`.
    #[wasm_bindgen(js_name = askStore, catch)]
    fn ask_store(stub: &DurableObject, url: &str) -> Result<js_sys::Promise, JsValue>;
}

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
        let url = message.to_url().map_err(internal)?;
        let answer = ask_store(&self.stub, &url).map_err(js_error)?;
        let answer: web_sys::Response = JsFuture::from(answer).await.map_err(js_error)?.unchecked_into();
        match (answer.status(), answer.body()) {
            // `reply::<Q>` wrote it from a `Q::Reply` (or JSON SQLite made for one).
            (ANSWERED, Some(body)) => Ok(Json::streamed(body)),
            (ANSWERED, None) => Err(ApiError::from(worker::Error::RustError("a store answer without a body".into()))),
            _ => {
                let body = JsFuture::from(answer.array_buffer().map_err(js_error)?).await.map_err(js_error)?;
                let body = js_sys::Uint8Array::new(&body).to_vec();
                Err(serde_json::from_slice::<StoreError>(&body).map_err(internal)?.into())
            }
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
