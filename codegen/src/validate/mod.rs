//! Semantic checks that a schema cannot express, turning a `Spec` into the checked `Model`.
//!
//! Every check records its problem and carries on, so one run reports all of them.

mod names;
mod routes;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{suggest, Diagnostic, Diagnostics, YamlPath};
use crate::model::*;
use crate::spec::{self, Spec};
use crate::yaml::LocationIndex;

pub use names::{is_valid_env_name, is_valid_worker_name};

/// Collects diagnostics, placing each at its YAML node.
pub(crate) struct Checker<'a> {
    locations: &'a LocationIndex,
    pub diagnostics: Diagnostics,
}

impl Checker<'_> {
    pub fn error(&mut self, path: YamlPath, message: impl Into<String>, help: impl Into<String>) {
        let location = self.locations.find(&path);
        self.diagnostics.push(Diagnostic::new(path, message).with_help(help).at(location));
    }
}

pub fn validate(spec: &Spec, locations: &LocationIndex) -> Result<Model, Diagnostics> {
    let mut check = Checker { locations, diagnostics: Diagnostics::default() };
    let root = YamlPath::root();

    let worker = check_worker(&mut check, &spec.worker, &spec.bindings);
    let api = Api {
        title: spec.api.title.clone(),
        version: spec.api.version.clone(),
        description: spec.api.description.clone(),
        tags: spec.api.tags.clone(),
    };
    let cors = spec.cors.as_ref().map(|c| check_cors(&mut check, c));
    let oauth = spec.oauth.as_ref().map(|o| check_oauth(&mut check, o));
    let mcp = spec.mcp.as_ref().map(|m| Mcp {
        name: m.name.clone(),
        version: m.version.clone(),
        protocol_version: m.protocol_version.clone(),
        tools: m.capabilities.tools,
        resources: m.capabilities.resources,
        prompts: m.capabilities.prompts,
    });
    let bindings = check_bindings(&mut check, &spec.bindings);
    let migrations = check_migrations(&mut check, &spec.migrations, &bindings);
    let environments = check_environments(&mut check, spec, &bindings);
    let types = types::check_types(&mut check, &spec.types, &root.key("types"));
    let routes = routes::check_routes(&mut check, spec, &types, &bindings, oauth.as_ref());

    if check.diagnostics.is_empty() {
        Ok(Model { worker, api, cors, oauth, mcp, bindings, migrations, environments, types, routes })
    } else {
        let mut diagnostics = check.diagnostics;
        diagnostics.sort();
        Err(diagnostics)
    }
}

fn check_worker(check: &mut Checker<'_>, worker: &spec::WorkerSpec, bindings: &spec::BindingsSpec) -> Worker {
    let path = YamlPath::root().key("worker");
    if !is_valid_worker_name(&worker.name) {
        check.error(
            path.key("name"),
            format!("`{}` is not a valid Worker name", worker.name),
            "use 1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash",
        );
    }
    if !names::is_date(&worker.compatibility_date) {
        check.error(
            path.key("compatibility_date"),
            format!("`{}` is not a date", worker.compatibility_date),
            "write the compatibility date as YYYY-MM-DD, e.g. 2025-11-20",
        );
    }
    if let Some(var) = &worker.environment_var {
        if !bindings.vars.contains_key(var) {
            check.error(
                path.key("environment_var"),
                format!("`{var}` is not a declared var"),
                suggest(var, bindings.vars.keys().map(String::as_str)),
            );
        }
    }
    Worker {
        name: worker.name.clone(),
        crate_dir: worker.crate_dir.clone(),
        compatibility_date: worker.compatibility_date.clone(),
        compatibility_flags: worker.compatibility_flags.clone(),
        environment_var: worker.environment_var.clone(),
    }
}

fn check_cors(check: &mut Checker<'_>, cors: &spec::CorsSpec) -> Cors {
    let path = YamlPath::root().key("cors");
    for (i, origin) in cors.allow_origins.iter().enumerate() {
        if !names::is_origin(origin) {
            check.error(
                path.key("allow_origins").index(i),
                format!("`{origin}` is not an origin"),
                "write scheme://host[:port] with no path or trailing slash, e.g. https://chatgpt.com",
            );
        }
    }
    for (key, headers) in [("allow_headers", &cors.allow_headers), ("expose_headers", &cors.expose_headers)] {
        for (i, header) in headers.iter().enumerate() {
            if !names::is_header_name(header) {
                check.error(
                    path.key(key).index(i),
                    format!("`{header}` is not a valid header name"),
                    "use letters, digits and dashes",
                );
            }
        }
    }
    Cors {
        allow_origins: cors.allow_origins.clone(),
        allow_credentials: cors.allow_credentials,
        allow_headers: cors.allow_headers.clone(),
        expose_headers: cors.expose_headers.clone(),
        max_age: cors.max_age,
    }
}

