//! The responses this worker builds, kept in Rust until they are handed to the runtime in one call.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::web_sys;

use crate::cors::Grant;

/// A response this worker built: status, content type, body, and any headers of its own.
///
/// `worker::Response` holds its headers in a JavaScript `Headers` object from the start, so each header (the
/// content type, then each CORS header) was a call into JavaScript, and handing the response over built a
/// `ResponseInit` field by field. Here the headers that depend only on the content type and on the CORS
/// outcome come from a `Headers` object built once per isolate ([`SharedHeaders`]), and the runtime's
/// `Response` is made in one call.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingResponse {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Option<OutgoingBody>,
    /// Appended after the shared headers, in order: `Location`, `Set-Cookie`, `WWW-Authenticate`, ...
    pub headers: Vec<(&'static str, String)>,
}

/// A response body: bytes this worker made, or a stream it passes on unread.
#[derive(Debug, Clone, PartialEq)]
pub enum OutgoingBody {
    Bytes(Cow<'static, [u8]>),
    Stream(web_sys::ReadableStream),
}

const JSON: &str = "application/json; charset=utf-8";

impl OutgoingResponse {
    /// A `status` answer without a body.
    pub fn empty(status: u16) -> Self {
        Self { status, content_type: None, body: None, headers: Vec::new() }
    }

    /// A `status` answer whose body is `json`, already encoded.
    pub fn json(status: u16, json: Vec<u8>) -> Self {
        Self::with_body(status, JSON, Cow::Owned(json))
    }

    /// A `status` answer whose body is `json`, a stream of JSON text passed on as it is.
    pub fn streamed_json(status: u16, json: web_sys::ReadableStream) -> Self {
        Self { status, content_type: Some(JSON), body: Some(OutgoingBody::Stream(json)), headers: Vec::new() }
    }

    pub fn with_body(status: u16, content_type: &'static str, body: Cow<'static, [u8]>) -> Self {
        Self { status, content_type: Some(content_type), body: Some(OutgoingBody::Bytes(body)), headers: Vec::new() }
    }

    /// The body, when it is bytes this worker made.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Some(OutgoingBody::Bytes(bytes)) => Some(bytes),
            Some(OutgoingBody::Stream(_)) | None => None,
        }
    }

    /// Appends a header (after the shared ones, so a repeated name such as `Set-Cookie` adds a value).
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// As the runtime's `Response` with no CORS headers, for answers that are not the worker's own (a
    /// Durable Object's).
    pub fn into_runtime(self) -> worker::Result<web_sys::Response> {
        let shared = SharedHeaders::Plain { content_type: self.content_type.map(ByAddress) };
        self.send(shared)
    }

    /// As a `worker::Response` with no CORS headers, for code that answers through `worker`.
    pub fn into_worker(self) -> worker::Result<worker::Response> {
        Ok(self.into_runtime()?.into())
    }

    /// The runtime's `Response`: the `shared` set, then this response's own headers.
    pub(crate) fn send(self, shared: SharedHeaders) -> worker::Result<web_sys::Response> {
        SHARED.with(|cache| {
            let mut cache = cache.borrow_mut();
            let headers = match cache.entry(shared) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(build(&shared.headers())?),
            };
            let response = if self.headers.is_empty() {
                new_response(self.status, headers, self.body.as_ref())
            } else {
                let headers = web_sys::Headers::new_with_headers(headers)?;
                for (name, value) in &self.headers {
                    headers.append(name, value)?;
                }
                new_response(self.status, &headers, self.body.as_ref())
            };
            response.map_err(worker::Error::from)
        })
    }
}

fn build(headers: &[(&'static str, &'static str)]) -> Result<web_sys::Headers, JsValue> {
    let built = web_sys::Headers::new()?;
    for (name, value) in headers {
        built.append(name, value)?;
    }
    Ok(built)
}

fn new_response(
    status: u16,
    headers: &web_sys::Headers,
    body: Option<&OutgoingBody>,
) -> Result<web_sys::Response, JsValue> {
    match body {
        Some(OutgoingBody::Bytes(bytes)) => response_with_body(status, headers, bytes),
        Some(OutgoingBody::Stream(stream)) => response_with_stream(status, headers, stream),
        None => response_without_body(status, headers),
    }
}

#[wasm_bindgen(inline_js = r#"
export function responseWithBody(status, headers, body) {
  return new Response(body, { status, headers });
}
export function responseWithoutBody(status, headers) {
  return new Response(null, { status, headers });
}
"#)]
extern "C" {
    /// `new Response(body, { status, headers })`. The runtime copies `headers` into the response, and the
    /// body too: it is a view into wasm memory, which the next allocation may reuse, and the Fetch
    /// standard's "extract a body" copies a `BufferSource` when the response is made. (Copying it in
    /// JavaScript first, as this did before, cost about an eighth of the call in workerd.)
    #[wasm_bindgen(js_name = responseWithBody, catch)]
    fn response_with_body(status: u16, headers: &web_sys::Headers, body: &[u8]) -> Result<web_sys::Response, JsValue>;

    /// The same, with a stream for a body: the runtime reads it as it sends the response.
    #[wasm_bindgen(js_name = responseWithBody, catch)]
    fn response_with_stream(
        status: u16,
        headers: &web_sys::Headers,
        body: &web_sys::ReadableStream,
    ) -> Result<web_sys::Response, JsValue>;

    #[wasm_bindgen(js_name = responseWithoutBody, catch)]
    fn response_without_body(status: u16, headers: &web_sys::Headers) -> Result<web_sys::Response, JsValue>;
}

thread_local! {
    /// Every header set this isolate has answered with. The spec fixes how many there can be (content types
    /// times CORS outcomes, one per preflight path and origin), so the cache stays small.
    static SHARED: RefCell<HashMap<SharedHeaders, web_sys::Headers>> = RefCell::new(HashMap::new());
}

/// A set of headers many responses share, named by what determines it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SharedHeaders {
    /// Just the content type, if any.
    Plain { content_type: Option<Text> },
    /// A fresh answer's content type and CORS headers: what it grants the origin that asked, and whether it
    /// carries a header the policy exposes.
    Answer { policy: Policy, content_type: Option<Text>, grant: Grant, exposes: bool },
    /// A preflight's answer for a path serving `methods`.
    Preflight { policy: Policy, methods: Text, grant: Grant },
}

impl SharedHeaders {
    fn headers(&self) -> Vec<(&'static str, &'static str)> {
        match *self {
            Self::Plain { content_type } => content_type.map(|text| ("Content-Type", text.0)).into_iter().collect(),
            Self::Answer { policy, content_type, grant, exposes } => {
                let mut headers: Vec<_> = content_type.map(|text| ("Content-Type", text.0)).into_iter().collect();
                headers.extend(policy.0.answer_headers(grant, exposes));
                headers
            }
            Self::Preflight { policy, methods, grant } => policy.0.preflight_headers(methods.0, grant),
        }
    }
}

/// A `'static` value compared and hashed by address (and length, for text). The same address holds the same
/// value for the life of the program, and comparing two numbers is cheaper than hashing text per request.
#[derive(Debug)]
pub(crate) struct ByAddress<T: ?Sized + 'static>(pub &'static T);

type Text = ByAddress<str>;
type Policy = ByAddress<crate::CorsPolicy>;

impl<T: ?Sized> Clone for ByAddress<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for ByAddress<T> {}

impl<T: ?Sized> PartialEq for ByAddress<T> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl<T: ?Sized> Eq for ByAddress<T> {}

impl<T: ?Sized> Hash for ByAddress<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0, state);
    }
}
