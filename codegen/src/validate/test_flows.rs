//! Test flows: every workflow the request type can name has steps, every step is an MCP method a flow can
//! call without arguments, the handshake comes first, and every environment says which endpoints a flow
//! may reach (only the default environment, which `wrangler dev` serves locally, may reach loopback or
//! private addresses or use plain http).

use std::collections::BTreeMap;

use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::spec::{self, Spec};

/// The most seconds a step may take: a run is one background task of the Durable Object, and a flow of a
/// few steps should finish within minutes, not hang for them.
const MAX_STEP_TIMEOUT_SECONDS: u32 = 120;

/// The steps every workflow starts with: MCP's lifecycle requires the handshake before anything else.
const HANDSHAKE: [McpMethod; 2] = [McpMethod::Initialize, McpMethod::Initialized];

pub(super) fn check_test_flows(
    check: &mut Checker<'_>,
    spec: &Spec,
    flows: &spec::TestFlowsSpec,
    types: &BTreeMap<String, TypeDef>,
) -> TestFlows {
    let path = YamlPath::root().key("test_flows");
    if !names::is_date(&flows.protocol_version) {
        check.error(
            path.key("protocol_version"),
            format!("`{}` is not an MCP protocol version", flows.protocol_version),
            "MCP protocol versions are dates (YYYY-MM-DD), e.g. 2025-06-18",
        );
    }
    if !(1..=MAX_STEP_TIMEOUT_SECONDS).contains(&flows.step_timeout_seconds) {
        check.error(
            path.key("step_timeout_seconds"),
            format!("a step timeout of {} seconds is out of range", flows.step_timeout_seconds),
            format!("use 1 to {MAX_STEP_TIMEOUT_SECONDS} seconds; a step is one HTTP request"),
        );
    }
    let workflow_names = workflow_values(check, &path, flows, types);
    let workflows = check_workflows(check, &path, flows, workflow_names.as_deref());
    let endpoints = check_endpoints(check, &path, spec, flows);
    TestFlows {
        workflow_type: flows.workflow_type.clone(),
        protocol_version: flows.protocol_version.clone(),
        step_timeout_seconds: flows.step_timeout_seconds,
        workflows,
        endpoints,
    }
}

/// The values of the workflow enum, or `None` when `workflow_type` names no enum (already reported).
fn workflow_values(
    check: &mut Checker<'_>,
    path: &YamlPath,
    flows: &spec::TestFlowsSpec,
    types: &BTreeMap<String, TypeDef>,
) -> Option<Vec<String>> {
    let name = &flows.workflow_type;
    match types.get(name) {
        Some(TypeDef::Enum(def)) => Some(def.values.clone()),
        Some(TypeDef::Object(_)) => {
            check.error(
                path.key("workflow_type"),
                format!("`{name}` is an object type, not an enum"),
                "name the enum type whose values are the workflow names, e.g. `Workflow: {enum: [handshake, full]}`",
            );
            None
        }
        None => {
            let enums = types.values().filter(|t| matches!(t, TypeDef::Enum(_))).map(TypeDef::name);
            check.error(path.key("workflow_type"), format!("`{name}` is not a declared type"), suggest(name, enums));
            None
        }
    }
}

/// Each workflow's steps, in the order of the enum's values; a workflow the enum lacks is reported and
/// dropped, a value without steps is reported.
fn check_workflows(
    check: &mut Checker<'_>,
    path: &YamlPath,
    flows: &spec::TestFlowsSpec,
    values: Option<&[String]>,
) -> Vec<Workflow> {
    let at = path.key("workflows");
    let type_name = &flows.workflow_type;
    if let Some(values) = values {
        for name in flows.workflows.keys().filter(|name| !values.contains(name)) {
            check.error(
                at.key(name.clone()),
                format!("`{name}` is not a value of the enum `{type_name}`"),
                suggest(name, values.iter().map(String::as_str)),
            );
        }
        for value in values.iter().filter(|value| !flows.workflows.contains_key(*value)) {
            check.error(
                at.clone(),
                format!("the workflow `{value}` of `{type_name}` has no steps"),
                format!("add `{value}: [initialize, notifications/initialized, ...]`"),
            );
        }
    }
    // Every workflow's steps are checked, so one run reports everything; the model keeps the enum's.
    let mut checked: BTreeMap<&String, Vec<McpMethod>> =
        flows.workflows.iter().map(|(name, steps)| (name, check_steps(check, &at.key(name.clone()), steps))).collect();
    let order: Vec<&String> = match values {
        Some(values) => values.iter().filter(|value| flows.workflows.contains_key(*value)).collect(),
        None => flows.workflows.keys().collect(),
    };
    order
        .into_iter()
        .map(|name| Workflow { name: name.clone(), steps: checked.remove(name).unwrap_or_default() })
        .collect()
}