fn check_oauth(check: &mut Checker<'_>, oauth: &spec::OAuthSpec) -> OAuth {
    let path = YamlPath::root().key("oauth");
    for (i, server) in oauth.authorization_servers.iter().enumerate() {
        if !names::is_http_url(server) {
            check.error(
                path.key("authorization_servers").index(i),
                format!("`{server}` is not an http(s) URL"),
                "write the authorization server's issuer URL, e.g. https://auth.example.com",
            );
        }
    }
    OAuth {
        authorization_servers: oauth.authorization_servers.clone(),
        bearer_methods: oauth.bearer_methods.clone(),
        resource_documentation: oauth.resource_documentation.clone(),
        scopes: oauth.scopes.clone(),
    }
}

fn check_bindings(check: &mut Checker<'_>, bindings: &spec::BindingsSpec) -> Bindings {
    let path = YamlPath::root().key("bindings");
    let mut seen: BTreeMap<String, YamlPath> = BTreeMap::new();
    let mut declare = |check: &mut Checker<'_>, name: &str, at: YamlPath| {
        if !names::is_binding_name(name) {
            check.error(
                at.clone(),
                format!("`{name}` is not a valid binding name"),
                "use an identifier of letters, digits and underscores, e.g. SESSIONS",
            );
        }
        if let Some(first) = seen.get(name) {
            check.error(at, format!("binding `{name}` is declared twice"), format!("it is already declared at {first}"));
        } else {
            seen.insert(name.to_owned(), at);
        }
    };
    for name in bindings.kv.keys() {
        declare(check, name, path.key("kv").key(name.clone()));
    }
    for (name, object) in &bindings.durable_objects {
        declare(check, name, path.key("durable_objects").key(name.clone()));
        if !names::is_type_name(&object.class) {
            check.error(
                path.key("durable_objects").key(name.clone()).key("class"),
                format!("`{}` is not a valid class name", object.class),
                "use a PascalCase identifier, e.g. RealtimeSession",
            );
        }
    }
    if let Some(assets) = &bindings.assets {
        declare(check, &assets.binding, path.key("assets").key("binding"));
    }
    for name in bindings.vars.keys() {
        declare(check, name, path.key("vars").key(name.clone()));
    }
    for name in bindings.secrets.keys() {
        declare(check, name, path.key("secrets").key(name.clone()));
    }
    Bindings {
        kv: bindings.kv.iter().map(|(name, kv)| KvBinding { name: name.clone(), description: kv.description.clone() }).collect(),
        durable_objects: bindings
            .durable_objects
            .iter()
            .map(|(name, object)| DurableObjectBinding {
                name: name.clone(),
                class: object.class.clone(),
                storage: object.storage,
                description: object.description.clone(),
            })
            .collect(),
        assets: bindings.assets.as_ref().map(|a| Assets {
            binding: a.binding.clone(),
            directory: a.directory.clone(),
            not_found_handling: a.not_found_handling,
        }),
        vars: bindings.vars.iter().map(|(name, var)| Var { name: name.clone(), description: var.description.clone() }).collect(),
        secrets: bindings
            .secrets
            .iter()
            .map(|(name, secret)| Secret { name: name.clone(), description: secret.description.clone() })
            .collect(),
    }
}

