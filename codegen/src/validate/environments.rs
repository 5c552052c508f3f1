//! Environments: valid names and URLs, and a value for every binding that wrangler does not inherit from the
//! top level into an environment (vars and KV namespace ids).

use std::collections::{BTreeMap, BTreeSet};

use super::{is_valid_env_name, names, raw, Checker, ORIGIN_HELP};
use crate::diagnostics::{did_you_mean, suggest, YamlPath};
use crate::model::*;
use crate::naming::pascal_case;
use crate::spec::{self, Spec};

pub(super) fn check_environments(check: &mut Checker<'_>, spec: &Spec, bindings: &Bindings) -> Vec<Environment> {
    let path = YamlPath::root().key("environments");
    check_default(check, spec);
    let secret_names: BTreeSet<&str> = bindings.secrets.iter().map(|s| s.name.as_str()).collect();
    // Environment names become variants of a generated Rust enum.
    let mut variants: BTreeMap<String, &str> = BTreeMap::new();
    let mut environments = Vec::new();
    for (name, env) in &spec.environments {
        let env_path = path.key(name.clone());
        if !is_valid_env_name(name) {
            check.error(
                env_path.clone(),
                format!("`{name}` is not a valid environment name"),
                "use at most 32 lowercase letters, digits and dashes, starting with a letter, e.g. staging",
            );
        } else {
            let variant = pascal_case(name);
            if let Some(other) = variants.get(&variant) {
                check.error(
                    env_path.clone(),
                    format!("environments `{other}` and `{name}` would both become the Rust variant `{variant}`"),
                    "rename one of them",
                );
            } else {
                variants.insert(variant, name);
            }
        }
        if !names::is_origin(&env.origin) {
            check.error(env_path.key("origin"), format!("`{}` is not an origin", env.origin), ORIGIN_HELP);
        }
        let oauth = super::oauth::check_env_oauth(check, spec, name, env, &env_path);
        check_env_routes(check, env, &env_path);
        let vars = check_env_vars(check, spec, name, env, &env_path, &secret_names);
        let kv = check_env_kv(check, bindings, name, env, &env_path);
        environments.push(Environment {
            name: name.clone(),
            is_default: name == &spec.worker.default_environment,
            origin: env.origin.clone(),
            oauth,
            workers_dev: env.workers_dev,
            routes: env
                .routes
                .iter()
                .map(|r| EnvRoute {
                    pattern: r.pattern.clone(),
                    custom_domain: r.custom_domain,
                    zone_name: r.zone_name.clone(),
                })
                .collect(),
            vars,
            kv,
        });
    }
    // The default environment leads: it is what the top level of wrangler.toml describes.
    environments.sort_by_key(|e| (!e.is_default, e.name.clone()));
    environments
}

fn check_default(check: &mut Checker<'_>, spec: &Spec) {
    let default_name = &spec.worker.default_environment;
    if spec.environments.contains_key(default_name) {
        return;
    }
    let declared = spec.environments.keys().map(String::as_str);
    let help = match did_you_mean(default_name, declared.clone()) {
        Some(guess) => guess,
        None if spec.environments.is_empty() => format!("declare `{default_name}` under `environments`"),
        None => format!(
            "declare `{default_name}` under `environments`, or set `worker.default_environment` to one of: {}",
            declared.collect::<Vec<_>>().join(", ")
        ),
    };
    check.error(
        YamlPath::root().key("worker").key("default_environment"),
        format!("default environment `{default_name}` is not declared"),
        help,
    );
}

