//! OAuth: the top-level section (scopes, where sessions live, which secret signs in), each environment's
//! authorization server, and the environment the published documents describe.

use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::spec::{self, Spec};

pub(super) fn check_oauth(check: &mut Checker<'_>, oauth: &spec::OAuthSpec, bindings: &spec::BindingsSpec) -> OAuth {
    let path = YamlPath::root().key("oauth");
    if !bindings.kv.contains_key(&oauth.session_store) {
        check.error(
            path.key("session_store"),
            format!(
                "`{}` is not a declared KV binding{}",
                oauth.session_store,
                other_kind(bindings, &oauth.session_store)
            ),
            if bindings.kv.is_empty() {
                "sessions and sign-in state are kept in KV: declare a namespace under `bindings.kv`, e.g. \
                 `SESSIONS: {description: Sessions}`, and name it here"
                    .to_owned()
            } else {
                suggest(&oauth.session_store, bindings.kv.keys().map(String::as_str))
            },
        );
    }
    if !bindings.secrets.contains_key(&oauth.client_secret) {
        check.error(
            path.key("client_secret"),
            format!("`{}` is not a declared secret{}", oauth.client_secret, other_kind(bindings, &oauth.client_secret)),
            if bindings.secrets.is_empty() {
                "declare the secret under `bindings.secrets`, e.g. `OAUTH_CLIENT_SECRET: {description: ...}`, and \
                 name it here (its value is set with `wrangler secret put`)"
                    .to_owned()
            } else {
                suggest(&oauth.client_secret, bindings.secrets.keys().map(String::as_str))
            },
        );
    }
    if !names::is_cookie_name(&oauth.session_cookie) {
        check.error(
            path.key("session_cookie"),
            format!("`{}` is not a valid cookie name", oauth.session_cookie),
            "use letters, digits, `-` and `_`, e.g. __Host-session",
        );
    }
    if let Some(documentation) = &oauth.resource_documentation {
        if !names::is_http_url(documentation) {
            check.error(
                path.key("resource_documentation"),
                format!("`{documentation}` is not an http(s) URL"),
                "write the full URL of the documentation page, e.g. https://docs.example.com/api",
            );
        }
    }
    for name in oauth.scopes.keys() {
        if !names::is_scope_name(name) {
            check.error(
                path.key("scopes").key(name.clone()),
                format!("`{name}` is not a valid scope name"),
                "a scope is one word of printable characters without spaces, quotes or backslashes, e.g. search.read",
            );
        }
    }
    OAuth {
        bearer_methods: oauth.bearer_methods.clone(),
        resource_documentation: oauth.resource_documentation.clone(),
        scopes: oauth.scopes.clone(),
        session_store: oauth.session_store.clone(),
        session_ttl_seconds: oauth.session_ttl_seconds,
        session_cookie: oauth.session_cookie.clone(),
        login_state_ttl_seconds: oauth.login_state_ttl_seconds,
        client_secret: oauth.client_secret.clone(),
    }
}

/// " (it is a var)" and the like when `name` is declared as another kind of binding: then the likely
/// mistake is the kind of binding, not the name.
fn other_kind(bindings: &spec::BindingsSpec, name: &str) -> &'static str {
    if bindings.kv.contains_key(name) {
        " (it is a KV binding)"
    } else if bindings.durable_objects.contains_key(name) {
        " (it is a Durable Object binding)"
    } else if bindings.vars.contains_key(name) {
        " (it is a var)"
    } else if bindings.secrets.contains_key(name) {
        " (it is a secret)"
    } else if bindings.assets.as_ref().is_some_and(|a| a.binding == name) {
        " (it is the assets binding)"
    } else {
        ""
    }
}

/// An environment's authorization server: required exactly when the spec is OAuth-protected, since each
/// environment signs in against its own server.
pub(super) fn check_env_oauth(
    check: &mut Checker<'_>,
    spec: &Spec,
    env_name: &str,
    env: &spec::EnvironmentSpec,
    env_path: &YamlPath,
) -> Option<EnvOAuth> {
    match (&spec.oauth, &env.oauth) {
        (None, None) => None,
        (None, Some(_)) => {
            check.error(
                env_path.key("oauth"),
                format!("environment `{env_name}` configures OAuth but the spec has no `oauth` section"),
                "add a top-level `oauth:` with `scopes`, `session_store` and `client_secret`, or remove this block",
            );
            None
        }
        (Some(_), None) => {
            check.error(
                env_path.clone(),
                format!("environment `{env_name}` gives no OAuth authorization server"),
                "add `oauth: {issuer, authorization_endpoint, token_endpoint, jwks_uri, client_id}` here: every \
                 environment of an OAuth-protected spec signs in against its own server",
            );
            None
        }
        (Some(_), Some(oauth)) => {
            let at = env_path.key("oauth");
            for (key, url, example) in [
                ("issuer", &oauth.issuer, "https://auth.example.com"),
                ("authorization_endpoint", &oauth.authorization_endpoint, "https://auth.example.com/oauth/authorize"),
                ("token_endpoint", &oauth.token_endpoint, "https://auth.example.com/oauth/token"),
                ("jwks_uri", &oauth.jwks_uri, "https://auth.example.com/.well-known/jwks.json"),
            ] {
                if !names::is_http_url(url) {
                    check.error(
                        at.key(key),
                        format!("`{url}` is not an http(s) URL"),
                        format!("write the full URL the authorization server publishes, e.g. {example}"),
                    );
                }
            }
            let redirect = &oauth.post_login_redirect;
            // `//host` is a path to nobody but a different origin to a browser.
            let is_local_path = redirect.starts_with('/') && !redirect.starts_with("//");
            if !is_local_path && !names::is_http_url(redirect) {
                check.error(
                    at.key("post_login_redirect"),
                    format!("`{redirect}` is neither a path on this origin nor an http(s) URL"),
                    "write a path that starts with a single `/`, e.g. `/dashboard`, or a full URL such as \
                     https://app.example.com/",
                );
            }
            Some(EnvOAuth {
                issuer: oauth.issuer.clone(),
                authorization_endpoint: oauth.authorization_endpoint.clone(),
                token_endpoint: oauth.token_endpoint.clone(),
                jwks_uri: oauth.jwks_uri.clone(),
                client_id: oauth.client_id.clone(),
                post_login_redirect: oauth.post_login_redirect.clone(),
            })
        }
    }
}

/// `api.reference_environment` names a declared environment.
pub(super) fn check_reference_environment(check: &mut Checker<'_>, spec: &Spec) {
    let Some(name) = &spec.api.reference_environment else { return };
    if !spec.environments.contains_key(name) {
        check.error(
            YamlPath::root().key("api").key("reference_environment"),
            format!("`{name}` is not a declared environment"),
            suggest(name, spec.environments.keys().map(String::as_str)),
        );
    }
}