fn check_migrations(check: &mut Checker<'_>, migrations: &[spec::MigrationSpec], bindings: &Bindings) -> Vec<Migration> {
    let path = YamlPath::root().key("migrations");
    let classes: Vec<&str> = bindings.durable_objects.iter().map(|d| d.class.as_str()).collect();
    let mut tags = BTreeSet::new();
    let mut created = BTreeSet::new();
    for (i, migration) in migrations.iter().enumerate() {
        if !tags.insert(migration.tag.as_str()) {
            check.error(path.index(i).key("tag"), format!("migration tag `{}` is used twice", migration.tag), "give every migration a new tag");
        }
        for (key, list) in [("new_sqlite_classes", &migration.new_sqlite_classes), ("new_classes", &migration.new_classes)] {
            for (j, class) in list.iter().enumerate() {
                created.insert(class.as_str());
                if !classes.contains(&class.as_str()) {
                    check.error(
                        path.index(i).key(key).index(j),
                        format!("`{class}` is not the class of a declared Durable Object"),
                        suggest(class, classes.iter().copied()),
                    );
                }
            }
        }
    }
    for object in &bindings.durable_objects {
        if !created.contains(object.class.as_str()) {
            let key = match object.storage {
                DurableObjectStorage::Sqlite => "new_sqlite_classes",
                DurableObjectStorage::Kv => "new_classes",
            };
            check.error(
                YamlPath::root().key("bindings").key("durable_objects").key(object.name.clone()),
                format!("Durable Object class `{}` is never created by a migration", object.class),
                format!("add a migration with `{key}: [{}]`", object.class),
            );
        }
    }
    migrations
        .iter()
        .map(|m| Migration {
            tag: m.tag.clone(),
            new_sqlite_classes: m.new_sqlite_classes.clone(),
            new_classes: m.new_classes.clone(),
            deleted_classes: m.deleted_classes.clone(),
        })
        .collect()
}

fn check_environments(check: &mut Checker<'_>, spec: &Spec, bindings: &Bindings) -> Vec<Environment> {
    let path = YamlPath::root().key("environments");
    let default_name = &spec.worker.default_environment;
    if !spec.environments.contains_key(default_name) {
        check.error(
            YamlPath::root().key("worker").key("default_environment"),
            format!("default environment `{default_name}` is not declared"),
            suggest(default_name, spec.environments.keys().map(String::as_str)),
        );
    }
    let secret_names: BTreeSet<&str> = bindings.secrets.iter().map(|s| s.name.as_str()).collect();
    let mut environments = Vec::new();
    for (name, env) in &spec.environments {
        let env_path = path.key(name.clone());
        if !is_valid_env_name(name) {
            check.error(env_path.clone(), format!("`{name}` is not a valid environment name"), "use lowercase letters, digits and dashes, e.g. staging");
        }
        if !names::is_origin(&env.origin) {
            check.error(
                env_path.key("origin"),
                format!("`{}` is not an origin", env.origin),
                "write scheme://host[:port] with no path or trailing slash, e.g. https://dashboard.example.com",
            );
        }
        if let Some(endpoint) = &env.token_endpoint {
            if !names::is_http_url(endpoint) {
                check.error(env_path.key("token_endpoint"), format!("`{endpoint}` is not an http(s) URL"), "write the token endpoint's full URL");
            }
        }
        let vars = check_env_vars(check, spec, name, env, &env_path, &secret_names);
        let kv = check_env_kv(check, bindings, name, env, &env_path);
        environments.push(Environment {
            name: name.clone(),
            is_default: name == default_name,
            origin: env.origin.clone(),
            token_endpoint: env.token_endpoint.clone(),
            workers_dev: env.workers_dev,
            routes: env
                .routes
                .iter()
                .map(|r| EnvRoute { pattern: r.pattern.clone(), custom_domain: r.custom_domain, zone_name: r.zone_name.clone() })
                .collect(),
            vars,
            kv,
        });
    }
    // The default environment leads: it is what the top level of wrangler.toml describes.
    environments.sort_by_key(|e| (!e.is_default, e.name.clone()));
    environments
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
            check.error(
                at,
                format!("secret `{name}` is given a value"),
                format!("secret values never belong in the spec: run `wrangler secret put {name} --env {env_name}` (locally, put it in .dev.vars)"),
            );
        } else if Some(name.as_str()) == environment_var {
            check.error(at, format!("`{name}` is set by the generator to the environment's name"), format!("remove `{name}` here"));
        } else if !spec.bindings.vars.contains_key(name) {
            check.error(at, format!("`{name}` is not a declared var"), suggest(name, spec.bindings.vars.keys().map(String::as_str)));
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
                format!("vars are not inherited between environments: add `vars: {{{name}: ...}}` here or a `default` to the var"),
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
            check.error(at.clone(), format!("`{name}` is not a declared KV binding"), suggest(name, bindings.kv.iter().map(|k| k.name.as_str())));
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
                    "KV bindings are not inherited between environments: add `kv: {{{}: {{id: ...}}}}` here (create one with `wrangler kv namespace create {}`)",
                    kv.name, kv.name
                ),
            );
        }
    }
    env.kv.clone()
}
