//! End-to-end harness for the CortexDx dashboard worker.
//!
//! * [`dev_server::DevServer`] runs `wrangler dev` on the generated configuration (free ports, local
//!   state and logs under `target/`, placeholder secrets), and stops its whole process group on drop.
//! * [`checks::run_smoke`] checks every route of `spec/dashboard.yaml` against any base URL and stops at
//!   the first wrong answer.
//! * [`log_scan`] finds uncaught exceptions, panics, wasm traps and `✘ [ERROR]` lines in the runtime log.
//! * [`auth_server::AuthServer`] is a real OAuth authorization server on loopback; the end-to-end run
//!   starts one as the `dev` environment's issuer, signs in through it and mints the tokens it sends.
//! * [`mcp_server::McpTestServer`] is a real MCP server (the official Python SDK) on loopback, the
//!   endpoint of the test flows the end-to-end run starts.
//!
//! # Running
//!
//! Smoke checks against a running server (one line per passed check; exit status 1 at the first wrong
//! answer):
//!
//! ```text
//! cargo run -p e2e --bin smoke -- http://127.0.0.1:8787 --token "$TOKEN"      # local wrangler dev
//! cargo run -p e2e --bin smoke -- https://cortexdx-dashboard-staging.brainwav.workers.dev --env staging
//! cargo run -p e2e --bin smoke -- https://dashboard.cortexdx.io --env production --read-only
//! ```
//!
//! `--read-only` sends nothing that changes state (no control actions, test flows, sign-outs or code
//! exchanges). `--token` (or `SMOKE_TOKEN`) is an access token holding every scope, sent with every
//! request; without it the routes that need scopes are only checked to answer 401 with the right
//! challenge. For dev, `cargo run -p e2e --bin auth_server` serves the authorization server and prints
//! such a token. For a loopback URL the served OpenAPI document must equal `generated/openapi.json`;
//! otherwise the schemas are taken from `<base>/openapi.json`.
//!
//! The full end-to-end run starts the dev authorization server (port 9876 must be free) and its own dev
//! server (the first start builds the worker, allow up to 15 minutes), runs the smoke suite with a token,
//! focused tests (sign-in, sessions, token and scope refusals among them), and finally the clean-log
//! check:
//!
//! ```text
//! cargo test -p e2e --test e2e
//! ```
//!
//! The runtime log of each run is kept in `target/e2e-logs/`. Only the unit tests, without a server:
//! `cargo test -p e2e --lib --bins`.
//!
//! To try the harness on another worker, `E2E_WRANGLER_CONFIG=<wrangler.toml>` replaces
//! `generated/wrangler.toml` and `E2E_OPENAPI_FILE=<openapi.json>` replaces `generated/openapi.json`.

pub mod auth_server;
pub mod checks;
pub mod dev_secrets;
pub mod dev_server;
pub mod http;
pub mod log_scan;
pub mod mcp_clients;
pub mod mcp_server;
pub mod openapi;
pub mod paths;
pub mod spec;
pub mod time;

pub use checks::{run_smoke, CheckFailure, CheckOutcome, Expectations};
pub use dev_server::DevServer;
