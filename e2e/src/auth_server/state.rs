//! What the running server remembers: issued codes, counters, the last requests, and the switches
//! tests flip. Shared between the serving thread and the test through an `Arc`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::config::AuthServerConfig;
use super::keys::SigningKey;

/// An authorization code and the request it answered; the token request must match it.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub client_id: String,
    /// The `redirect_uri` as the authorization request sent it; `None` when it relied on the only
    /// registered one.
    pub redirect_uri: Option<String>,
    pub scope: String,
    pub code_challenge: String,
    /// The token audience: the request's `resource`, else the configured audience.
    pub audience: String,
    pub expires_at: Instant,
    /// Codes are single use: the first token request that presents one spends it, whatever its outcome.
    pub spent: bool,
}

/// Everything that changes while the server runs, behind one lock.
#[derive(Debug, Default)]
pub struct Ledger {
    pub codes: HashMap<String, IssuedCode>,
    pub authorization_requests: usize,
    pub codes_issued: usize,
    pub token_requests: usize,
    pub tokens_issued: usize,
    pub last_authorization_request: Option<BTreeMap<String, String>>,
    pub last_token_request: Option<BTreeMap<String, String>>,
}

pub struct Shared {
    pub config: AuthServerConfig,
    pub issuer: String,
    pub key: SigningKey,
    fail_token_requests: AtomicBool,
    deny_authorizations: AtomicBool,
    ledger: Mutex<Ledger>,
}

impl Shared {
    pub fn new(config: AuthServerConfig, issuer: String, key: SigningKey) -> Shared {
        Shared {
            config,
            issuer,
            key,
            fail_token_requests: AtomicBool::new(false),
            deny_authorizations: AtomicBool::new(false),
            ledger: Mutex::new(Ledger::default()),
        }
    }

    /// The ledger; a panic in another holder cannot leave it half-updated in a way that matters to a
    /// test server, so a poisoned lock is used as is.
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn set_fail_token_requests(&self, fail: bool) {
        self.fail_token_requests.store(fail, Ordering::SeqCst);
    }

    pub fn fails_token_requests(&self) -> bool {
        self.fail_token_requests.load(Ordering::SeqCst)
    }

    pub fn set_deny_authorizations(&self, deny: bool) {
        self.deny_authorizations.store(deny, Ordering::SeqCst);
    }

    pub fn denies_authorizations(&self) -> bool {
        self.deny_authorizations.load(Ordering::SeqCst)
    }

    pub fn authorization_endpoint(&self) -> String {
        format!("{}/authorize", self.issuer)
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.issuer)
    }

    pub fn jwks_uri(&self) -> String {
        format!("{}/jwks", self.issuer)
    }

    pub fn metadata_url(&self) -> String {
        format!("{}/.well-known/oauth-authorization-server", self.issuer)
    }
}
