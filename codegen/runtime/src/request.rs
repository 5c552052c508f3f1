//! The incoming request, read only as far as a route needs it.

use std::cell::OnceCell;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use worker::{web_sys, Headers, Method};

use crate::RequestUrl;

#[wasm_bindgen(inline_js = r#"
export function requestHead(request) {
  return `${request.method} ${request.url}`;
}
export function requestOrigin(request) {
  return request.headers.get("Origin");
}
"#)]
extern "C" {
    /// The request's method and URL as one text, `METHOD URL`. (A method has no space.)
    #[wasm_bindgen(js_name = requestHead, catch)]
    fn request_head(request: &web_sys::Request) -> Result<String, JsValue>;

    /// The request's `Origin` header, if it has one.
    #[wasm_bindgen(js_name = requestOrigin)]
    fn request_origin(request: &web_sys::Request) -> Option<String>;
}

/// What every request is routed by: read in one call into JavaScript, where reading the method and the URL
/// one by one took two calls and two strings copied into wasm, on every request.
#[derive(Debug)]
pub struct RequestHead {
    pub method: Method,
    pub url: RequestUrl,
}

impl RequestHead {
    fn parse(text: &str) -> worker::Result<Self> {
        let malformed = || worker::Error::RustError(format!("unexpected request head from the runtime: {text:?}"));
        let (method, url) = text.split_once(' ').ok_or_else(malformed)?;
        Ok(Self { method: Method::from(method.to_owned()), url: RequestUrl::new(url.to_owned())? })
    }
}

/// The request the runtime handed to the worker.
///
/// Routing and the generated checks only need the method, the URL, some headers and maybe the body, and
/// they read those straight from the runtime's request. Converting to `worker::Request` up front cost a
/// sixth of the CPU samples of `/api/health` in workerd, half of it reading `request.cf` (which has no data
/// in a bare workerd; in production it has dozens of fields). So the conversion happens only for handlers
/// that ask for it (`worker()`) and for requests passed on (`into_worker()`).
pub struct IncomingRequest {
    raw: web_sys::Request,
    method: OnceCell<Method>,
    headers: OnceCell<Headers>,
    converted: OnceCell<worker::Request>,
}

impl IncomingRequest {
    /// The method and URL, read from the runtime in one call; dispatch reads them once per request.
    pub fn head(&self) -> worker::Result<RequestHead> {
        let head = RequestHead::parse(&request_head(&self.raw)?)?;
        let _ = self.method.set(head.method.clone());
        Ok(head)
    }

    /// The `Origin` header, read from the runtime. Only an answer that depends on the origin asks for it: a
    /// public route's never does, and reading it (the runtime wraps the request's headers for JavaScript)
    /// is a good part of what such an answer costs beyond the least a worker can do (bench/README.md).
    pub fn origin(&self) -> Option<String> {
        request_origin(&self.raw)
    }

    pub fn method(&self) -> Method {
        self.method.get_or_init(|| self.raw.method().into()).clone()
    }

    /// The headers, fetched from the runtime on first use.
    pub fn headers(&self) -> &Headers {
        self.headers.get_or_init(|| Headers(self.raw.headers()))
    }

    /// The body's bytes. A body can be read once; a second read is an error.
    pub async fn bytes(&mut self) -> worker::Result<Vec<u8>> {
        if let Some(request) = self.converted.get_mut() {
            return request.bytes().await;
        }
        let buffer = JsFuture::from(self.raw.array_buffer()?).await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    /// The request as workers-rs models it, converted on first use.
    pub fn worker(&self) -> &worker::Request {
        self.converted.get_or_init(|| worker::Request::from(same_request(&self.raw)))
    }

    /// The request as workers-rs models it, to pass on (to a Durable Object, say).
    pub fn into_worker(self) -> worker::Request {
        self.converted.into_inner().unwrap_or_else(|| worker::Request::from(self.raw))
    }

    /// The runtime's own request object.
    pub fn raw(&self) -> &web_sys::Request {
        &self.raw
    }
}

impl From<web_sys::Request> for IncomingRequest {
    fn from(raw: web_sys::Request) -> Self {
        Self { raw, method: OnceCell::new(), headers: OnceCell::new(), converted: OnceCell::new() }
    }
}

/// For workers whose entry point already made a `worker::Request` (`#[worker::event(fetch)]`).
impl From<worker::Request> for IncomingRequest {
    fn from(request: worker::Request) -> Self {
        Self {
            raw: same_request(request.inner()),
            method: OnceCell::from(request.method()),
            headers: OnceCell::from(request.headers().clone()),
            converted: OnceCell::from(request),
        }
    }
}

/// Another handle on the same JavaScript object. (`web_sys::Request::clone` is JavaScript's
/// `Request.clone()`, which copies the request and tees its body.)
fn same_request(request: &web_sys::Request) -> web_sys::Request {
    Clone::clone(request)
}

#[cfg(test)]
mod tests {
    use super::RequestHead;
    use worker::Method;

    #[test]
    fn a_head_is_the_method_and_the_url() {
        let head = RequestHead::parse("GET https://example.com/api/health?x=1").unwrap();
        assert_eq!((head.method, head.url.path(), head.url.query()), (Method::Get, "/api/health", Some("x=1")));
    }

    #[test]
    fn a_head_without_a_url_is_an_error_that_shows_it() {
        let error = RequestHead::parse("GET").unwrap_err().to_string();
        assert!(error.contains("\"GET\""), "{error}");
    }
}
