//! The parts of `spec/dashboard.yaml` the checks take their expected values from.
//!
//! Only what the checks compare against is read (unknown fields are ignored), so the harness follows the
//! spec without duplicating the generator's model of it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    pub api: Api,
    pub cors: Cors,
    pub oauth: OAuth,
    pub mcp: Mcp,
    pub bindings: Bindings,
    pub environments: BTreeMap<String, Environment>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Api {
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    #[serde(default)]
    pub max_age: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OAuth {
    pub bearer_methods: Vec<String>,
    pub resource_documentation: String,
    /// Scope name → description; the keys are what `scopes_supported` must list.
    pub scopes: BTreeMap<String, String>,
    /// The declared secret that holds the OAuth client secret.
    pub client_secret: String,
    #[serde(default = "default_session_cookie")]
    pub session_cookie: String,
    #[serde(default = "default_session_ttl")]
    pub session_ttl_seconds: u64,
}

// The generator's defaults for the optional `oauth` fields.
fn default_session_cookie() -> String {
    "__Host-session".to_string()
}

fn default_session_ttl() -> u64 {
    3600
}

#[derive(Debug, Clone, Deserialize)]
pub struct Mcp {
    pub name: String,
    pub version: String,
    pub protocol_version: String,
    pub capabilities: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Bindings {
    #[serde(default)]
    pub kv: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub durable_objects: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub assets: Option<Assets>,
    #[serde(default)]
    pub vars: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub secrets: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assets {
    pub binding: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Environment {
    pub origin: String,
    /// The environment's authorization server and this worker's client id there.
    pub oauth: EnvOAuth,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EnvOAuth {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub client_id: String,
    #[serde(default = "default_post_login_redirect")]
    pub post_login_redirect: String,
}

fn default_post_login_redirect() -> String {
    "/".to_string()
}

/// A route's method: the spec allows one method or a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Methods {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    pub id: String,
    pub method: Methods,
    pub path: String,
    /// `json` when absent; a word (`redirect`, `oauth-login`, ...) or a one-key mapping (`{sse: ...}`).
    #[serde(default)]
    pub kind: Option<serde_yaml::Value>,
    /// Scopes a caller must hold; empty for public routes.
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl Route {
    pub fn methods(&self) -> Vec<String> {
        match &self.method {
            Methods::One(method) => vec![method.to_ascii_uppercase()],
            Methods::Many(methods) => methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
        }
    }
}

/// A declared binding as health must report it: name and kind (`kv`, `durable_object`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedBinding {
    pub name: String,
    pub kind: &'static str,
}

impl fmt::Display for ExpectedBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name, self.kind)
    }
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_yaml::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
    }

    /// The repository's spec, `spec/dashboard.yaml`.
    pub fn load_repo() -> Result<Spec, String> {
        Spec::load(&crate::paths::spec_file())
    }

    /// Every binding health must list, with the kind names of the `BindingKind` enum.
    pub fn expected_bindings(&self) -> Vec<ExpectedBinding> {
        let named = |names: &BTreeMap<String, serde_yaml::Value>, kind: &'static str| {
            names.keys().map(move |name| ExpectedBinding { name: name.clone(), kind }).collect::<Vec<_>>()
        };
        let mut bindings = named(&self.bindings.kv, "kv");
        bindings.extend(named(&self.bindings.durable_objects, "durable_object"));
        if let Some(assets) = &self.bindings.assets {
            bindings.push(ExpectedBinding { name: assets.binding.clone(), kind: "assets" });
        }
        bindings.extend(named(&self.bindings.vars, "var"));
        bindings.extend(named(&self.bindings.secrets, "secret"));
        bindings
    }

    pub fn secret_names(&self) -> Vec<String> {
        self.bindings.secrets.keys().cloned().collect()
    }

    /// The public origin an environment is served from, e.g. `http://localhost:8787` for dev.
    pub fn origin(&self, environment: &str) -> Result<&str, String> {
        self.environments.get(environment).map(|env| env.origin.as_str()).ok_or_else(|| {
            let known: Vec<_> = self.environments.keys().collect();
            format!("environment {environment:?} is not in the spec (known: {known:?})")
        })
    }

    /// An environment's authorization server, as the spec declares it.
    pub fn env_oauth(&self, environment: &str) -> Result<&EnvOAuth, String> {
        self.origin(environment)?;
        Ok(&self.environments[environment].oauth)
    }

    /// The routes that require scopes, in spec order.
    pub fn scoped_routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().filter(|route| !route.scopes.is_empty())
    }

    /// The path of the route of a word kind such as `oauth-login` or `oauth-callback`.
    pub fn path_of_kind(&self, kind: &str) -> Result<&str, String> {
        self.routes
            .iter()
            .find(|route| route.kind.as_ref().and_then(serde_yaml::Value::as_str) == Some(kind))
            .map(|route| route.path.as_str())
            .ok_or_else(|| format!("the spec has no route of kind {kind}"))
    }

    /// The methods the spec declares for a path (upper case), empty when the path is unknown.
    pub fn methods_of(&self, path: &str) -> Vec<String> {
        self.routes.iter().filter(|route| route.path == path).flat_map(Route::methods).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_spec_parses_with_the_values_the_checks_use() {
        let spec = Spec::load_repo().expect("spec/dashboard.yaml parses");
        assert_eq!(spec.origin("dev").unwrap(), "http://localhost:8787");
        let bindings: Vec<String> = spec.expected_bindings().iter().map(ToString::to_string).collect();
        assert_eq!(
            bindings,
            [
                "SESSIONS(kv)",
                "REALTIME(durable_object)",
                "ASSETS(assets)",
                "ENVIRONMENT(var)",
                "DASHBOARD_AUTH_SECRET(secret)",
                "OPENAI_CLIENT_ID(secret)",
                "OPENAI_CLIENT_SECRET(secret)",
            ]
        );
        assert_eq!(spec.methods_of("/auth/logout"), ["GET", "POST"]);
        assert_eq!(spec.oauth.scopes.len(), 5);
        assert_eq!(spec.oauth.client_secret, "OPENAI_CLIENT_SECRET");
        assert_eq!(spec.env_oauth("dev").unwrap().issuer, "http://127.0.0.1:9876");
        assert_eq!(spec.path_of_kind("oauth-callback").unwrap(), "/auth/callback");
        let scoped: Vec<&str> = spec.scoped_routes().map(|route| route.id.as_str()).collect();
        assert_eq!(scoped, ["get_logs", "get_metrics", "get_traces", "get_runs", "post_control", "post_test_flow"]);
    }
}
