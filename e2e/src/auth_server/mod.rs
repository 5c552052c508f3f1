//! A real OAuth 2.1 authorization server on loopback, for tests of the worker's sign-in and scope
//! enforcement.
//!
//! It runs in a background thread of the test process and speaks plain HTTP on `127.0.0.1`:
//!
//! * `GET /.well-known/oauth-authorization-server`: RFC 8414 metadata.
//! * `GET /authorize`: checks the client, redirect URI, scope and PKCE (S256 only) and, with no user to
//!   ask, approves at once: `302` to `redirect_uri?code=…&state=…&iss=…`.
//! * `POST /token`: the `authorization_code` grant with `client_secret_basic` or `client_secret_post`,
//!   single-use codes and PKCE; answers an RS256 JWT access token.
//! * `GET /jwks`: the public signing key.
//!
//! Tests can also mint tokens directly ([`AuthServer::mint_token`]), sign them with a key the JWKS does
//! not publish ([`AuthServer::mint_token_with_foreign_key`]), count requests, and make the token
//! endpoint fail or the user decline.
//!
//! ```no_run
//! use e2e::auth_server::{AuthServer, AuthServerConfig, TokenSpec};
//!
//! let server = AuthServer::start(
//!     AuthServerConfig::new("http://localhost:8787")
//!         .registered_client("dashboard", "s3cret", ["http://localhost:8787/auth/callback"])
//!         .scopes_supported(["search.read", "memory.write"]),
//! );
//! let token = server.mint_token(&TokenSpec::for_scopes(["search.read"]));
//! let expired = server.mint_token(&TokenSpec {
//!     expires_in_seconds: -60,
//!     ..TokenSpec::for_scopes(["search.read"])
//! });
//! # let _ = (token, expired);
//! ```

mod authorize;
mod config;
mod discovery;
mod keys;
pub mod pkce;
mod random;
mod state;
mod token;
mod tokens;
mod wire;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use jsonwebtoken::jwk::JwkSet;

pub use config::{
    AuthServerConfig, RegisteredClient, DEFAULT_ACCESS_TOKEN_LIFETIME, DEFAULT_CODE_LIFETIME, DEFAULT_SUBJECT,
};
pub use tokens::{AccessTokenClaims, TokenSpec};

use state::Shared;
use wire::{Incoming, Reply};

