//! Building responses.

use std::future::Future;
use std::task::Poll;

use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{web_sys, Response, ResponseBody};

use crate::json::unencodable;
use crate::ApiError;

/// A redirect a handler answers with, plus cookies to set on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub location: String,
    pub status: u16,
    /// Complete `Set-Cookie` header values.
    pub set_cookies: Vec<String>,
}

impl Redirect {
    /// A 302 Found to `location`.
    pub fn to(location: impl Into<String>) -> Self {
        Self { location: location.into(), status: 302, set_cookies: Vec::new() }
    }

    pub fn with_cookie(mut self, cookie: impl Into<String>) -> Self {
        self.set_cookies.push(cookie.into());
        self
    }

    pub fn into_response(self) -> Result<Response, ApiError> {
        let response = Response::empty()?.with_status(self.status);
        let headers = response.headers();
        headers.set("Location", &self.location)?;
        for cookie in &self.set_cookies {
            headers.append("Set-Cookie", cookie)?;
        }
        Ok(response)
    }
}

/// Serializes `value` as the JSON body of a `status` answer.
pub fn json_response<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    Ok(json_bytes(status, serde_json::to_vec(value).map_err(unencodable)?)?)
}

/// A response's headers start empty; each header set is one call into JavaScript, so the response's own
/// set is filled in rather than replaced by a new one.
pub(crate) fn json_bytes(status: u16, body: Vec<u8>) -> worker::Result<Response> {
    let response = Response::from_body(ResponseBody::Body(body))?.with_status(status);
    response.headers().set("Content-Type", "application/json; charset=utf-8")?;
    Ok(response)
}

/// A document known at build time, served as is.
pub fn static_response(body: &'static str, content_type: &'static str) -> Result<Response, ApiError> {
    let response = Response::from_body(ResponseBody::Body(body.as_bytes().to_vec()))?;
    response.headers().set("Content-Type", content_type)?;
    Ok(response)
}

/// The promise a `fetch` export hands the runtime for `answer`.
///
/// Many answers need no I/O (preflights, errors, health, documents): their future is ready on its first
/// poll. Those are polled here, at once, and handed over as an already-resolved promise; only an answer
/// still waiting on I/O goes to wasm-bindgen's executor, which schedules it through a microtask queue of
/// its own. Polling first with a no-op waker loses no wake-up: the executor polls the future again before
/// it waits, and every pending JavaScript promise takes the waker of the latest poll.
pub fn respond(answer: impl Future<Output = worker::Result<Response>> + 'static) -> js_sys::Promise {
    let mut answer = Box::pin(answer);
    let mut now = std::task::Context::from_waker(std::task::Waker::noop());
    match answer.as_mut().poll(&mut now) {
        Poll::Ready(result) => js_sys::Promise::resolve(&JsValue::from(into_runtime_response(result))),
        Poll::Pending => {
            wasm_bindgen_futures::future_to_promise(
                async move { Ok(JsValue::from(into_runtime_response(answer.await))) },
            )
        }
    }
}

/// As `#[worker::event(fetch)]` answers: an error the handler could not turn into a response is logged
/// and answered with a bare 500.
fn into_runtime_response(result: worker::Result<Response>) -> web_sys::Response {
    match result {
        Ok(response) => response.into(),
        Err(error) => {
            worker::console_error!("{error}");
            let fallback = Response::error("INTERNAL SERVER ERROR", 500);
            fallback.map(Into::into).unwrap_or_else(|_| web_sys::Response::error())
        }
    }
}
