//! Reading the spec's KV namespaces (sessions and sign-in state); writes, which no request makes on its
//! hot path, go through `worker::KvStore`.

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::ApiError;

#[wasm_bindgen(inline_js = r#"
export function kvGetText(env, binding, key) {
  const namespace = env[binding];
  if (namespace === undefined) throw new Error(`no KV namespace is bound as ${binding}`);
  return namespace.get(key);
}
"#)]
extern "C" {
    /// `env[binding].get(key)`: a promise of the value as text, or of null when there is none.
    #[wasm_bindgen(js_name = kvGetText, catch)]
    fn kv_get_text(env: &JsValue, binding: &str, key: &str) -> Result<js_sys::Promise, JsValue>;
}

/// The JSON value at `key` in the namespace bound as `binding`; `None` when there is none.
///
/// This is the session check of every signed-in request, so it is one call into JavaScript and one
/// promise. `worker::KvStore` looks up five methods of the namespace when it is made and builds an options
/// object for each read, and its `json()` reads the value across the boundary field by field.
pub async fn get_json<T: DeserializeOwned>(env: &worker::Env, binding: &str, key: &str) -> Result<Option<T>, ApiError> {
    let pending = kv_get_text(env, binding, key).map_err(storage_error)?;
    let Some(text) = JsFuture::from(pending).await.map_err(storage_error)?.as_string() else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|error| {
        // Only this worker writes these values, so one that does not decode is a bug to see in the log.
        worker::console_error!("the KV value at {key} in {binding} is not the JSON expected: {error}");
        ApiError::internal("internal error")
    })
}

/// A failed KV call is a runtime failure: logged, and answered as a 500.
pub fn storage_error(error: impl Into<worker::Error>) -> ApiError {
    ApiError::from(error.into())
}
