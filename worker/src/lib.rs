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

#[worker::event(fetch)]
async fn fetch(
    request: worker::Request,
    env: worker::Env,
    context: worker::Context,
) -> worker::Result<worker::Response> {
    api::dispatch::handle(&service::Dashboard, request, env, context).await
}
