//! Semantic checks that a schema cannot express, turning a `Spec` into the checked `Model`.
//!
//! Every check records its problem and carries on, so one run reports all of them. Messages say what is
//! wrong (no trailing period); help says how to fix it.

mod bindings;
mod environments;
mod mcp;
mod names;
mod oauth;
mod raw;
mod routes;
mod test_flows;
mod types;
mod values;

use std::collections::BTreeSet;

use crate::diagnostics::{suggest, Diagnostic, Diagnostics, YamlPath};
use crate::model::*;
use crate::spec::{self, Spec};
use crate::yaml::LocationIndex;

pub use mcp::SUPPORTED_PROTOCOL_VERSIONS;
pub use names::{is_valid_env_name, is_valid_worker_name};
pub use raw::check_raw;

/// Collects diagnostics, placing each at its YAML node.
pub(crate) struct Checker<'a> {
    locations: &'a LocationIndex<'a>,
    pub diagnostics: Diagnostics,
}

impl Checker<'_> {
    pub fn error(&mut self, path: YamlPath, message: impl Into<String>, help: impl Into<String>) {
        let location = self.locations.find(&path);
        self.diagnostics.push(Diagnostic::new(path, message).with_help(help).at(location));
    }
}

pub fn validate(spec: &Spec, locations: &LocationIndex<'_>) -> Result<Model, Diagnostics> {
    let mut check = Checker { locations, diagnostics: Diagnostics::default() };

    let worker = check_worker(&mut check, &spec.worker, &spec.bindings);
    let api = Api {
        title: spec.api.title.clone(),
        version: spec.api.version.clone(),
        description: spec.api.description.clone(),
        tags: spec.api.tags.clone(),
        reference_environment: spec.api.reference_environment.clone(),
    };
    oauth::check_reference_environment(&mut check, spec);
    let cors = spec.cors.as_ref().map(|c| check_cors(&mut check, c));
    let oauth = spec.oauth.as_ref().map(|o| oauth::check_oauth(&mut check, o, &spec.bindings));
    let bindings = bindings::check_bindings(&mut check, &spec.bindings);
    let migrations = bindings::check_migrations(&mut check, &spec.migrations, &bindings);
    let environments = environments::check_environments(&mut check, spec, &bindings);
    let types = types::check_types(&mut check, &spec.types);
    let routes = routes::check_routes(&mut check, spec, &types, &bindings, oauth.as_ref());
    let test_flows =
        spec.test_flows.as_ref().map(|flows| test_flows::check_test_flows(&mut check, spec, flows, &types));
    let mcp = spec.mcp.as_ref().map(|m| mcp::check_mcp(&mut check, m, &routes, &types, &bindings));

    if check.diagnostics.is_empty() {
        Ok(Model { worker, api, cors, oauth, mcp, bindings, migrations, environments, types, routes, test_flows })
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
            let help = if bindings.vars.is_empty() {
                format!("declare it under `bindings.vars`, e.g. `vars: {{{var}: {{description: ...}}}}`")
            } else {
                suggest(var, bindings.vars.keys().map(String::as_str))
            };
            check.error(path.key("environment_var"), format!("`{var}` is not a declared var"), help);
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
    let mut origins = BTreeSet::new();
    for (i, origin) in cors.allow_origins.iter().enumerate() {
        let at = path.key("allow_origins").index(i);
        if origin == "*" {
            check.error(
                at,
                "the wildcard origin `*` is not supported",
                "list each origin exactly, e.g. https://chatgpt.com (browsers refuse `*` on requests with credentials)",
            );
        } else if !names::is_origin(origin) {
            check.error(at, format!("`{origin}` is not an origin"), ORIGIN_HELP);
        } else if !origins.insert(origin.as_str()) {
            check.error(at, format!("origin `{origin}` is listed twice"), "list each origin once");
        }
    }
    for (key, headers) in [("allow_headers", &cors.allow_headers), ("expose_headers", &cors.expose_headers)] {
        let mut seen = BTreeSet::new();
        for (i, header) in headers.iter().enumerate() {
            if !names::is_header_name(header) {
                check.error(
                    path.key(key).index(i),
                    format!("`{header}` is not a valid header name"),
                    "use letters, digits and dashes, starting with a letter, e.g. X-Session-Id",
                );
            } else if !seen.insert(header.to_ascii_lowercase()) {
                check.error(
                    path.key(key).index(i),
                    format!("header `{header}` is listed twice"),
                    "list each header once (header names ignore case)",
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

/// Help for a documented error keyed by something other than an error status, from the shape check or here.
pub(crate) const ERROR_STATUS_HELP: &str =
    "key documented errors by a 4xx or 5xx status code, e.g. `404: The run does not exist`";

/// Help for any value that must be an origin, as browsers send it in the `Origin` header.
const ORIGIN_HELP: &str =
    "write scheme://host[:port] in lowercase, with no path or trailing slash, e.g. https://chatgpt.com";