/// A running authorization server; dropping it stops the server and frees the port.
pub struct AuthServer {
    shared: Arc<Shared>,
    http: Arc<tiny_http::Server>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl AuthServer {
    /// Starts a server, or panics with the reason: for tests, where a failed start ends the test anyway.
    pub fn start(config: AuthServerConfig) -> AuthServer {
        AuthServer::try_start(config).unwrap_or_else(|problem| panic!("auth server did not start: {problem}"))
    }

    /// Generates the signing key, binds `127.0.0.1` on the configured port (0: a free one) and serves
    /// requests in a background thread.
    pub fn try_start(config: AuthServerConfig) -> Result<AuthServer, String> {
        let key = keys::SigningKey::generate()?;
        let http = tiny_http::Server::http(("127.0.0.1", config.port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{} ({e})", config.port))?;
        let port = http
            .server_addr()
            .to_ip()
            .map(|address| address.port())
            .ok_or("the server is not listening on an IP address")?;
        let shared = Arc::new(Shared::new(config, format!("http://127.0.0.1:{port}"), key));
        let http = Arc::new(http);
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = thread::Builder::new()
            .name(format!("auth-server-{port}"))
            .spawn({
                let (shared, http, stopping) = (shared.clone(), http.clone(), stopping.clone());
                move || serve(&shared, &http, &stopping)
            })
            .map_err(|e| format!("cannot start the server thread ({e})"))?;
        Ok(AuthServer { shared, http, stopping, thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`, the `iss` of every token it issues.
    pub fn issuer(&self) -> &str {
        &self.shared.issuer
    }

    pub fn port(&self) -> u16 {
        self.http.server_addr().to_ip().map_or(0, |a| a.port())
    }

    pub fn metadata_url(&self) -> String {
        self.shared.metadata_url()
    }

    pub fn authorization_endpoint(&self) -> String {
        self.shared.authorization_endpoint()
    }

    pub fn token_endpoint(&self) -> String {
        self.shared.token_endpoint()
    }

    pub fn jwks_uri(&self) -> String {
        self.shared.jwks_uri()
    }

    pub fn config(&self) -> &AuthServerConfig {
        &self.shared.config
    }

    /// The key id of the signing key, as token headers and the JWKS carry it.
    pub fn kid(&self) -> &str {
        self.shared.key.kid()
    }

    /// The JWK Set that `GET /jwks` serves.
    pub fn jwks(&self) -> JwkSet {
        discovery::jwks(&self.shared)
    }

    /// A token signed with the published key, as `POST /token` would issue it but with the claims the
    /// spec asks for.
    pub fn mint_token(&self, spec: &TokenSpec) -> String {
        self.mint_with(spec, &self.shared.key)
    }

    /// A token whose signature does not verify against the JWKS: signed by a key the server never
    /// publishes, but with the published key's `kid`, so a verifier gets as far as the signature check.
    pub fn mint_token_with_foreign_key(&self, spec: &TokenSpec) -> String {
        let key = keys::foreign_key().unwrap_or_else(|problem| panic!("no foreign key: {problem}"));
        self.mint_with(spec, key)
    }

    /// The claims [`mint_token`](Self::mint_token) would sign for this spec (with a fresh `jti`).
    pub fn claims_for(&self, spec: &TokenSpec) -> AccessTokenClaims {
        let config = &self.shared.config;
        let client_id = spec.client_id.clone().unwrap_or_else(|| {
            config.clients.first().map_or_else(|| "e2e-client".to_string(), |c| c.client_id.clone())
        });
        tokens::claims_from_now(
            spec.issuer_override.as_deref().unwrap_or(&self.shared.issuer),
            &spec.subject,
            spec.audience.as_deref().unwrap_or(&config.audience),
            &spec.scopes.join(" "),
            &client_id,
            spec.expires_in_seconds,
        )
    }

    fn mint_with(&self, spec: &TokenSpec, key: &keys::SigningKey) -> String {
        tokens::sign(&self.claims_for(spec), key, self.shared.key.kid()).unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// `GET /authorize` requests received, valid or not.
    pub fn authorization_requests(&self) -> usize {
        self.shared.ledger().authorization_requests
    }

    /// Authorization codes handed out by approved authorization requests.
    pub fn codes_issued(&self) -> usize {
        self.shared.ledger().codes_issued
    }

    /// `POST /token` requests received, including refused and deliberately failed ones.
    pub fn token_requests(&self) -> usize {
        self.shared.ledger().token_requests
    }

    /// Access tokens issued by the token endpoint (minted tokens are not counted).
    pub fn tokens_issued(&self) -> usize {
        self.shared.ledger().tokens_issued
    }

    /// The decoded query of the last `GET /authorize`, to check what the worker sent.
    pub fn last_authorization_request(&self) -> Option<BTreeMap<String, String>> {
        self.shared.ledger().last_authorization_request.clone()
    }

    /// The decoded form of the last `POST /token`.
    pub fn last_token_request(&self) -> Option<BTreeMap<String, String>> {
        self.shared.ledger().last_token_request.clone()
    }

    /// While on, every token request is answered `500 server_error` (and still counted).
    pub fn fail_token_requests(&self, fail: bool) {
        self.shared.set_fail_token_requests(fail);
    }

    /// While on, every valid authorization request is answered with `error=access_denied`.
    pub fn deny_authorizations(&self, deny: bool) {
        self.shared.set_deny_authorizations(deny);
    }

    /// Makes every code issued so far expired, to test the refusal without waiting.
    pub fn expire_codes(&self) {
        let now = Instant::now();
        for code in self.shared.ledger().codes.values_mut() {
            code.expires_at = now;
        }
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        // The flag first: `unblock` wakes the serving thread, which then sees it and returns.
        self.stopping.store(true, Ordering::SeqCst);
        self.http.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(shared: &Shared, http: &tiny_http::Server, stopping: &AtomicBool) {
    while !stopping.load(Ordering::SeqCst) {
        // An error is either the wake-up from `unblock` or a failed accept; the loop condition decides.
        let Ok(mut request) = http.recv() else {
            continue;
        };
        let incoming = Incoming::from_tiny_http(&mut request);
        let reply = route(shared, &incoming);
        // The client may have gone away; nothing to do about it here.
        let _ = request.respond(reply.into_tiny_http());
    }
}

fn route(shared: &Shared, request: &Incoming) -> Reply {
    let allowed = match request.path.as_str() {
        "/.well-known/oauth-authorization-server" | "/jwks" | "/authorize" => "GET",
        "/token" => "POST",
        _ => return Reply::oauth_error(404, "not_found", &format!("no endpoint at {}", request.path)),
    };
    if request.method != allowed {
        return Reply::oauth_error(405, "invalid_request", &format!("{} accepts only {allowed}", request.path))
            .with_header("Allow", allowed);
    }
    match request.path.as_str() {
        "/.well-known/oauth-authorization-server" => discovery::metadata_reply(shared),
        "/jwks" => discovery::jwks_reply(shared),
        "/authorize" => authorize::handle(shared, &request.query),
        _ => token::handle(shared, request),
    }
}
