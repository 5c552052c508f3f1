//! What the Durable Object answers a query with: its reply type's JSON, made by serde from a value or by
//! SQLite. A page of rows leaves the database as one JSON text and goes to the worker, and on to the
//! client, as it is, instead of crossing from JavaScript into Rust value by value (`to_array`) and being
//! encoded again: for a page of 100 log entries that crossing was a quarter of the worker's CPU time.

use std::borrow::Cow;

use codegen_runtime::{OutgoingBody, OutgoingResponse};
use js_sys::JsString;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::web_sys;

use crate::api::types::LogPage;

/// JSON for a reply of type `R`: an `R`, or JSON made for one.
pub trait Answer<R> {
    fn into_json(self) -> serde_json::Result<AnswerJson>;
}

impl<R: Serialize> Answer<R> for R {
    fn into_json(self) -> serde_json::Result<AnswerJson> {
        serde_json::to_vec(&self).map(AnswerJson::Encoded)
    }
}

/// A store answer's JSON, kept where it was made.
pub enum AnswerJson {
    /// Encoded by serde, in wasm.
    Encoded(Vec<u8>),
    /// Written by SQLite, and never copied into wasm: the runtime encodes the string as the body itself.
    /// (Bringing a page of 100 log entries, about 13 KB, into wasm only to hand it back cost the Durable
    /// Object a character-by-character copy in and a second copy out.)
    Written(JsString),
}

impl AnswerJson {
    /// The Durable Object's answer: `status` and the JSON, with no header (the worker reads only those two).
    pub fn into_response(self, status: u16) -> worker::Result<web_sys::Response> {
        match self {
            Self::Encoded(json) => OutgoingResponse {
                status,
                content_type: None,
                body: Some(OutgoingBody::Bytes(Cow::Owned(json))),
                headers: Vec::new(),
            }
            .into_runtime(),
            Self::Written(json) => text_response(status, &json).map_err(worker::Error::from),
        }
    }
}

#[wasm_bindgen(inline_js = r#"
export function textResponse(status, body) {
  return new Response(body, { status });
}
"#)]
extern "C" {
    /// `new Response(body, { status })`: the runtime encodes `body` as UTF-8 when the response is made.
    #[wasm_bindgen(js_name = textResponse, catch)]
    fn text_response(status: u16, body: &JsString) -> Result<web_sys::Response, JsValue>;
}

/// A generated `LogPage` as SQLite's JSON functions wrote it (see `Db::log_page`).
#[derive(Debug)]
pub struct LogPageJson {
    page: JsString,
}

impl LogPageJson {
    /// `page` must be the JSON of a `LogPage`, as `Db::log_page`'s statement writes it.
    pub fn written_by_sqlite(page: JsString) -> Self {
        Self { page }
    }
}

impl Answer<LogPage> for LogPageJson {
    fn into_json(self) -> serde_json::Result<AnswerJson> {
        Ok(AnswerJson::Written(self.page))
    }
}