fn check_env_routes(check: &mut Checker<'_>, env: &spec::EnvironmentSpec, env_path: &YamlPath) {
    for (i, route) in env.routes.iter().enumerate() {
        let at = env_path.key("routes").index(i).key("pattern");
        let pattern = route.pattern.as_str();
        if pattern.is_empty() || pattern.contains(char::is_whitespace) || pattern.contains("://") {
            check.error(
                at,
                format!("`{pattern}` is not a route pattern"),
                "write a host and optional path without a scheme, e.g. example.com/api/*",
            );
        } else if route.custom_domain && pattern.contains(['/', '*']) {
            check.error(
                at,
                format!("custom domain `{pattern}` has a path or wildcard"),
                "a custom domain is a bare host name, e.g. dashboard.example.com; for a pattern set `custom_domain: false`",
            );
        }
    }
}

fn check_env_vars(
    check: &mut Checker<'_>,
    spec: &Spec,
    env_name: &str,
    env: &spec::EnvironmentSpec,
    env_path: &YamlPath,
    secret_names: &BTreeSet<&str>,
) -> BTreeMap<String, String> {
    let environment_var = spec.worker.environment_var.as_deref();
    for name in env.vars.keys() {
        let at = env_path.key("vars").key(name.clone());
        if secret_names.contains(name.as_str()) {
            check.error(at, format!("secret `{name}` is given a value"), raw::secret_value_help(name, &[env_name]));
        } else if Some(name.as_str()) == environment_var {
            check.error(
                at,
                format!("`{name}` is set by the generator to the environment's name"),
                format!("remove `{name}` here (it is `worker.environment_var`)"),
            );
        } else if !spec.bindings.vars.contains_key(name) {
            let help = if spec.bindings.vars.is_empty() {
                format!("declare it under `bindings.vars`, e.g. `vars: {{{name}: {{description: ...}}}}`")
            } else {
                suggest(name, spec.bindings.vars.keys().map(String::as_str))
            };
            check.error(at, format!("`{name}` is not a declared var"), help);
        }
    }
    let mut values = BTreeMap::new();
    for (name, var) in &spec.bindings.vars {
        let value = if Some(name.as_str()) == environment_var {
            Some(env_name.to_owned())
        } else {
            env.vars.get(name).cloned().or_else(|| var.default.clone())
        };
        match value {
            Some(value) => {
                values.insert(name.clone(), value);
            }
            None => check.error(
                env_path.clone(),
                format!("environment `{env_name}` gives no value for var `{name}`"),
                format!("vars are not inherited between environments: add `vars: {{{name}: ...}}` here, or a `default` to the var"),
            ),
        }
    }
    values
}

fn check_env_kv(
    check: &mut Checker<'_>,
    bindings: &Bindings,
    env_name: &str,
    env: &spec::EnvironmentSpec,
    env_path: &YamlPath,
) -> BTreeMap<String, KvNamespaceIds> {
    for (name, ids) in &env.kv {
        let at = env_path.key("kv").key(name.clone());
        if !bindings.kv.iter().any(|kv| &kv.name == name) {
            let help = if bindings.kv.is_empty() {
                format!("declare it under `bindings.kv`, e.g. `kv: {{{name}: {{description: ...}}}}`")
            } else {
                suggest(name, bindings.kv.iter().map(|k| k.name.as_str()))
            };
            check.error(at.clone(), format!("`{name}` is not a declared KV binding"), help);
        }
        for (key, id) in [("id", Some(&ids.id)), ("preview_id", ids.preview_id.as_ref())] {
            if let Some(id) = id {
                if !names::is_namespace_id(id) {
                    check.error(
                        at.key(key),
                        format!("`{id}` is not a KV namespace id"),
                        format!("paste the 32-character hex id printed by `wrangler kv namespace create {name}`"),
                    );
                }
            }
        }
    }
    for kv in &bindings.kv {
        if !env.kv.contains_key(&kv.name) {
            check.error(
                env_path.clone(),
                format!("environment `{env_name}` gives no namespace id for KV binding `{}`", kv.name),
                format!(
                    "KV namespaces are not inherited between environments: add `kv: {{{0}: {{id: ...}}}}` here (create one with `wrangler kv namespace create {0}`)",
                    kv.name
                ),
            );
        }
    }
    env.kv.clone()
}
