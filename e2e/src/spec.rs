//! The parts of `spec/dashboard.yaml` the checks take their expected values from.
//!
//! The spec is loaded by the generator itself (`codegen::load::load`), so the checks expect exactly what the
//! generated worker was built from: the same defaults, the same validation, no second reading of the format.

use std::fmt;
use std::path::Path;

use codegen::model::Model;
pub use codegen::model::{Api, Cors, EnvOAuth, Mcp, OAuth, OAuthStep, Route, RouteKind};

/// The checked spec, with the sections the dashboard's checks rely on known to be present.
#[derive(Debug, Clone)]
pub struct Spec {
    pub api: Api,
    pub cors: Cors,
    pub oauth: OAuth,
    pub mcp: Mcp,
    pub routes: Vec<Route>,
    model: Model,
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

/// A route's methods in upper case, as HTTP spells them.
pub fn methods(route: &Route) -> Vec<String> {
    route.methods.iter().map(|method| method.as_str().to_string()).collect()
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let model = codegen::load::load(&text).map_err(|d| d.render(&path.display().to_string()))?;
        let missing = |section: &str| format!("{} has no `{section}` section, which the checks need", path.display());
        Ok(Spec {
            api: model.api.clone(),
            cors: model.cors.clone().ok_or_else(|| missing("cors"))?,
            oauth: model.oauth.clone().ok_or_else(|| missing("oauth"))?,
            mcp: model.mcp.clone().ok_or_else(|| missing("mcp"))?,
            routes: model.routes.clone(),
            model,
        })
    }

    /// The repository's spec, `spec/dashboard.yaml`.
    pub fn load_repo() -> Result<Spec, String> {
        Spec::load(&crate::paths::spec_file())
    }

    /// Every binding health must list, with the kind names of the `BindingKind` enum, in the order the
    /// generated `check_all` reports them.
    pub fn expected_bindings(&self) -> Vec<ExpectedBinding> {
        self.model.bindings.declared().map(|(name, kind)| ExpectedBinding { name: name.to_string(), kind }).collect()
    }

    pub fn secret_names(&self) -> Vec<String> {
        self.model.bindings.secrets.iter().map(|secret| secret.name.clone()).collect()
    }

    fn environment(&self, name: &str) -> Result<&codegen::model::Environment, String> {
        self.model.environments.iter().find(|env| env.name == name).ok_or_else(|| {
            let known: Vec<&str> = self.model.environments.iter().map(|env| env.name.as_str()).collect();
            format!("environment {name:?} is not in the spec (known: {known:?})")
        })
    }

    /// The public origin an environment is served from, e.g. `http://localhost:8787` for dev.
    pub fn origin(&self, environment: &str) -> Result<&str, String> {
        Ok(self.environment(environment)?.origin.as_str())
    }

    /// An environment's authorization server, as the spec declares it.
    pub fn env_oauth(&self, environment: &str) -> Result<&EnvOAuth, String> {
        self.environment(environment)?
            .oauth
            .as_ref()
            .ok_or_else(|| format!("environment {environment:?} declares no authorization server"))
    }

    /// The routes that require scopes, in spec order.
    pub fn scoped_routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().filter(|route| !route.scopes.is_empty())
    }

    /// The path of the route of a sign-in step.
    pub fn path_of_step(&self, step: OAuthStep) -> Result<&str, String> {
        self.routes
            .iter()
            .find(|route| route.kind == RouteKind::OAuth(step))
            .map(|route| route.path.as_str())
            .ok_or_else(|| format!("the spec has no route for the sign-in step {step:?}"))
    }

    /// Every named type, each of which OpenAPI must describe as a component schema.
    pub fn type_names(&self) -> Vec<String> {
        self.model.types.keys().cloned().collect()
    }

    /// The methods the spec declares for a path (upper case), empty when the path is unknown.
    pub fn methods_of(&self, path: &str) -> Vec<String> {
        self.routes.iter().filter(|route| route.path == path).flat_map(methods).collect()
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
                "OPENAI_CLIENT_SECRET(secret)",
            ]
        );
        assert_eq!(spec.methods_of("/auth/logout"), ["GET", "POST"]);
        assert_eq!(spec.oauth.scopes.len(), 5);
        assert_eq!(spec.oauth.client_secret, "OPENAI_CLIENT_SECRET");
        assert_eq!(spec.env_oauth("dev").unwrap().issuer, "http://127.0.0.1:9876");
        assert_eq!(spec.path_of_step(OAuthStep::Callback).unwrap(), "/auth/callback");
        let scoped: Vec<&str> = spec.scoped_routes().map(|route| route.id.as_str()).collect();
        assert_eq!(scoped, ["get_logs", "get_metrics", "get_traces", "get_runs", "post_control", "post_test_flow"]);
    }
}
