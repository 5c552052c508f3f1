//! Building responses.

use std::borrow::Cow;
use std::future::Future;
use std::task::Poll;

use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::web_sys;

use crate::json::unencodable;
use crate::{ApiError, OutgoingResponse};

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

    pub fn into_response(self) -> OutgoingResponse {
        let mut response = OutgoingResponse::empty(self.status).with_header("Location", self.location);
        response.headers.extend(self.set_cookies.into_iter().map(|cookie| ("Set-Cookie", cookie)));
        response
    }
}

/// Serializes `value` as the JSON body of a `status` answer.
pub fn json_response<T: Serialize>(status: u16, value: &T) -> Result<OutgoingResponse, ApiError> {
    Ok(OutgoingResponse::json(status, serde_json::to_vec(value).map_err(unencodable)?))
}

/// A document known at build time, served as is.
pub fn static_response(body: &'static str, content_type: &'static str) -> OutgoingResponse {
    OutgoingResponse::with_body(200, content_type, Cow::Borrowed(body.as_bytes()))
}

/// What a `fetch` export hands the runtime for `answer`: the `Response`, or a promise of it.
///
/// Many answers need no I/O (preflights, errors, health, documents): their future is ready on its first
/// poll. Those are polled here, at once, and handed over as the `Response` itself, which the runtime sends
/// without first waiting for a promise to settle. An answer still waiting on I/O goes to [`crate::drive`],
/// which polls it inside each wake-up rather than in a microtask queued for it. Polling first with a no-op
/// waker loses no wake-up: the driver polls the future again before it waits, and every pending JavaScript
/// promise takes the waker of the latest poll.
pub fn respond(answer: impl Future<Output = worker::Result<web_sys::Response>> + 'static) -> JsValue {
    let mut answer = Box::pin(answer);
    let mut now = std::task::Context::from_waker(std::task::Waker::noop());
    if let Poll::Ready(result) = answer.as_mut().poll(&mut now) {
        return into_runtime_response(result).into();
    }
    let mut answer = Some(answer);
    // The executor runs at once, inside `Promise::new`, and hands over the function that resolves it.
    js_sys::Promise::new(&mut |resolve, _reject| {
        let Some(answer) = answer.take() else { return };
        crate::drive::spawn(async move {
            let response = into_runtime_response(answer.await);
            // Resolving a promise the runtime holds cannot fail.
            let _ = resolve.call1(&JsValue::UNDEFINED, &response);
        });
    })
    .into()
}

/// As `#[worker::event(fetch)]` answers: an error the handler could not turn into a response is logged
/// and answered with a bare 500.
fn into_runtime_response(result: worker::Result<web_sys::Response>) -> web_sys::Response {
    result.unwrap_or_else(|error| {
        worker::console_error!("{error}");
        let fallback = worker::Response::error("INTERNAL SERVER ERROR", 500);
        fallback.map(Into::into).unwrap_or_else(|_| web_sys::Response::error())
    })
}

#[cfg(test)]
mod tests {
    use super::{static_response, Redirect};

    #[test]
    fn a_redirect_names_its_target_then_sets_its_cookies_in_order() {
        let response = Redirect::to("/after").with_cookie("a=1").with_cookie("b=2").into_response();
        assert_eq!((response.status, response.body), (302, None));
        let expected = [("Location", "/after"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")];
        assert_eq!(response.headers.iter().map(|(name, value)| (*name, value.as_str())).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn a_document_is_served_as_is() {
        let response = static_response("<p>hi</p>", "text/html; charset=utf-8");
        assert_eq!(response.status, 200);
        assert_eq!(response.content_type, Some("text/html; charset=utf-8"));
        assert_eq!(response.bytes(), Some(&b"<p>hi</p>"[..]));
        assert!(response.headers.is_empty());
    }
}