fn check_steps(check: &mut Checker<'_>, at: &YamlPath, steps: &[String]) -> Vec<McpMethod> {
    if steps.is_empty() {
        check.error(
            at.clone(),
            "the workflow has no steps",
            "list its steps, e.g. `[initialize, notifications/initialized]`",
        );
        return Vec::new();
    }
    let known = || McpMethod::ALL.iter().map(|method| method.as_str());
    let mut methods = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match McpMethod::from_name(step) {
            Some(method) => methods.push((i, method)),
            None => {
                // Notifications are named with their prefix on the wire; a bare `initialized` means that.
                let suggestion = match McpMethod::from_name(&format!("notifications/{step}")) {
                    Some(method) => format!("did you mean `{}`?", method.as_str()),
                    None => suggest(step, known()),
                };
                check.error(
                    at.index(i),
                    format!("`{step}` is not an MCP method a test flow can call"),
                    format!("{suggestion}; methods that need arguments (tools/call, resources/read) cannot be steps"),
                );
            }
        }
    }
    // Order is checked only when every step is known, so one typo is reported once.
    if methods.len() == steps.len() {
        let handshake_help = "start the workflow with `initialize, notifications/initialized`: MCP requires the \
                              handshake before any other request, and once per session";
        for (position, expected) in HANDSHAKE.iter().enumerate() {
            if methods.get(position).map(|(_, method)| method) != Some(expected) {
                check.error(
                    at.index(position.min(steps.len() - 1)),
                    format!("step {} must be `{}`", position + 1, expected.as_str()),
                    handshake_help,
                );
                break;
            }
        }
        for (i, method) in methods.iter().skip(HANDSHAKE.len()) {
            if HANDSHAKE.contains(method) {
                check.error(at.index(*i), format!("`{}` is repeated", method.as_str()), handshake_help);
            }
        }
    }
    methods.into_iter().map(|(_, method)| method).collect()
}

/// Every environment's rules, in the order the model lists environments (the default first).
fn check_endpoints(
    check: &mut Checker<'_>,
    path: &YamlPath,
    spec: &Spec,
    flows: &spec::TestFlowsSpec,
) -> Vec<(String, EndpointRules)> {
    let at = path.key("endpoints");
    let default = &spec.worker.default_environment;
    for name in flows.endpoints.keys().filter(|name| !spec.environments.contains_key(*name)) {
        check.error(
            at.key(name.clone()),
            format!("`{name}` is not a declared environment"),
            suggest(name, spec.environments.keys().map(String::as_str)),
        );
    }
    let mut endpoints = Vec::new();
    for name in spec.environments.keys() {
        let Some(rules) = flows.endpoints.get(name) else {
            check.error(
                at.clone(),
                format!("environment `{name}` has no endpoint rules"),
                format!("add `{name}: {{schemes: [https]}}`; every environment says where its test flows may go"),
            );
            continue;
        };
        let rules_at = at.key(name.clone());
        let mut schemes = Vec::new();
        for (i, scheme) in rules.schemes.iter().enumerate() {
            if schemes.contains(scheme) {
                check.error(
                    rules_at.key("schemes").index(i),
                    format!("scheme `{}` is listed twice", scheme.as_str()),
                    "list each scheme once",
                );
            } else {
                schemes.push(*scheme);
            }
        }
        if schemes.is_empty() {
            check.error(rules_at.key("schemes"), "no scheme is allowed", "allow at least `https`");
        }
        if name != default {
            let local_only = "only the default environment, served locally by `wrangler dev`, may relax the \
                              rules; a deployed worker must not reach into private networks or send in the clear";
            if let Some(i) = rules.schemes.iter().position(|scheme| *scheme == EndpointScheme::Http) {
                check.error(
                    rules_at.key("schemes").index(i),
                    format!("environment `{name}` allows plain http"),
                    local_only,
                );
            }
            for (key, allowed) in [("allow_loopback", rules.allow_loopback), ("allow_private", rules.allow_private)] {
                if allowed {
                    check.error(rules_at.key(key), format!("environment `{name}` sets `{key}`"), local_only);
                }
            }
        }
        schemes.sort();
        endpoints.push((
            name.clone(),
            EndpointRules { schemes, allow_loopback: rules.allow_loopback, allow_private: rules.allow_private },
        ));
    }
    // The default environment first, as in `Model::environments`.
    endpoints.sort_by_key(|(name, _)| (name != default, name.clone()));
    endpoints
}
