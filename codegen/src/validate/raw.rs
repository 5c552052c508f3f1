//! Checks on the raw document, made before its shape is checked.
//!
//! Some mistakes would otherwise surface as a generic shape error ("expected a mapping") or as a serde error
//! with no position. Each one found here is reported with a specific message and then taken out of the
//! document, so that the shape check and the semantic checks still run and report everything else in the
//! same run.

use serde_json::{Map, Value};

use super::ERROR_STATUS_HELP;
use crate::diagnostics::{Diagnostic, Diagnostics, YamlPath};
use crate::yaml::LocationIndex;

/// Keys under which an author might try to write a secret's value.
const SECRET_VALUE_KEYS: [&str; 2] = ["value", "default"];

/// Reports and removes secret values and out-of-range status codes.
pub fn check_raw(document: &mut Value, locations: &LocationIndex<'_>) -> Diagnostics {
    let mut found = Vec::new();
    let environments: Vec<String> = document
        .get("environments")
        .and_then(Value::as_object)
        .map(|e| e.keys().cloned().collect())
        .unwrap_or_default();
    let declared_secrets: Vec<String> = document
        .pointer("/bindings/secrets")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();

    if let Some(secrets) = document.pointer_mut("/bindings/secrets").and_then(Value::as_object_mut) {
        declared_secret_values(secrets, &environments, &mut found);
    }
    if let Some(envs) = document.get_mut("environments").and_then(Value::as_object_mut) {
        for (env_name, env) in envs.iter_mut() {
            if let Some(env) = env.as_object_mut() {
                environment_secrets(env_name, env, &declared_secrets, &mut found);
            }
        }
    }
    if let Some(routes) = document.get_mut("routes").and_then(Value::as_array_mut) {
        for (i, route) in routes.iter_mut().enumerate() {
            if let Some(errors) = route.get_mut("errors").and_then(Value::as_object_mut) {
                oversized_statuses(&YamlPath::root().key("routes").index(i).key("errors"), errors, &mut found);
            }
        }
    }

    Diagnostics(
        found
            .into_iter()
            .map(|d| {
                let location = locations.find(&d.path);
                d.at(location)
            })
            .collect(),
    )
}

/// `bindings.secrets.X: value`, or `X: {value: ...}`: a secret is declared by name only.
fn declared_secret_values(secrets: &mut Map<String, Value>, environments: &[String], found: &mut Vec<Diagnostic>) {
    let path = YamlPath::root().key("bindings").key("secrets");
    let environments: Vec<&str> = environments.iter().map(String::as_str).collect();
    for (name, secret) in secrets.iter_mut() {
        match secret {
            Value::Object(fields) => {
                for key in SECRET_VALUE_KEYS {
                    if fields.remove(key).is_some() {
                        found.push(
                            Diagnostic::new(
                                path.key(name.clone()).key(key),
                                format!("secret `{name}` is given a value"),
                            )
                            .with_help(format!("remove `{key}`; {}", secret_value_help(name, &environments))),
                        );
                    }
                }
            }
            // An empty entry (`X:`) is a shape error of its own, reported by the schema check.
            Value::Null => {}
            _ => {
                found.push(
                    Diagnostic::new(path.key(name.clone()), format!("secret `{name}` is given a value")).with_help(
                        format!(
                            "declare it as `{name}: {{description: ...}}`; {}",
                            secret_value_help(name, &environments)
                        ),
                    ),
                );
                *secret = Value::Object(Map::new());
            }
        }
    }
}

/// `environments.E.secrets`: environments hold no secrets, wrangler does.
fn environment_secrets(env_name: &str, env: &mut Map<String, Value>, declared: &[String], found: &mut Vec<Diagnostic>) {
    let Some(secrets) = env.remove("secrets") else { return };
    let path = YamlPath::root().key("environments").key(env_name).key("secrets");
    match secrets {
        Value::Object(secrets) => {
            for name in secrets.keys() {
                let declare = if declared.contains(name) {
                    String::new()
                } else {
                    format!("declare `{name}` under `bindings.secrets`; ")
                };
                found.push(
                    Diagnostic::new(path.key(name.clone()), format!("secret `{name}` is given a value"))
                        .with_help(format!("{declare}{}", secret_value_help(name, &[env_name]))),
                );
            }
        }
        _ => found.push(
            Diagnostic::new(path, "environments do not list secrets").with_help(format!(
                "declare each secret once under `bindings.secrets` and set its value with `wrangler secret put NAME --env {env_name}`"
            )),
        ),
    }
}

/// A status code must fit `u16`; larger numbers pass the schema's `^\d+$` key pattern but not serde.
fn oversized_statuses(path: &YamlPath, errors: &mut Map<String, Value>, found: &mut Vec<Diagnostic>) {
    errors.retain(|key, _| {
        let oversized = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && key.parse::<u16>().is_err();
        if oversized {
            found.push(
                Diagnostic::new(path.key(key.clone()), format!("`{key}` is not an error status"))
                    .with_help(ERROR_STATUS_HELP),
            );
        }
        !oversized
    });
}

/// How to set a secret instead of writing its value, for the environments it is needed in.
pub(super) fn secret_value_help(name: &str, environments: &[&str]) -> String {
    let command = match environments {
        [] => format!("`wrangler secret put {name}`"),
        [only] => format!("`wrangler secret put {name} --env {only}`"),
        many => format!("`wrangler secret put {name} --env <env>` for each of {}", many.join(", ")),
    };
    format!("secret values never belong in the spec: run {command} (for `wrangler dev`, put `{name}=...` in .dev.vars)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_values_are_reported_and_removed() {
        let mut document = json!({
            "bindings": {"secrets": {"A": "hunter2", "B": {"description": "b", "value": "x"}, "C": {}}},
            "environments": {"dev": {"origin": "http://localhost", "secrets": {"A": "y"}}},
        });
        let found = check_raw(&mut document, &LocationIndex::default());
        let paths: Vec<String> = found.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(paths, ["bindings.secrets.A", "bindings.secrets.B.value", "environments.dev.secrets.A"]);
        assert_eq!(
            document,
            json!({
                "bindings": {"secrets": {"A": {}, "B": {"description": "b"}, "C": {}}},
                "environments": {"dev": {"origin": "http://localhost"}},
            })
        );
    }

    #[test]
    fn oversized_status_codes_are_reported_and_removed() {
        let mut document =
            json!({"routes": [{"errors": {"404": "gone", "99999": "big", "abc": "left to the schema"}}]});
        let found = check_raw(&mut document, &LocationIndex::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found.0[0].path.to_string(), r#"routes[0].errors["99999"]"#);
        assert_eq!(document, json!({"routes": [{"errors": {"404": "gone", "abc": "left to the schema"}}]}));
    }

    #[test]
    fn help_names_the_environments() {
        assert_eq!(
            secret_value_help("KEY", &["dev", "prod"]),
            "secret values never belong in the spec: run `wrangler secret put KEY --env <env>` for each of dev, prod \
             (for `wrangler dev`, put `KEY=...` in .dev.vars)"
        );
    }
}
