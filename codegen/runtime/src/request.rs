//! The incoming request, read only as far as a route needs it.

use std::cell::OnceCell;

use wasm_bindgen_futures::JsFuture;
use worker::{web_sys, Headers, Method};

use crate::RequestUrl;

/// The request the runtime handed to the worker.
///
/// Routing and the generated checks only need the method, the URL, some headers and maybe the body, and
/// they read those straight from the runtime's request. Converting to `worker::Request` up front cost a
/// sixth of the CPU samples of `/api/health` in workerd, half of it reading `request.cf` (which has no data
/// in a bare workerd; in production it has dozens of fields). So the conversion happens only for handlers
/// that ask for it (`worker()`) and for requests passed on (`into_worker()`).
pub struct IncomingRequest {
    raw: web_sys::Request,
    method: Method,
    headers: Headers,
    converted: OnceCell<worker::Request>,
}

impl IncomingRequest {
    pub fn method(&self) -> Method {
        self.method.clone()
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The URL; each call reads it from the runtime again, so read it once per request.
    pub fn url(&self) -> worker::Result<RequestUrl> {
        RequestUrl::new(self.raw.url())
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
        let (method, headers) = (raw.method().into(), Headers(raw.headers()));
        Self { raw, method, headers, converted: OnceCell::new() }
    }
}

/// For workers whose entry point already made a `worker::Request` (`#[worker::event(fetch)]`).
impl From<worker::Request> for IncomingRequest {
    fn from(request: worker::Request) -> Self {
        let (raw, method, headers) = (same_request(request.inner()), request.method(), request.headers().clone());
        Self { raw, method, headers, converted: OnceCell::from(request) }
    }
}

/// Another handle on the same JavaScript object. (`web_sys::Request::clone` is JavaScript's
/// `Request.clone()`, which copies the request and tees its body.)
fn same_request(request: &web_sys::Request) -> web_sys::Request {
    Clone::clone(request)
}
