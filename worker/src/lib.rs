//! The CortexDx dashboard worker.
//!
//! Everything the spec determines (routing, extraction, validation, CORS, sign-in, scope checks, documents,
//! typed bindings) is generated into `api`; this crate adds the business logic behind the generated `Service`
//! trait and the `RealtimeSession` Durable Object that stores the dashboard's records and streams them to
//! subscribers.

#![deny(warnings)]

// Generated code is formatted by the generator (prettyplease); rustfmt must not rewrite it.
#[rustfmt::skip]
#[path = "../../generated/rust/mod.rs"]
mod api;

mod clock;
mod endpoint_guard;
mod health;
mod ids;
mod realtime;
mod service;
mod store;

/// The Durable Object class the spec's `REALTIME` binding names; wasm-bindgen exports it to the runtime.
pub use realtime::RealtimeSession;

/// The runtime's `fetch` handler. It does what `#[worker::event(fetch)]` would, except that an answer ready
/// at once (most need no I/O) is returned without a trip through the async executor (see
/// `codegen_runtime::respond`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn fetch(
    request: worker::web_sys::Request,
    env: worker::Env,
    context: worker::worker_sys::Context,
) -> wasm_bindgen::JsValue {
    let (request, context) = (request.into(), worker::Context::new(context));
    codegen_runtime::respond(async move { api::dispatch::handle(&service::Dashboard, request, env, context).await })
}
