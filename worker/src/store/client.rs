//! The worker's side of the store protocol: one typed call per query.
//!
//! Every call is one request to the Durable Object: the query's JSON goes in its URL; the answer's status
//! and JSON bytes come out, and the handler answers with those bytes as they are. One JavaScript function
//! makes the request and reads the answer, so a call crosses between wasm and JavaScript three times and
//! waits on one promise. Building the `Request` and reading the `Response` and its `ArrayBuffer` from Rust
//! took a dozen crossings and two promises (`worker::Request` and `worker::Response` more still).

use codegen_runtime::{ApiError, Json};
use wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::DurableObject;

use super::protocol::{StoreError, StoreQuery, StoreRequest, ANSWERED};
use crate::api::bindings::Bindings;

#[wasm_bindgen(inline_js = r#"
export function askStore(stub, url) {
  return stub.fetch(url, { method: "POST" }).then((response) =>
    response.arrayBuffer().then((bytes) => ({ status: response.status, body: new Uint8Array(bytes) })),
  );
}
"#)]
extern "C" {
    /// What the Durable Object answered.
    type StoreAnswer;

    #[wasm_bindgen(method, getter)]
    fn status(this: &StoreAnswer) -> u16;

    #[wasm_bindgen(method, getter)]
    fn body(this: &StoreAnswer) -> Vec<u8>;

    /// `POST`s to `url` on `stub` and resolves to the `StoreAnswer`.
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
        let answer: StoreAnswer = JsFuture::from(answer).await.map_err(js_error)?.unchecked_into();
        let body = answer.body();
        match answer.status() {
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
