//! What an [`AuthServer`](super::AuthServer) knows before it starts: its clients, scopes, audience and
//! lifetimes.

use std::time::Duration;

/// How long an authorization code can be redeemed; RFC 6749 §4.1.2 recommends at most ten minutes.
pub const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(60);
/// The `expires_in` of access tokens issued by the token endpoint.
pub const DEFAULT_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The user every authorization is approved for, unless the configuration names another.
pub const DEFAULT_SUBJECT: &str = "e2e-user";

/// A confidential client: its credentials and the redirect URIs it may use, compared exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
}

/// The configuration of one authorization server, built with chained calls:
///
/// ```no_run
/// use e2e::auth_server::AuthServerConfig;
///
/// let config = AuthServerConfig::new("http://localhost:8787")
///     .registered_client("dashboard", "s3cret", ["http://localhost:8787/auth/callback"])
///     .scopes_supported(["search.read", "memory.write"]);
/// ```
#[derive(Debug, Clone)]
pub struct AuthServerConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub clients: Vec<RegisteredClient>,
    /// Scopes a client may ask for; empty accepts any scope (and the metadata then omits the list).
    pub scopes_supported: Vec<String>,
    /// The `aud` of issued tokens when the authorization request names no `resource` (RFC 8707).
    pub audience: String,
    /// The `sub` of issued tokens: the test user who "approves" every request.
    pub subject: String,
    pub code_lifetime: Duration,
    pub access_token_lifetime: Duration,
}

impl AuthServerConfig {
    /// A server with no clients yet whose tokens are meant for `audience` (the resource's origin).
    pub fn new(audience: impl Into<String>) -> AuthServerConfig {
        AuthServerConfig {
            port: 0,
            clients: Vec::new(),
            scopes_supported: Vec::new(),
            audience: audience.into(),
            subject: DEFAULT_SUBJECT.to_string(),
            code_lifetime: DEFAULT_CODE_LIFETIME,
            access_token_lifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
        }
    }

    /// The dashboard as `spec/dashboard.yaml` declares it: the dev origin as audience and the spec's
    /// scopes. Clients still have to be registered.
    pub fn for_repo() -> Result<AuthServerConfig, String> {
        let spec = crate::spec::Spec::load_repo()?;
        Ok(AuthServerConfig::new(spec.origin("dev")?).scopes_supported(spec.oauth.scopes.keys().cloned()))
    }

    /// The server the spec's `dev` environment signs in against, as the local dev server needs it: the
    /// port of the dev issuer, and the worker registered as a client with the spec's dev `client_id`, the
    /// placeholder value of the spec's client secret, and the callback on the dev origin as redirect URI
    /// (the worker builds it from the origin in the spec, whatever port the test server listens on).
    pub fn for_dev_server(secrets: &crate::dev_secrets::DevSecrets) -> Result<AuthServerConfig, String> {
        let spec = crate::spec::Spec::load_repo()?;
        let dev = spec.env_oauth("dev")?;
        let port = url::Url::parse(&dev.issuer)
            .ok()
            .filter(|issuer| issuer.host_str() == Some("127.0.0.1") && issuer.path() == "/")
            .and_then(|issuer| issuer.port())
            .ok_or_else(|| {
                format!("the dev issuer {} is not http://127.0.0.1:PORT, so no local server can play it", dev.issuer)
            })?;
        let secret_name = &spec.oauth.client_secret;
        let secret = secrets
            .iter()
            .find(|secret| &secret.name == secret_name)
            .ok_or_else(|| format!("no placeholder for the client secret {secret_name}"))?;
        let redirect_uri = format!("{}{}", spec.origin("dev")?, spec.path_of_step(crate::spec::OAuthStep::Callback)?);
        Ok(AuthServerConfig::for_repo()?.port(port).registered_client(
            dev.client_id.clone(),
            secret.value.clone(),
            [redirect_uri],
        ))
    }

    pub fn registered_client<I, S>(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uris: I,
    ) -> AuthServerConfig
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.clients.push(RegisteredClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
        });
        self
    }

    pub fn scopes_supported<I, S>(mut self, scopes: I) -> AuthServerConfig
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes_supported = scopes.into_iter().map(Into::into).collect();
        self
    }

    pub fn port(mut self, port: u16) -> AuthServerConfig {
        self.port = port;
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> AuthServerConfig {
        self.subject = subject.into();
        self
    }

    /// `Duration::ZERO` makes every code expired as soon as it is issued.
    pub fn code_lifetime(mut self, lifetime: Duration) -> AuthServerConfig {
        self.code_lifetime = lifetime;
        self
    }

    pub fn access_token_lifetime(mut self, lifetime: Duration) -> AuthServerConfig {
        self.access_token_lifetime = lifetime;
        self
    }

    pub fn client(&self, client_id: &str) -> Option<&RegisteredClient> {
        self.clients.iter().find(|client| client.client_id == client_id)
    }

    /// The scopes of a space-separated `scope` value that this server does not offer.
    pub fn unsupported_scopes<'a>(&self, scope: &'a str) -> Vec<&'a str> {
        if self.scopes_supported.is_empty() {
            return Vec::new();
        }
        scope.split(' ').filter(|requested| !self.scopes_supported.iter().any(|known| known == requested)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_collects_clients_and_scopes() {
        let config = AuthServerConfig::new("http://localhost:8787")
            .registered_client("a", "secret-a", ["http://localhost:8787/auth/callback"])
            .scopes_supported(["search.read", "memory.write"]);
        assert_eq!(config.client("a").unwrap().client_secret, "secret-a");
        assert!(config.client("b").is_none());
        assert_eq!(config.unsupported_scopes("search.read memory.write"), Vec::<&str>::new());
        assert_eq!(config.unsupported_scopes("search.read admin"), vec!["admin"]);
    }

    #[test]
    fn no_scope_list_accepts_any_scope() {
        let config = AuthServerConfig::new("http://localhost:8787");
        assert!(config.unsupported_scopes("anything at.all").is_empty());
    }

    #[test]
    fn dev_server_config_registers_the_worker_as_the_spec_declares_it() {
        let secrets = crate::dev_secrets::DevSecrets::for_names(&["OPENAI_CLIENT_SECRET"]);
        let config = AuthServerConfig::for_dev_server(&secrets).unwrap();
        assert_eq!(config.port, 9876);
        assert_eq!(
            config.clients,
            [RegisteredClient {
                client_id: "cortexdx-dashboard-dev".to_string(),
                client_secret: "e2e-dev-openai-client-secret-placeholder".to_string(),
                redirect_uris: vec!["http://localhost:8787/auth/callback".to_string()],
            }]
        );
    }

    #[test]
    fn repo_config_uses_the_spec() {
        let config = AuthServerConfig::for_repo().unwrap();
        assert_eq!(config.audience, "http://localhost:8787");
        assert!(config.scopes_supported.contains(&"search.read".to_string()));
        assert_eq!(config.scopes_supported.len(), 5);
    }
}
