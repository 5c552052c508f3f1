//! Every kind of spec error, with the exact text a user sees: position, YAML path, message and help.
//!
//! Each test starts from `VALID`, a small spec that uses every section, changes a few lines and pins the
//! whole report, so any change to a message, a position or the order shows up as a diff. Updating an
//! expectation is a deliberate edit. The last tests feed damaged specs to the loader to show it never panics.

use std::panic;

/// A small valid spec touching every section; the tests below change a few lines of it.
const VALID: &str = r#"worker:
  name: demo
  crate: ../worker
  compatibility_date: "2025-11-20"
  environment_var: ENVIRONMENT
api:
  title: Demo
  version: 0.1.0
  tags:
    system: Health and status
cors:
  allow_origins: [https://chatgpt.com]
  allow_headers: [Authorization]
oauth:
  session_store: SESSIONS
  client_secret: API_KEY
  scopes: {search.read: Read runs}
mcp:
  name: Demo
  version: 0.1.0
  session_store: SESSIONS
bindings:
  kv:
    SESSIONS: {description: Sessions}
  durable_objects:
    REALTIME: {class: RealtimeSession}
  vars:
    ENVIRONMENT: {description: Environment name}
    MODE: {default: normal}
  secrets:
    API_KEY: {description: Upstream key}
migrations:
  - tag: v1
    new_sqlite_classes: [RealtimeSession]
environments:
  dev:
    origin: http://localhost:8787
    kv: {SESSIONS: {id: 0f2ac8e1f6b94bd0a0c2d5a7e3b91c01}}
    oauth: {issuer: http://127.0.0.1:9876, authorization_endpoint: http://127.0.0.1:9876/authorize, token_endpoint: http://127.0.0.1:9876/token, jwks_uri: http://127.0.0.1:9876/jwks, client_id: demo}
  production:
    origin: https://demo.example.com
    kv: {SESSIONS: {id: 9b7e2c4d1a0f4e3c8d6b5a4f3e2d1c03}}
    oauth: {issuer: https://auth.example.com, authorization_endpoint: https://auth.example.com/authorize, token_endpoint: https://auth.example.com/token, jwks_uri: https://auth.example.com/jwks, client_id: demo}
types:
  Status:
    enum: [ok, degraded]
  Health:
    properties:
      status: {type: Status}
      checked_at: {type: string, format: date-time}
routes:
  - id: get_health
    method: GET
    path: /health
    summary: Service health
    tags: [system]
    response: {type: Health}
  - id: get_run
    method: GET
    path: /runs/{run_id}
    summary: One run
    scopes: [search.read]
    path_params:
      run_id: {type: string, format: uuid}
    query:
      limit: {type: integer, minimum: 1, maximum: 100, default: 10}
    response: {type: Health}
  - id: events
    method: GET
    path: /events
    kind: {sse: REALTIME}
    summary: Live events
"#;

/// The environments' OAuth lines of `VALID`, for tests that change or remove them.
const DEV_OAUTH: &str = "    oauth: {issuer: http://127.0.0.1:9876, authorization_endpoint: http://127.0.0.1:9876/authorize, token_endpoint: http://127.0.0.1:9876/token, jwks_uri: http://127.0.0.1:9876/jwks, client_id: demo}\n";
const PRODUCTION_OAUTH: &str = "    oauth: {issuer: https://auth.example.com, authorization_endpoint: https://auth.example.com/authorize, token_endpoint: https://auth.example.com/token, jwks_uri: https://auth.example.com/jwks, client_id: demo}\n";

/// The three generated sign-in routes, to append to `VALID`'s routes.
const OAUTH_ROUTES: &str = "  - id: login
    method: GET
    path: /auth/login
    kind: oauth-login
    summary: Sign in
  - id: callback
    method: GET
    path: /auth/callback
    kind: oauth-callback
    summary: Sign-in callback
    query:
      code: {type: string}
      state: {type: string}
  - id: logout
    method: [GET, POST]
    path: /auth/logout
    kind: oauth-logout
    summary: Sign out
";

/// `VALID` with each `(from, to)` applied. Every `from` must occur exactly once, so that a test cannot
/// silently stop changing anything when `VALID` changes.
fn with(changes: &[(&str, &str)]) -> String {
    let mut spec = VALID.to_owned();
    for (from, to) in changes {
        assert_eq!(spec.matches(from).count(), 1, "{from:?} should occur exactly once in the spec");
        spec = spec.replacen(from, to, 1);
    }
    spec
}

/// Loads a spec that must be invalid and checks the full rendered report.
fn assert_report(spec: &str, expected: &str) {
    let report = match codegen::load::load(spec) {
        Ok(_) => panic!("the spec was accepted:\n{spec}"),
        Err(diagnostics) => diagnostics.render("spec.yaml"),
    };
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert_eq!(report, expected, "\n--- actual report ---\n{report}");
}

#[test]
fn the_valid_spec_is_valid() {
    if let Err(diagnostics) = codegen::load::load(VALID) {
        panic!("{}", diagnostics.render("spec.yaml"));
    }
}

/// A YAML syntax error stops everything else and says where the parser gave up.
#[test]
fn yaml_syntax_error_points_at_the_break() {
    let spec = with(&[("  allow_origins: [https://chatgpt.com]\n", "  allow_origins: [https://chatgpt.com\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:13:16: error at (document): invalid YAML: did not find expected ',' or ']'
    help: fix the YAML syntax at this position (indentation, quoting, `key: value` pairs)
1 error in spec.yaml
"#,
    );
}

/// Tabs in indentation get a help that names them, since the parser's message does not.
#[test]
fn tab_indentation_is_named() {
    let spec = with(&[("  title: Demo\n", "\ttitle: Demo\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:7:1: error at (document): invalid YAML: found character that cannot start any token
    help: indent with spaces: YAML does not allow tabs in indentation
1 error in spec.yaml
"#,
    );
}

/// A key written twice is reported at its second occurrence.
#[test]
fn duplicate_key_points_at_the_repeat() {
    let spec = with(&[("    summary: Service health\n", "    summary: Service health\n    summary: Health\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:56:5: error at routes[0].summary: duplicate key `summary`
    help: a key may appear once in a mapping: remove or merge the repeated `summary`
1 error in spec.yaml
"#,
    );
}

/// A second `---` document is reported at the line that starts it.
#[test]
fn second_document_is_rejected() {
    let spec = format!("{VALID}---\nworker: {{}}\n");
    assert_report(
        &spec,
        r#"
spec.yaml:73:1: error at (document): the file holds more than one YAML document
    help: keep one document: remove the `---` line that starts the second one, and merge what follows it into the first
1 error in spec.yaml
"#,
    );
}

/// An empty file says which sections to start with.
#[test]
fn empty_spec() {
    assert_report(
        "",
        r#"
spec.yaml: error at (document): the spec is empty
    help: start with the required sections `worker:`, `api:`, `environments:` and `routes:`
1 error in spec.yaml
"#,
    );
}

/// Unknown keys in different sections all show up in one run, each at its key, with a did-you-mean.
#[test]
fn unknown_keys_everywhere_are_reported_together() {
    let spec = with(&[
        ("  crate: ../worker\n", "  crate: ../worker\n  nmae: demo\n"),
        ("    summary: Service health\n", "    sumary: Service health\n    summary: Service health\n"),
        ("    summary: Live events\n", "    summary: Live events\n    timeout: 30\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:4:3: error at worker.nmae: unknown key `nmae`
    help: did you mean `name`? (expected one of: name, crate, compatibility_date, compatibility_flags, environment_var, default_environment)
spec.yaml:56:5: error at routes[0].sumary: unknown key `sumary`
    help: did you mean `summary`? (expected one of: id, method, path, kind, summary, description, tags, scopes, cors, path_params, query, header, body, response, errors)
spec.yaml:75:5: error at routes[2].timeout: unknown key `timeout`
    help: expected one of: id, method, path, kind, summary, description, tags, scopes, cors, path_params, query, header, body, response, errors
3 errors in spec.yaml
"#,
    );
}

/// A misspelled required key is one mistake: the unknown key is reported with its correction, and the
/// "missing" error it implies is left out.
#[test]
fn misspelled_required_key_is_reported_once() {
    let spec = with(&[
        ("    summary: Service health\n", "    sumary: Service health\n"),
        ("    response: {type: Health}\n  - id: get_run", "    response: {typ: Health}\n  - id: get_run"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:55:5: error at routes[0].sumary: unknown key `sumary`
    help: did you mean `summary`? (expected one of: id, method, path, kind, summary, description, tags, scopes, cors, path_params, query, header, body, response, errors)
spec.yaml:57:16: error at routes[0].response.typ: unknown key `typ`
    help: did you mean `type`? (expected one of: status, type, description)
2 errors in spec.yaml
"#,
    );
}

/// Every missing required key is reported where it belongs, with what the key is for.
#[test]
fn missing_required_keys() {
    let spec = with(&[
        ("  - id: events\n    method: GET\n    path: /events\n", "  - id: events\n"),
        ("  version: 0.1.0\n  tags:", "  tags:"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:6:1: error at api: missing required key `version`
    help: add `version:` here (API version, reported by health and OpenAPI)
spec.yaml:67:5: error at routes[2]: missing required key `method`
    help: add `method:` here (One HTTP method, or a list of methods served by the same handler)
spec.yaml:67:5: error at routes[2]: missing required key `path`
    help: add `path:` here (Path starting with `/`; `{name}` segments are path parameters)
3 errors in spec.yaml
"#,
    );
}

/// A value of the wrong kind says what was expected and what was found.
#[test]
fn wrong_kinds_of_values() {
    let spec = with(&[
        ("    summary: Service health\n", "    summary: [Service, health]\n"),
        ("  allow_headers: [Authorization]\n", "  allow_headers: Authorization\n"),
        ("    MODE: {default: normal}\n", "    MODE: normal\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:13:3: error at cors.allow_headers: expected a list, found `Authorization`
    help: write a list: `[a, b]`, or one `- item` per line (Request headers a browser may send)
spec.yaml:29:5: error at bindings.vars.MODE: expected a mapping, found `normal`
    help: write `key: value` pairs, indented under this key
spec.yaml:55:5: error at routes[0].summary: expected a string, found a list
    help: write text, quoted if it would otherwise read as a number or boolean
3 errors in spec.yaml
"#,
    );
}

/// Numbers outside what the spec's integer fields hold are caught by the shape check, with the range.
#[test]
fn numbers_out_of_range() {
    let spec = with(&[
        ("  allow_headers: [Authorization]\n", "  allow_headers: [Authorization]\n  max_age: 5000000000\n"),
        ("    response: {type: Health}\n  - id: get_run", "    response: {type: Health, status: -1}\n  - id: get_run"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:14:3: error at cors.max_age: `5000000000` is above the maximum of 4294967295
    help: write an integer from 0 to 4294967295 (Seconds a browser may cache a preflight answer)
spec.yaml:58:30: error at routes[0].response.status: `-1` is below the minimum of 0
    help: write an integer from 0 to 65535 (Success status code; 200 when absent)
2 errors in spec.yaml
"#,
    );
}

/// A method outside the accepted set lists them all; a lowercase one is recognised.
#[test]
fn unknown_method() {
    let spec = with(&[
        ("    method: GET\n    path: /health\n", "    method: FETCH\n    path: /health\n"),
        ("    method: GET\n    path: /runs/{run_id}\n", "    method: get\n    path: /runs/{run_id}\n"),
        ("    method: GET\n    path: /events\n", "    method: [GET, PUSH]\n    path: /events\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:53:5: error at routes[0].method: `FETCH` is not an accepted value
    help: expected `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or a list of them
spec.yaml:59:5: error at routes[1].method: `get` is not an accepted value
    help: did you mean `GET`? (expected `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or a list of them)
spec.yaml:69:19: error at routes[2].method[1]: `PUSH` is not an accepted value
    help: expected one of: GET, POST, PUT, PATCH, DELETE
3 errors in spec.yaml
"#,
    );
}

/// A route kind that is no accepted word lists every form a kind takes.
#[test]
fn unknown_route_kind() {
    let spec = with(&[("    kind: {sse: REALTIME}\n", "    kind: streaming\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:5: error at routes[2].kind: `streaming` is not an accepted value
    help: expected `json`, `redirect`, `{document: ...}`, `oauth-login`, `oauth-callback`, `oauth-logout`, `{sse: ...}`, `{websocket: ...}` or `{mcp: ...}`
1 error in spec.yaml
"#,
    );
}

/// `{sse: }` names no binding: the problem is the empty value, not the kind.
#[test]
fn route_kind_without_binding() {
    let spec = with(&[("    kind: {sse: REALTIME}\n", "    kind: {sse: }\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:12: error at routes[2].kind.sse: expected a string or a mapping with `binding`, found an empty value
    help: write one of the accepted forms
1 error in spec.yaml
"#,
    );
}

/// A kind mapping with two kinds in it says they cannot be combined.
#[test]
fn route_kind_with_two_keys() {
    let spec = with(&[("    kind: {sse: REALTIME}\n", "    kind: {sse: REALTIME, websocket: REALTIME}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:5: error at routes[2].kind: `sse` and `websocket` cannot be used together
    help: keep only one of them (expected `json`, `redirect`, `{document: ...}`, `oauth-login`, `oauth-callback`, `oauth-logout`, `{sse: ...}`, `{websocket: ...}` or `{mcp: ...}`)
1 error in spec.yaml
"#,
    );
}

/// A misspelled kind key gets a did-you-mean and the list of forms.
#[test]
fn route_kind_with_misspelled_key() {
    let spec = with(&[("    kind: {sse: REALTIME}\n", "    kind: {websocet: REALTIME}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:12: error at routes[2].kind.websocet: unknown key `websocet`
    help: did you mean `websocket`? (expected `json`, `redirect`, `{document: ...}`, `oauth-login`, `oauth-callback`, `oauth-logout`, `{sse: ...}`, `{websocket: ...}` or `{mcp: ...}`)
1 error in spec.yaml
"#,
    );
}

/// A type is an enum or an object, never both; a type with neither says what it needs.
#[test]
fn type_with_enum_and_properties() {
    let spec = with(&[("  Status:\n    enum: [ok, degraded]\n", "  Status:\n    enum: [ok, degraded]\n    properties: {code: {type: integer}}\n  Empty:\n    description: Nothing yet\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:45:3: error at types.Status: `enum` and `properties` cannot be used together
    help: keep only one of them (expected a mapping with `enum` or a mapping with `properties`)
spec.yaml:48:3: error at types.Empty: missing `enum` or `properties`
    help: expected a mapping with `enum` or a mapping with `properties`
2 errors in spec.yaml
"#,
    );
}

/// Values of the format's own enums (storage, documents) get a did-you-mean.
#[test]
fn enum_values_of_the_format() {
    let spec = with(&[
        ("    REALTIME: {class: RealtimeSession}\n", "    REALTIME: {class: RealtimeSession, storage: sqlit}\n"),
        ("    kind: {sse: REALTIME}\n", "    kind: {document: openapi3}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:26:40: error at bindings.durable_objects.REALTIME.storage: `sqlit` is not an accepted value
    help: did you mean `sqlite`? (expected one of: sqlite, kv)
spec.yaml:71:12: error at routes[2].kind.document: `openapi3` is not an accepted value
    help: did you mean `openapi`? (expected one of: oauth-protected-resource, mcp-manifest, openapi, reference-html, reference-markdown)
2 errors in spec.yaml
"#,
    );
}

/// Documented errors are keyed by 4xx/5xx status codes.
#[test]
fn error_statuses() {
    let spec = with(&[
        ("    response: {type: Health}\n  - id: get_run", "    response: {type: Health}\n    errors:\n      404: Not found\n      abc: Bad\n  - id: get_run"),
        ("      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n    response: {type: Health}\n", "      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n    response: {type: Health}\n    errors: {200: Fine, 99999: Huge}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:60:7: error at routes[0].errors.abc: `abc` is not an HTTP status code
    help: key documented errors by a 4xx or 5xx status code, e.g. `404: The run does not exist`
spec.yaml:71:25: error at routes[1].errors["99999"]: `99999` is not an error status
    help: key documented errors by a 4xx or 5xx status code, e.g. `404: The run does not exist`
2 errors in spec.yaml
"#,
    );
}

/// A secret written with a value, as a scalar or under `value`, is named as such, with how to set it instead.
#[test]
fn secret_given_a_value_in_bindings() {
    let spec = with(&[(
        "    API_KEY: {description: Upstream key}\n",
        "    API_KEY: sk-live-123\n    SIGNING_KEY: {description: Signs cookies, value: abc}\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:31:5: error at bindings.secrets.API_KEY: secret `API_KEY` is given a value
    help: declare it as `API_KEY: {description: ...}`; secret values never belong in the spec: run `wrangler secret put API_KEY --env <env>` for each of dev, production (for `wrangler dev`, put `API_KEY=...` in .dev.vars)
spec.yaml:32:47: error at bindings.secrets.SIGNING_KEY.value: secret `SIGNING_KEY` is given a value
    help: remove `value`; secret values never belong in the spec: run `wrangler secret put SIGNING_KEY --env <env>` for each of dev, production (for `wrangler dev`, put `SIGNING_KEY=...` in .dev.vars)
2 errors in spec.yaml
"#,
    );
}

/// An environment that sets a secret, under `vars` or `secrets`, gets the command for that environment.
#[test]
fn secret_given_a_value_in_an_environment() {
    let spec = with(&[(
        "  dev:\n    origin: http://localhost:8787\n",
        "  dev:\n    origin: http://localhost:8787\n    vars: {API_KEY: sk-test-1}\n    secrets: {OTHER_KEY: abc}\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:38:12: error at environments.dev.vars.API_KEY: secret `API_KEY` is given a value
    help: secret values never belong in the spec: run `wrangler secret put API_KEY --env dev` (for `wrangler dev`, put `API_KEY=...` in .dev.vars)
spec.yaml:39:15: error at environments.dev.secrets.OTHER_KEY: secret `OTHER_KEY` is given a value
    help: declare `OTHER_KEY` under `bindings.secrets`; secret values never belong in the spec: run `wrangler secret put OTHER_KEY --env dev` (for `wrangler dev`, put `OTHER_KEY=...` in .dev.vars)
2 errors in spec.yaml
"#,
    );
}

/// Reporting a secret's value does not stop the semantic checks.
#[test]
fn secret_values_do_not_hide_other_errors() {
    let spec = with(&[
        ("    API_KEY: {description: Upstream key}\n", "    API_KEY: sk-live-123\n"),
        ("    tags: [system]\n", "    tags: [sytem]\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:31:5: error at bindings.secrets.API_KEY: secret `API_KEY` is given a value
    help: declare it as `API_KEY: {description: ...}`; secret values never belong in the spec: run `wrangler secret put API_KEY --env <env>` for each of dev, production (for `wrangler dev`, put `API_KEY=...` in .dev.vars)
spec.yaml:56:12: error at routes[0].tags[0]: unknown tag `sytem`
    help: did you mean `system`? (expected one of: system)
2 errors in spec.yaml
"#,
    );
}

/// Route ids are unique.
#[test]
fn duplicate_route_id() {
    let spec = with(&[("  - id: events\n", "  - id: get_health\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:68:5: error at routes[2].id: route id `get_health` is already used by routes[0]
    help: give every route a unique id
1 error in spec.yaml
"#,
    );
}

/// Two routes cannot serve the same method and path, whatever their parameters are called.
#[test]
fn duplicate_method_and_path() {
    let spec = with(&[("    path: /events\n", "    path: /runs/{id}\n    path_params: {id: {type: string}}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:70:5: error at routes[2].path: GET /runs/{id} is already served by routes[1] (`get_run`)
    help: change the method or the path, or merge the two routes
1 error in spec.yaml
"#,
    );
}

/// Every `{param}` in a path is declared, and every declared path parameter is used.
#[test]
fn path_parameters_declared_and_used() {
    let spec = with(&[("    path: /runs/{run_id}\n", "    path: /runs/{run}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:60:5: error at routes[1].path: path parameter `{run}` is not declared
    help: add `path_params: {run: {type: string}}` to the route
spec.yaml:64:7: error at routes[1].path_params.run_id: path parameter `run_id` does not appear in the path `/runs/{run}`
    help: add `{run_id}` to the path or remove this parameter
2 errors in spec.yaml
"#,
    );
}

/// References to types that do not exist get a did-you-mean.
#[test]
fn unknown_types() {
    let spec = with(&[
        ("    response: {type: Health}\n  - id: get_run", "    response: {type: Helth}\n  - id: get_run"),
        (
            "      checked_at: {type: string, format: date-time}\n",
            "      checked_at: {type: timestamp}\n      history: {type: array, items: Stauts}\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:50:20: error at types.Health.properties.checked_at.type: unknown type `timestamp`
    help: expected one of: string, integer, number, boolean, json, array, map, Health, Status
spec.yaml:51:30: error at types.Health.properties.history.items: unknown type `Stauts`
    help: did you mean `Status`? (expected one of: string, integer, number, boolean, json, array, map, Health, Status)
spec.yaml:58:16: error at routes[0].response.type: unknown type `Helth`
    help: did you mean `Health`? (expected one of: Health)
3 errors in spec.yaml
"#,
    );
}

/// Scopes and tags must be declared.
#[test]
fn unknown_scopes_and_tags() {
    let spec = with(&[
        ("    scopes: [search.read]\n", "    scopes: [search.reed, admin]\n"),
        ("    tags: [system]\n", "    tags: [systen]\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:56:12: error at routes[0].tags[0]: unknown tag `systen`
    help: did you mean `system`? (expected one of: system)
spec.yaml:62:14: error at routes[1].scopes[0]: unknown scope `search.reed`
    help: did you mean `search.read`? (expected one of: search.read)
spec.yaml:62:27: error at routes[1].scopes[1]: unknown scope `admin`
    help: expected one of: search.read
3 errors in spec.yaml
"#,
    );
}

/// A route cannot require a scope when the spec has no `oauth` section.
#[test]
fn scopes_without_oauth() {
    let spec = with(&[
        ("oauth:\n  session_store: SESSIONS\n  client_secret: API_KEY\n  scopes: {search.read: Read runs}\n", ""),
        (DEV_OAUTH, ""),
        (PRODUCTION_OAUTH, ""),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:56:14: error at routes[1].scopes[0]: scope `search.read` needs an `oauth` section
    help: add `oauth:` with `scopes`, `session_store` and `client_secret`, or remove `scopes` from the route
1 error in spec.yaml
"#,
    );
}

/// Every environment of an OAuth-protected spec names its own authorization server, and only such a spec
/// may give one.
#[test]
fn environments_and_the_oauth_section() {
    let spec = with(&[(DEV_OAUTH, "")]);
    assert_report(
        &spec,
        r#"
spec.yaml:36:3: error at environments.dev: environment `dev` gives no OAuth authorization server
    help: add `oauth: {issuer, authorization_endpoint, token_endpoint, jwks_uri, client_id}` here: every environment of an OAuth-protected spec signs in against its own server
1 error in spec.yaml
"#,
    );
    let spec = with(&[
        ("oauth:\n  session_store: SESSIONS\n  client_secret: API_KEY\n  scopes: {search.read: Read runs}\n", ""),
        ("    scopes: [search.read]\n", ""),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:35:5: error at environments.dev.oauth: environment `dev` configures OAuth but the spec has no `oauth` section
    help: add a top-level `oauth:` with `scopes`, `session_store` and `client_secret`, or remove this block
spec.yaml:39:5: error at environments.production.oauth: environment `production` configures OAuth but the spec has no `oauth` section
    help: add a top-level `oauth:` with `scopes`, `session_store` and `client_secret`, or remove this block
2 errors in spec.yaml
"#,
    );
}

/// Sessions live in a declared KV namespace, the client secret is a declared secret, and the cookie name is a
/// cookie name.
#[test]
fn oauth_session_store_and_client_secret() {
    let spec = with(&[(
        "  session_store: SESSIONS\n  client_secret: API_KEY\n",
        "  session_store: REALTIME\n  client_secret: MODE\n  session_cookie: \"session id\"\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:15:3: error at oauth.session_store: `REALTIME` is not a declared KV binding (it is a Durable Object binding)
    help: expected one of: SESSIONS
spec.yaml:16:3: error at oauth.client_secret: `MODE` is not a declared secret (it is a var)
    help: expected one of: API_KEY
spec.yaml:17:3: error at oauth.session_cookie: `session id` is not a valid cookie name
    help: use letters, digits, `-` and `_`, e.g. __Host-session
3 errors in spec.yaml
"#,
    );
    let spec = with(&[(
        "  session_store: SESSIONS\n  client_secret: API_KEY\n",
        "  session_store: SESION\n  client_secret: API_KYE\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:15:3: error at oauth.session_store: `SESION` is not a declared KV binding
    help: did you mean `SESSIONS`? (expected one of: SESSIONS)
spec.yaml:16:3: error at oauth.client_secret: `API_KYE` is not a declared secret
    help: did you mean `API_KEY`? (expected one of: API_KEY)
2 errors in spec.yaml
"#,
    );
}

/// The authorization server's URLs are http(s) URLs, and after sign-in the browser goes to a path on this
/// origin or to a full URL, never to a scheme-relative `//host`.
#[test]
fn environment_oauth_values() {
    let spec = with(&[
        (
            DEV_OAUTH,
            &DEV_OAUTH.replace("client_id: demo}", "client_id: demo, post_login_redirect: //evil.example.com}"),
        ),
        (
            "jwks_uri: https://auth.example.com/jwks, client_id: demo}",
            "jwks_uri: auth.example.com/jwks, client_id: demo, post_login_redirect: dashboard}",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:39:201: error at environments.dev.oauth.post_login_redirect: `//evil.example.com` is neither a path on this origin nor an http(s) URL
    help: write a path that starts with a single `/`, e.g. `/dashboard`, or a full URL such as https://app.example.com/
spec.yaml:43:155: error at environments.production.oauth.jwks_uri: `auth.example.com/jwks` is not an http(s) URL
    help: write the full URL the authorization server publishes, e.g. https://auth.example.com/.well-known/jwks.json
spec.yaml:43:205: error at environments.production.oauth.post_login_redirect: `dashboard` is neither a path on this origin nor an http(s) URL
    help: write a path that starts with a single `/`, e.g. `/dashboard`, or a full URL such as https://app.example.com/
3 errors in spec.yaml
"#,
    );
}

/// The sign-in routes are generated from the `oauth` section, so they need one; the callback declares the
/// `code` and `state` it reads, and like the login only answers GET; the sign-out reads the session id
/// from one string header.
#[test]
fn oauth_routes() {
    let spec = with(&[("    summary: Live events\n", &format!("    summary: Live events\n{OAUTH_ROUTES}"))]);
    if let Err(diagnostics) = codegen::load::load(&spec) {
        panic!("{}", diagnostics.render("spec.yaml"));
    }
    let spec = with(&[
        ("    summary: Live events\n", &format!("    summary: Live events\n{OAUTH_ROUTES}")),
        ("      code: {type: string}\n", ""),
        ("      state: {type: string}\n", "      state: {type: string, required: false}\n"),
        ("    method: GET\n    path: /auth/login\n", "    method: [GET, POST]\n    path: /auth/login\n"),
        (
            "    summary: Sign out\n",
            "    summary: Sign out\n    header: {X-Session-Id: {type: integer}, X-Trace: {type: string}}\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:74:5: error at routes[3].method: the OAuth sign-in and callback are served on GET only
    help: write `method: GET`: browsers reach both by following redirects, which are GET requests
spec.yaml:83:5: error at routes[4].query: the OAuth callback does not declare the query parameter `code`
    help: add `code: {type: string}` under `query`: the callback reads it, and the docs list it
spec.yaml:84:7: error at routes[4].query.state: the OAuth callback's `state` must be a required string
    help: write `state: {type: string}` (length bounds are fine); the authorization server's value is opaque, and a missing one is refused
spec.yaml:90:14: error at routes[5].header.X-Session-Id: the OAuth sign-out reads the session id from `X-Session-Id`, which must be a plain string
    help: write `X-Session-Id: {type: string, required: false}` (length bounds are fine)
spec.yaml:90:45: error at routes[5].header.X-Trace: the OAuth sign-out takes one header parameter, the session to end
    help: keep one header such as `X-Session-Id: {type: string, required: false}`
5 errors in spec.yaml
"#,
    );
    let spec = with(&[
        ("    summary: Live events\n", &format!("    summary: Live events\n{OAUTH_ROUTES}")),
        ("oauth:\n  session_store: SESSIONS\n  client_secret: API_KEY\n  scopes: {search.read: Read runs}\n", ""),
        ("    scopes: [search.read]\n", ""),
        (DEV_OAUTH, ""),
        (PRODUCTION_OAUTH, ""),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:69:5: error at routes[3].kind: OAuth sign-in routes need an `oauth` section
    help: add `oauth:` at the top level of the spec, or remove this route
spec.yaml:74:5: error at routes[4].kind: OAuth sign-in routes need an `oauth` section
    help: add `oauth:` at the top level of the spec, or remove this route
spec.yaml:82:5: error at routes[5].kind: OAuth sign-in routes need an `oauth` section
    help: add `oauth:` at the top level of the spec, or remove this route
3 errors in spec.yaml
"#,
    );
}

/// The published documents describe a declared environment.
#[test]
fn unknown_reference_environment() {
    let spec = with(&[("  version: 0.1.0\n  tags:", "  version: 0.1.0\n  reference_environment: prod\n  tags:")]);
    assert_report(
        &spec,
        r#"
spec.yaml:9:3: error at api.reference_environment: `prod` is not a declared environment
    help: did you mean `production`? (expected one of: dev, production)
1 error in spec.yaml
"#,
    );
}

/// Streams name a declared Durable Object binding; environments set declared KV bindings and vars.
#[test]
fn unknown_bindings() {
    let spec = with(&[
        ("    kind: {sse: REALTIME}\n", "    kind: {sse: REALTIM}\n"),
        ("    kv: {SESSIONS: {id: 0f2ac8e1f6b94bd0a0c2d5a7e3b91c01}}\n", "    kv: {SESSIONS: {id: 0f2ac8e1f6b94bd0a0c2d5a7e3b91c01}, CACHE: {id: 1f2ac8e1f6b94bd0a0c2d5a7e3b91c01}}\n    vars: {MOOD: calm}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:38:60: error at environments.dev.kv.CACHE: `CACHE` is not a declared KV binding
    help: expected one of: SESSIONS
spec.yaml:39:12: error at environments.dev.vars.MOOD: `MOOD` is not a declared var
    help: did you mean `MODE`? (expected one of: ENVIRONMENT, MODE)
spec.yaml:72:12: error at routes[2].kind.sse: `REALTIM` is not a declared Durable Object binding
    help: did you mean `REALTIME`? (expected one of: REALTIME)
3 errors in spec.yaml
"#,
    );
}

/// Worker and environment names follow Cloudflare's rules.
#[test]
fn invalid_worker_and_environment_names() {
    let spec = with(&[("  name: demo\n", "  name: Demo_Worker\n"), ("  production:\n", "  Production:\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:2:3: error at worker.name: `Demo_Worker` is not a valid Worker name
    help: use 1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash
spec.yaml:40:3: error at environments.Production: `Production` is not a valid environment name
    help: use at most 32 lowercase letters, digits and dashes, starting with a letter, e.g. staging
2 errors in spec.yaml
"#,
    );
}

/// KV namespace ids and var values are not inherited: each environment gives its own.
#[test]
fn environment_missing_non_inheritable_bindings() {
    let spec = with(&[
        ("    MODE: {default: normal}\n", "    MODE: {description: Run mode}\n"),
        ("  production:\n    origin: https://demo.example.com\n    kv: {SESSIONS: {id: 9b7e2c4d1a0f4e3c8d6b5a4f3e2d1c03}}\n", "  production:\n    origin: https://demo.example.com\n    vars: {MODE: strict}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:36:3: error at environments.dev: environment `dev` gives no value for var `MODE`
    help: vars are not inherited between environments: add `vars: {MODE: ...}` here, or a `default` to the var
spec.yaml:40:3: error at environments.production: environment `production` gives no namespace id for KV binding `SESSIONS`
    help: KV namespaces are not inherited between environments: add `kv: {SESSIONS: {id: ...}}` here (create one with `wrangler kv namespace create SESSIONS`)
2 errors in spec.yaml
"#,
    );
}

/// Namespace ids, origins and the generator-owned environment var are checked per environment.
#[test]
fn environment_values_are_checked() {
    let spec = with(&[
        (
            "    kv: {SESSIONS: {id: 0f2ac8e1f6b94bd0a0c2d5a7e3b91c01}}\n",
            "    kv: {SESSIONS: {id: my-namespace}}\n    vars: {ENVIRONMENT: development}\n",
        ),
        ("    origin: https://demo.example.com\n", "    origin: https://demo.example.com/app\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:38:21: error at environments.dev.kv.SESSIONS.id: `my-namespace` is not a KV namespace id
    help: paste the 32-character hex id printed by `wrangler kv namespace create SESSIONS`
spec.yaml:39:12: error at environments.dev.vars.ENVIRONMENT: `ENVIRONMENT` is set by the generator to the environment's name
    help: remove `ENVIRONMENT` here (it is `worker.environment_var`)
spec.yaml:42:5: error at environments.production.origin: `https://demo.example.com/app` is not an origin
    help: write scheme://host[:port] in lowercase, with no path or trailing slash, e.g. https://chatgpt.com
3 errors in spec.yaml
"#,
    );
}

/// `worker.environment_var` names a declared var.
#[test]
fn environment_var_must_be_declared() {
    let spec = with(&[("  environment_var: ENVIRONMENT\n", "  environment_var: ENV\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:5:3: error at worker.environment_var: `ENV` is not a declared var
    help: did you mean `ENVIRONMENT`? (expected one of: ENVIRONMENT, MODE)
spec.yaml:36:3: error at environments.dev: environment `dev` gives no value for var `ENVIRONMENT`
    help: vars are not inherited between environments: add `vars: {ENVIRONMENT: ...}` here, or a `default` to the var
spec.yaml:40:3: error at environments.production: environment `production` gives no value for var `ENVIRONMENT`
    help: vars are not inherited between environments: add `vars: {ENVIRONMENT: ...}` here, or a `default` to the var
3 errors in spec.yaml
"#,
    );
}

/// The default environment (dev unless set) must be declared.
#[test]
fn default_environment_must_exist() {
    let spec =
        with(&[("  environment_var: ENVIRONMENT\n", "  environment_var: ENVIRONMENT\n  default_environment: local\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:6:3: error at worker.default_environment: default environment `local` is not declared
    help: declare `local` under `environments`, or set `worker.default_environment` to one of: dev, production
1 error in spec.yaml
"#,
    );
}

/// A bound Durable Object class is created by a migration, with the storage the binding declares.
#[test]
fn durable_objects_need_migrations() {
    let spec = with(&[(
        "    REALTIME: {class: RealtimeSession}\n",
        "    REALTIME: {class: RealtimeSession, storage: kv}\n    ROOMS: {class: Room}\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:26:40: error at bindings.durable_objects.REALTIME.storage: Durable Object `REALTIME` uses kv storage, but migrations[0] creates `RealtimeSession` with `new_sqlite_classes`
    help: set `storage: sqlite` here, or create the class with `new_classes` instead
spec.yaml:27:5: error at bindings.durable_objects.ROOMS: Durable Object class `Room` is never created by a migration
    help: add a migration such as `- {tag: v2, new_sqlite_classes: [Room]}` under `migrations`
2 errors in spec.yaml
"#,
    );
}

/// CORS origins are exact, lowercase origins without a path.
#[test]
fn cors_origins() {
    let spec = with(&[(
        "  allow_origins: [https://chatgpt.com]\n",
        "  allow_origins: [https://chatgpt.com, \"*\", https://chatgpt.com/, https://chatgpt.com]\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:12:40: error at cors.allow_origins[1]: the wildcard origin `*` is not supported
    help: list each origin exactly, e.g. https://chatgpt.com (browsers refuse `*` on requests with credentials)
spec.yaml:12:45: error at cors.allow_origins[2]: `https://chatgpt.com/` is not an origin
    help: write scheme://host[:port] in lowercase, with no path or trailing slash, e.g. https://chatgpt.com
spec.yaml:12:67: error at cors.allow_origins[3]: origin `https://chatgpt.com` is listed twice
    help: list each origin once
3 errors in spec.yaml
"#,
    );
}

/// Enum values are unique, also once they become Rust variants.
#[test]
fn duplicate_enum_values() {
    let spec = with(&[("    enum: [ok, degraded]\n", "    enum: [ok, degraded, ok, in-progress, in_progress]\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:46:26: error at types.Status.enum[2]: enum value `ok` is listed twice
    help: remove the repeated value
spec.yaml:46:43: error at types.Status.enum[4]: enum values `in-progress` and `in_progress` would both become the Rust variant `InProgress`
    help: rename one of them
2 errors in spec.yaml
"#,
    );
}

/// Defaults and examples have the field's type and respect its bounds, format and enum.
#[test]
fn defaults_and_examples_fit_their_field() {
    let spec = with(&[
        ("      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n", "      limit: {type: integer, minimum: 1, maximum: 100, default: 500}\n      order: {type: string, enum: [asc, desc], default: up}\n"),
        ("      status: {type: Status}\n      checked_at: {type: string, format: date-time}\n", "      status: {type: Status, example: broken}\n      checked_at: {type: string, format: date-time, example: yesterday}\n      count: {type: integer, default: \"3\"}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:49:30: error at types.Health.properties.status.example: example `"broken"` is not one of the values of `Status` (ok, degraded)
    help: write an example that is one of the values of `Status`: ok, degraded
spec.yaml:50:53: error at types.Health.properties.checked_at.example: example `"yesterday"` is not an RFC 3339 date-time
    help: write an example that is an RFC 3339 date-time, e.g. 2025-01-31T12:00:00Z
spec.yaml:51:30: error at types.Health.properties.count.default: default `"3"` is not an integer
    help: write a default that is an integer
spec.yaml:67:56: error at routes[1].query.limit.default: default `500` is above the maximum 100
    help: write a default that is an integer from 1 to 100
spec.yaml:68:48: error at routes[1].query.order.default: default `"up"` is not one of: asc, desc
    help: write a default that is one of: asc, desc
5 errors in spec.yaml
"#,
    );
}

/// A binding name is declared once across kinds, and names that differ only in case collide in Rust.
#[test]
fn bindings_share_one_namespace() {
    let spec = with(&[(
        "    MODE: {default: normal}\n",
        "    MODE: {default: normal}\n    SESSIONS: {default: none}\n    Realtime: {default: x}\n",
    )]);
    assert_report(
        &spec,
        r#"
spec.yaml:30:5: error at bindings.vars.SESSIONS: binding `SESSIONS` is declared twice
    help: it is already declared at bindings.kv.SESSIONS; KV, Durable Objects, assets, vars and secrets share one set of names
spec.yaml:31:5: error at bindings.vars.Realtime: bindings `REALTIME` and `Realtime` would both get the Rust accessor `realtime`
    help: rename one of them
2 errors in spec.yaml
"#,
    );
}

/// Bodies only on methods that carry one; responses only on JSON routes, which must have one; errors only with error statuses.
#[test]
fn route_shapes() {
    let spec = with(&[
        (
            "    response: {type: Health}\n  - id: get_run",
            "    body: {type: Health}\n    response: {type: Health}\n    errors: {200: Fine}\n  - id: get_run",
        ),
        (
            "      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n    response: {type: Health}\n",
            "      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n",
        ),
        ("    summary: Live events\n", "    summary: Live events\n    response: {type: Health}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:57:5: error at routes[0].body: GET requests carry no body
    help: drop `body`, or use POST, PUT or PATCH
spec.yaml:59:14: error at routes[0].errors["200"]: `200` is not an error status
    help: key documented errors by a 4xx or 5xx status code, e.g. `404: The run does not exist`
spec.yaml:60:5: error at routes[1]: a JSON route needs a `response`
    help: add `response: {type: SomeType}`, or set `kind` for a route that answers on its own
spec.yaml:74:5: error at routes[2].response: only JSON routes declare a `response`
    help: remove `response`; this kind of route answers on its own
4 errors in spec.yaml
"#,
    );
}

/// Scope names, documentation URLs and the MCP protocol versions are checked.
#[test]
fn oauth_and_mcp_values() {
    let spec = with(&[
        (
            "  scopes: {search.read: Read runs}\n",
            "  scopes: {search.read: Read runs, search all: Everything}\n  resource_documentation: docs.example.com\n",
        ),
        (
            "  version: 0.1.0\n  session_store: SESSIONS\n",
            "  version: 0.1.0\n  session_store: SESSIONS\n  protocol_versions: [latest, \"2025-03-26\", \"2025-11-25\", \"2025-03-26\"]\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:17:36: error at oauth.scopes["search all"]: `search all` is not a valid scope name
    help: a scope is one word of printable characters without spaces, quotes or backslashes, e.g. search.read
spec.yaml:18:3: error at oauth.resource_documentation: `docs.example.com` is not an http(s) URL
    help: write the full URL of the documentation page, e.g. https://docs.example.com/api
spec.yaml:23:23: error at mcp.protocol_versions[0]: MCP protocol version `latest` is not implemented by the runtime
    help: expected one of: 2025-11-25, 2025-06-18, 2025-03-26
spec.yaml:23:45: error at mcp.protocol_versions[2]: protocol version `2025-11-25` is newer than one listed before it
    help: list versions newest first: a client asking for an unknown version is offered the first
spec.yaml:23:59: error at mcp.protocol_versions[3]: protocol version `2025-03-26` is listed twice
    help: list each once
5 errors in spec.yaml
"#,
    );
}

/// MCP tools must be bound to JSON routes whose input fits one object and whose answer is an object;
/// widgets, resources, sessions and the route serving the server are checked too.
#[test]
fn mcp_tools_resources_and_route() {
    let spec = with(&[
        (
            "  version: 0.1.0\n  session_store: SESSIONS\n",
            "  version: 0.1.0\n  session_store: SESSION\n  session_ttl_seconds: 30\n  tools:\n    health: {route: get_helth}\n    events: {route: events}\n    run: {route: get_run, widget: dashbord, invoking: \"\"}\n    bad name: {route: get_health}\n  resources:\n    dashboard: {uri: widget.html, asset: widget.html, mime_type: html}\n",
        ),
        (
            "    summary: Live events\n",
            "    summary: Live events\n  - id: mcp\n    method: [GET, POST]\n    path: /mcp\n    kind: {mcp: {}}\n    summary: MCP\n    scopes: [search.read]\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:21:3: error at mcp.session_store: `SESSION` is not a declared KV binding
    help: did you mean `SESSIONS`? (expected one of: SESSIONS)
spec.yaml:22:3: error at mcp.session_ttl_seconds: 30 seconds is shorter than KV's shortest expiry
    help: use at least 60; 86400 (a day) suits a chat session
spec.yaml:24:14: error at mcp.tools.health.route: `get_helth` is not a route id
    help: did you mean `get_health`? (expected one of: get_health, get_run, events, mcp)
spec.yaml:25:14: error at mcp.tools.events.route: route `events` is not a JSON route
    help: bind the tool to a JSON route whose response is an object type
spec.yaml:26:27: error at mcp.tools.run.widget: `dashbord` is not a declared resource
    help: did you mean `dashboard`? (expected one of: dashboard)
spec.yaml:26:45: error at mcp.tools.run.invoking: the `invoking` text must be 1 to 64 characters
    help: write a short status such as `Loading logs…`
spec.yaml:27:5: error at mcp.tools["bad name"]: `bad name` is not a valid tool name
    help: use 1 to 64 letters, digits, `_`, `-` or `.`, e.g. get_logs
spec.yaml:29:17: error at mcp.resources.dashboard.uri: `widget.html` is not a URI
    help: write scheme:rest, e.g. ui://widget/dashboard.html
spec.yaml:29:35: error at mcp.resources.dashboard.asset: `widget.html` is not a path inside the assets directory
    help: write the file's path from the assets directory, starting with `/`, e.g. /widget.html
spec.yaml:29:55: error at mcp.resources.dashboard.mime_type: `html` is not a MIME type
    help: write type/subtype, e.g. text/html+skybridge for an Apps SDK widget
spec.yaml:82:5: error at routes[3].method: an MCP route serves POST (JSON-RPC) and DELETE (end a session)
    help: write `method: [POST, DELETE]`
spec.yaml:86:5: error at routes[3].scopes: an MCP route takes no `scopes`
    help: each tool takes the scopes, parameters, body and response of the route it is bound to; remove it
12 errors in spec.yaml
"#,
    );
}

/// Type, property, route and parameter names must make valid, distinct Rust names.
#[test]
fn names_that_become_rust_identifiers() {
    let spec = with(&[
        ("  Status:\n", "  status_kind:\n    enum: [a]\n  Status:\n"),
        ("      checked_at: {type: string, format: date-time}\n", "      checkedAt: {type: string, format: date-time}\n"),
        ("  - id: get_run\n", "  - id: getRun\n"),
        ("      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n", "      limit: {type: integer, minimum: 1, maximum: 100, default: 10}\n      page-size: {type: integer}\n      page_size: {type: integer}\n      2nd: {type: string}\n    header:\n      X_Trace: {type: string}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:45:3: error at types.status_kind: `status_kind` is not a valid type name
    help: use a PascalCase identifier, e.g. LogEntry
spec.yaml:52:7: error at types.Health.properties.checkedAt: `checkedAt` is not a valid property name
    help: use snake_case, e.g. started_at
spec.yaml:60:5: error at routes[1].id: `getRun` is not a valid route id
    help: use snake_case, e.g. get_health
spec.yaml:70:7: error at routes[1].query.page_size: query parameter `page-size` and query parameter `page_size` would both become the Rust field `page_size`
    help: rename one of them
spec.yaml:71:7: error at routes[1].query["2nd"]: `2nd` is not a valid query parameter name
    help: start with a letter and use letters, digits, `_` or `-`
spec.yaml:73:7: error at routes[1].header.X_Trace: `X_Trace` is not a valid header parameter name
    help: start with a letter and use letters, digits and `-`, e.g. X-Session-Id
6 errors in spec.yaml
"#,
    );
}

/// Constraints and element types only where the field's type has a use for them.
#[test]
fn field_constraints_fit_the_type() {
    let spec = with(&[("      checked_at: {type: string, format: date-time}\n", "      checked_at: {type: string, format: date-time, minimum: 0}\n      tags: {type: array}\n      name: {type: string, items: string, min_length: 5, max_length: 2}\n      kind: {type: Status, enum: [ok]}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:50:53: error at types.Health.properties.checked_at.minimum: `minimum` does not apply to a field of this type
    help: `minimum` is only for integer and number fields
spec.yaml:51:7: error at types.Health.properties.tags: type `array` needs `items`
    help: add `items: <type>` naming the element type
spec.yaml:52:28: error at types.Health.properties.name.items: `items` only applies to `type: array`
    help: remove `items`, or set `type: array`
spec.yaml:52:43: error at types.Health.properties.name.min_length: min_length 5 is larger than max_length 2
    help: swap or fix the bounds
spec.yaml:53:28: error at types.Health.properties.kind.enum: `enum` is only for parameters
    help: declare an enum type under `types` and use it as this property's type
5 errors in spec.yaml
"#,
    );
}

/// A type that needs itself through required properties can have no value; optional or listed is fine.
#[test]
fn types_that_contain_themselves() {
    let spec = with(&[("  Health:\n", "  Node:\n    properties:\n      next: {type: Node}\n  Tree:\n    properties:\n      parent: {type: Tree, required: false}\n      children: {type: array, items: Tree}\n  Health:\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:47:3: error at types.Node: type `Node` contains itself through required properties (Node.next -> Node)
    help: make one of these properties optional (`required: false`) or a list, so that a value can end
1 error in spec.yaml
"#,
    );
}

/// Paths start with `/`, have no empty segments and hold whole `{param}` segments.
#[test]
fn paths_are_well_formed() {
    let spec = with(&[
        ("    path: /health\n", "    path: health\n"),
        ("    path: /runs/{run_id}\n", "    path: /runs//{run_id}/x{run_id}/{run_id}?all\n"),
        ("    path: /events\n", "    path: /events/{Kind}\n    path_params: {Kind: {type: string}}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:54:5: error at routes[0].path: path `health` does not start with `/`
    help: write `/health`
spec.yaml:60:5: error at routes[1].path: path `/runs//{run_id}/x{run_id}/{run_id}?all` has an empty segment
    help: remove the doubled `/`
spec.yaml:60:5: error at routes[1].path: path segment `x{run_id}` is not valid
    help: segments are literal text or a whole `{name}` parameter; query parameters go under `query`
spec.yaml:60:5: error at routes[1].path: path segment `{run_id}?all` is not valid
    help: segments are literal text or a whole `{name}` parameter; query parameters go under `query`
spec.yaml:70:5: error at routes[2].path: path parameter `{Kind}` is not a snake_case name
    help: use e.g. `{run_id}`
spec.yaml:71:19: error at routes[2].path_params.Kind: `Kind` is not a valid path parameter name
    help: use snake_case, e.g. run_id
6 errors in spec.yaml
"#,
    );
}

/// Documents need their section, are served once, and like streams only on GET.
#[test]
fn documents_and_streams() {
    let spec = with(&[
        ("mcp:\n  name: Demo\n  version: 0.1.0\n  session_store: SESSIONS\n", ""),
        ("    kind: {sse: REALTIME}\n    summary: Live events\n", "    kind: {sse: REALTIME}\n    summary: Live events\n  - id: manifest\n    method: [GET, POST]\n    path: /.well-known/mcp.json\n    kind: {document: mcp-manifest}\n    summary: Manifest\n  - id: spec\n    method: GET\n    path: /openapi.json\n    kind: {document: openapi}\n    summary: OpenAPI\n  - id: spec_again\n    method: GET\n    path: /openapi\n    kind: {document: openapi}\n    summary: OpenAPI\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:70:5: error at routes[3].method: documents, event streams and WebSockets are served on GET only
    help: write `method: GET`
spec.yaml:72:12: error at routes[3].kind.document: the `mcp-manifest` document needs an `mcp` section
    help: add `mcp:` at the top level of the spec, or remove this route
spec.yaml:82:12: error at routes[5].kind.document: the `openapi` document is already served by routes[4] (`spec`)
    help: serve each document from one route
3 errors in spec.yaml
"#,
    );
}

/// Migration tags are unique; classes are created once and only deleted after they exist.
#[test]
fn migration_history() {
    let spec = with(&[("  - tag: v1\n    new_sqlite_classes: [RealtimeSession]\n", "  - tag: v1\n    new_sqlite_classes: [RealtimeSession, Lobby]\n  - tag: v1\n    new_sqlite_classes: [RealtimeSession]\n    deleted_classes: [Lobby, Ghost]\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:35:5: error at migrations[1].tag: migration tag `v1` is already used by migrations[0]
    help: give every migration a new tag, e.g. v2
spec.yaml:36:26: error at migrations[1].new_sqlite_classes[0]: class `RealtimeSession` is already created by migrations[0]
    help: create each class once; a later migration may delete it with `deleted_classes`
spec.yaml:37:30: error at migrations[1].deleted_classes[1]: class `Ghost` is deleted, but no earlier migration creates it
    help: expected one of: RealtimeSession
3 errors in spec.yaml
"#,
    );
}

/// Environment routes are host patterns; a custom domain is a bare host.
#[test]
fn environment_routes() {
    let spec = with(&[("  production:\n    origin: https://demo.example.com\n", "  production:\n    origin: https://demo.example.com\n    routes:\n      - pattern: demo.example.com/*\n        custom_domain: true\n      - pattern: https://demo.example.com/api\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:43:9: error at environments.production.routes[0].pattern: custom domain `demo.example.com/*` has a path or wildcard
    help: a custom domain is a bare host name, e.g. dashboard.example.com; for a pattern set `custom_domain: false`
spec.yaml:45:9: error at environments.production.routes[1].pattern: `https://demo.example.com/api` is not a route pattern
    help: write a host and optional path without a scheme, e.g. example.com/api/*
2 errors in spec.yaml
"#,
    );
}

/// A route serves at least one method.
#[test]
fn empty_method_list() {
    let spec = with(&[("    method: GET\n    path: /events\n", "    method: []\n    path: /events\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:69:5: error at routes[2].method: no method given
    help: write a method such as GET, or a list such as [GET, POST]
1 error in spec.yaml
"#,
    );
}

/// Shape errors of every kind, in different sections, come out in one run in document order.
#[test]
fn shape_errors_are_reported_together() {
    let spec = with(&[
        ("  compatibility_date: \"2025-11-20\"\n", ""),
        ("    API_KEY: {description: Upstream key}\n", "    API_KEY: {description: Upstream key, rotate: true}\n"),
        ("    summary: Service health\n", "    summary: 42\n"),
        ("    kind: {sse: REALTIME}\n", "    kind: stream\n"),
        ("      run_id: {type: string, format: uuid}\n", "      run_id: {type: string, format: guid}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:1:1: error at worker: missing required key `compatibility_date`
    help: add `compatibility_date:` here (Workers runtime compatibility date (YYYY-MM-DD))
spec.yaml:30:42: error at bindings.secrets.API_KEY.rotate: unknown key `rotate`
    help: expected one of: description
spec.yaml:54:5: error at routes[0].summary: expected a string, found `42`
    help: write text, quoted if it would otherwise read as a number or boolean
spec.yaml:63:30: error at routes[1].path_params.run_id.format: `guid` is not an accepted value
    help: did you mean `uuid`? (expected one of: date-time, uri, uuid, email)
spec.yaml:70:5: error at routes[2].kind: `stream` is not an accepted value
    help: expected `json`, `redirect`, `{document: ...}`, `oauth-login`, `oauth-callback`, `oauth-logout`, `{sse: ...}`, `{websocket: ...}` or `{mcp: ...}`
5 errors in spec.yaml
"#,
    );
}

/// One spec with many different semantic mistakes reports every one of them, in document order.
#[test]
fn many_errors_are_reported_in_one_run() {
    let spec = with(&[
        ("  name: demo\n", "  name: demo_worker\n"),
        ("  allow_origins: [https://chatgpt.com]\n", "  allow_origins: [https://chatgpt.com/]\n"),
        ("    API_KEY: {description: Upstream key}\n", "    API_KEY: sk-live-123\n"),
        (
            "    origin: http://localhost:8787\n    kv: {SESSIONS: {id: 0f2ac8e1f6b94bd0a0c2d5a7e3b91c01}}\n",
            "    origin: http://localhost:8787\n",
        ),
        ("      checked_at: {type: string, format: date-time}\n", "      checked_at: {type: datetime}\n"),
        ("    scopes: [search.read]\n", "    scopes: [search.write]\n"),
        ("    path: /runs/{run_id}\n", "    path: /runs/{run_id}/{step}\n"),
        ("default: 10}", "default: 0}"),
        ("  - id: events\n", "  - id: get_health\n"),
        ("    kind: {sse: REALTIME}\n", "    kind: {sse: REALTIM}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:2:3: error at worker.name: `demo_worker` is not a valid Worker name
    help: use 1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash
spec.yaml:12:19: error at cors.allow_origins[0]: `https://chatgpt.com/` is not an origin
    help: write scheme://host[:port] in lowercase, with no path or trailing slash, e.g. https://chatgpt.com
spec.yaml:31:5: error at bindings.secrets.API_KEY: secret `API_KEY` is given a value
    help: declare it as `API_KEY: {description: ...}`; secret values never belong in the spec: run `wrangler secret put API_KEY --env <env>` for each of dev, production (for `wrangler dev`, put `API_KEY=...` in .dev.vars)
spec.yaml:36:3: error at environments.dev: environment `dev` gives no namespace id for KV binding `SESSIONS`
    help: KV namespaces are not inherited between environments: add `kv: {SESSIONS: {id: ...}}` here (create one with `wrangler kv namespace create SESSIONS`)
spec.yaml:49:20: error at types.Health.properties.checked_at.type: unknown type `datetime`
    help: expected one of: string, integer, number, boolean, json, array, map, Health, Status
spec.yaml:59:5: error at routes[1].path: path parameter `{step}` is not declared
    help: add `path_params: {step: {type: string}}` to the route
spec.yaml:61:14: error at routes[1].scopes[0]: unknown scope `search.write`
    help: did you mean `search.read`? (expected one of: search.read)
spec.yaml:65:56: error at routes[1].query.limit.default: default `0` is below the minimum 1
    help: write a default that is an integer from 1 to 100
spec.yaml:67:5: error at routes[2].id: route id `get_health` is already used by routes[0]
    help: give every route a unique id
spec.yaml:70:12: error at routes[2].kind.sse: `REALTIM` is not a declared Durable Object binding
    help: did you mean `REALTIME`? (expected one of: REALTIME)
10 errors in spec.yaml
"#,
    );
}

/// A `test_flows` section for `VALID`, whose `Workflow` enum `WORKFLOW_TYPE` adds.
const TEST_FLOWS: &str = "test_flows:
  workflow_type: Workflow
  protocol_version: \"2025-06-18\"
  workflows:
    handshake: [initialize, notifications/initialized]
    full: [initialize, notifications/initialized, ping, tools/list]
  endpoints:
    dev: {schemes: [http, https], allow_loopback: true}
    production: {}
";

const WORKFLOW_TYPE: (&str, &str) = (
    "  Status:\n    enum: [ok, degraded]\n",
    "  Status:\n    enum: [ok, degraded]\n  Workflow:\n    enum: [handshake, full]\n",
);

/// `VALID` with the workflow enum, `TEST_FLOWS` and each `(from, to)` applied to the test-flows section.
fn with_test_flows(changes: &[(&str, &str)]) -> String {
    let mut flows = TEST_FLOWS.to_owned();
    for (from, to) in changes {
        assert_eq!(flows.matches(from).count(), 1, "{from:?} should occur exactly once in the section");
        flows = flows.replacen(from, to, 1);
    }
    format!("{}{flows}", with(&[WORKFLOW_TYPE]))
}

#[test]
fn the_valid_test_flows_are_valid() {
    let model = codegen::load::load(&with_test_flows(&[])).unwrap_or_else(|d| panic!("{}", d.render("spec.yaml")));
    let flows = model.test_flows.expect("the section is kept");
    let names: Vec<&str> = flows.workflows.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["handshake", "full"], "workflows follow the enum's order");
    assert_eq!(flows.step_timeout_seconds, 10, "the default step timeout");
    let production = &flows.endpoints.iter().find(|(name, _)| name == "production").expect("production").1;
    assert_eq!(production.schemes, [codegen::model::EndpointScheme::Https], "https only by default");
    assert!(!production.allow_loopback && !production.allow_private);
}

/// Workflows are the enum's values exactly, each step a known MCP method after the handshake.
#[test]
fn test_flow_workflows_follow_the_enum_and_mcp() {
    let spec = with_test_flows(&[
        ("    handshake: [initialize, notifications/initialized]\n", "    handshak: [initialize, initialized]\n"),
        (
            "    full: [initialize, notifications/initialized, ping, tools/list]\n",
            "    full: [notifications/initialized, initialize, tools/call]\n    extra: []\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:78:3: error at test_flows.workflows: the workflow `handshake` of `Workflow` has no steps
    help: add `handshake: [initialize, notifications/initialized, ...]`
spec.yaml:79:5: error at test_flows.workflows.handshak: `handshak` is not a value of the enum `Workflow`
    help: did you mean `handshake`? (expected one of: handshake, full)
spec.yaml:79:28: error at test_flows.workflows.handshak[1]: `initialized` is not an MCP method a test flow can call
    help: did you mean `notifications/initialized`?; methods that need arguments (tools/call, resources/read) cannot be steps
spec.yaml:80:51: error at test_flows.workflows.full[2]: `tools/call` is not an MCP method a test flow can call
    help: did you mean `tools/list`? (expected one of: initialize, notifications/initialized, ping, tools/list, resources/list, resources/templates/list, prompts/list); methods that need arguments (tools/call, resources/read) cannot be steps
spec.yaml:81:5: error at test_flows.workflows.extra: `extra` is not a value of the enum `Workflow`
    help: expected one of: handshake, full
spec.yaml:81:5: error at test_flows.workflows.extra: the workflow has no steps
    help: list its steps, e.g. `[initialize, notifications/initialized]`
6 errors in spec.yaml
"#,
    );
}

/// The handshake opens every workflow, once.
#[test]
fn test_flow_steps_start_with_the_handshake() {
    let spec = with_test_flows(&[
        ("    handshake: [initialize, notifications/initialized]\n", "    handshake: [initialize, ping]\n"),
        (
            "    full: [initialize, notifications/initialized, ping, tools/list]\n",
            "    full: [initialize, notifications/initialized, ping, initialize]\n",
        ),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:79:29: error at test_flows.workflows.handshake[1]: step 2 must be `notifications/initialized`
    help: start the workflow with `initialize, notifications/initialized`: MCP requires the handshake before any other request, and once per session
spec.yaml:80:57: error at test_flows.workflows.full[3]: `initialize` is repeated
    help: start the workflow with `initialize, notifications/initialized`: MCP requires the handshake before any other request, and once per session
2 errors in spec.yaml
"#,
    );
}

/// The workflow type is a declared enum; the version is a date; the timeout is bounded.
#[test]
fn test_flow_settings() {
    let spec = with_test_flows(&[
        ("  workflow_type: Workflow\n", "  workflow_type: Health\n  step_timeout_seconds: 0\n"),
        ("  protocol_version: \"2025-06-18\"\n", "  protocol_version: latest\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:76:3: error at test_flows.workflow_type: `Health` is an object type, not an enum
    help: name the enum type whose values are the workflow names, e.g. `Workflow: {enum: [handshake, full]}`
spec.yaml:77:3: error at test_flows.step_timeout_seconds: a step timeout of 0 seconds is out of range
    help: use 1 to 120 seconds; a step is one HTTP request
spec.yaml:78:3: error at test_flows.protocol_version: `latest` is not an MCP protocol version
    help: MCP protocol versions are dates (YYYY-MM-DD), e.g. 2025-06-18
3 errors in spec.yaml
"#,
    );
    let spec = with_test_flows(&[("  workflow_type: Workflow\n", "  workflow_type: Workflow2\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:76:3: error at test_flows.workflow_type: `Workflow2` is not a declared type
    help: did you mean `Workflow`? (expected one of: Status, Workflow)
1 error in spec.yaml
"#,
    );
}

/// Every environment has endpoint rules, and only the default one may relax them.
#[test]
fn test_flow_endpoint_rules() {
    let spec = with_test_flows(&[
        (
            "    dev: {schemes: [http, https], allow_loopback: true}\n",
            "    dev: {schemes: [https, https]}\n    staging: {}\n",
        ),
        ("    production: {}\n", "    production: {schemes: [http], allow_loopback: true, allow_private: true}\n"),
    ]);
    assert_report(
        &spec,
        r#"
spec.yaml:82:28: error at test_flows.endpoints.dev.schemes[1]: scheme `https` is listed twice
    help: list each scheme once
spec.yaml:83:5: error at test_flows.endpoints.staging: `staging` is not a declared environment
    help: expected one of: dev, production
spec.yaml:84:28: error at test_flows.endpoints.production.schemes[0]: environment `production` allows plain http
    help: only the default environment, served locally by `wrangler dev`, may relax the rules; a deployed worker must not reach into private networks or send in the clear
spec.yaml:84:35: error at test_flows.endpoints.production.allow_loopback: environment `production` sets `allow_loopback`
    help: only the default environment, served locally by `wrangler dev`, may relax the rules; a deployed worker must not reach into private networks or send in the clear
spec.yaml:84:57: error at test_flows.endpoints.production.allow_private: environment `production` sets `allow_private`
    help: only the default environment, served locally by `wrangler dev`, may relax the rules; a deployed worker must not reach into private networks or send in the clear
5 errors in spec.yaml
"#,
    );
    let spec = with_test_flows(&[("    production: {}\n", "")]);
    assert_report(
        &spec,
        r#"
spec.yaml:81:3: error at test_flows.endpoints: environment `production` has no endpoint rules
    help: add `production: {schemes: [https]}`; every environment says where its test flows may go
1 error in spec.yaml
"#,
    );
}

/// An event stream's heartbeat keeps it open through proxies, so it has bounds.
#[test]
fn event_stream_heartbeat() {
    let spec =
        with(&[("    kind: {sse: REALTIME}\n", "    kind: {sse: {binding: REALTIM, heartbeat_seconds: 120}}\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:12: error at routes[2].kind.sse: `REALTIM` is not a declared Durable Object binding
    help: did you mean `REALTIME`? (expected one of: REALTIME)
spec.yaml:71:36: error at routes[2].kind.sse.heartbeat_seconds: a heartbeat every 120 seconds is out of range
    help: use 1 to 90 seconds: proxies, Cloudflare's included, close a connection that stays silent for about 100 seconds
2 errors in spec.yaml
"#,
    );
}

/// `cors: public` answers every origin alike, so only routes that answer every caller alike may have it, and
/// a path has one preflight answer, so all its routes must agree.
#[test]
fn public_cors() {
    let public = with(&[("    path: /health\n", "    path: /health\n    cors: public\n")]);
    let model = codegen::load::load(&public).expect("a public JSON route is valid");
    assert_eq!(model.routes[0].cors, codegen::model::RouteCors::Public);
    assert_eq!(model.routes[1].cors, codegen::model::RouteCors::Listed);

    let spec = with(&[("    path: /events\n", "    path: /events\n    cors: everyone\n")]);
    assert_report(
        &spec,
        r#"
spec.yaml:71:5: error at routes[2].cors: `everyone` is not an accepted value
    help: expected one of: listed, public
1 error in spec.yaml
"#,
    );

    let spec = with(&[
        ("    path: /health\n", "    path: /health\n    cors: public\n"),
        ("    path: /runs/{run_id}\n", "    path: /runs/{run_id}\n    cors: public\n"),
        ("    path: /events\n", "    path: /events\n    cors: public\n"),
    ]);
    let spec = format!("{spec}  - id: put_health\n    method: PUT\n    path: /health\n    summary: Set health\n    response: {{type: Health}}\n");
    assert_report(
        &spec,
        r#"
spec.yaml:62:5: error at routes[1].cors: a public route cannot require scopes: its answer is the same for every origin and caller
    help: remove `cors: public`, or the route's `scopes`
spec.yaml:73:5: error at routes[2].cors: only JSON, redirect and document routes can be public
    help: remove `cors: public`: sign-in steps, event streams, WebSockets and the MCP endpoint answer the `cors` section's origins only
spec.yaml:76:5: error at routes[3].cors: `/health` is readable by the `cors` section's origins here but by every origin (`cors: public`) in routes[0] (`get_health`), which serves the same path
    help: give both routes the same `cors`: a path has one answer to a CORS preflight
3 errors in spec.yaml
"#,
    );
}

/// The repository's spec, damaged in many ways: the loader answers every version with a model or with
/// diagnostics, and never panics.
#[test]
fn never_panics_on_damaged_specs() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dashboard.yaml"))
        .expect("spec/dashboard.yaml is readable");
    let mut inputs = Vec::new();

    // Every prefix that ends at a line boundary, as an editor might save a half-written file.
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        end += line.len();
        inputs.push(text[..end].to_owned());
    }

    // Deterministic pseudo-random edits: a few per input, so damage combines.
    let mut random = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for _ in 0..=random.below(3) {
            mutate(&mut lines, &mut random);
        }
        inputs.push(lines.join("\n"));
    }

    inputs.extend(HOSTILE.iter().map(|s| s.to_string()));
    inputs.push("[".repeat(5_000));
    inputs.push(format!("worker: {}", "x".repeat(100_000)));

    // Spread over threads, a stride apiece so that short and long inputs mix, to keep a debug run quick.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let outcomes: Vec<Result<(usize, usize), String>> = std::thread::scope(|scope| {
        let inputs = &inputs;
        let handles: Vec<_> = (0..workers)
            .map(|first| scope.spawn(move || load_all(inputs.iter().skip(first).step_by(workers))))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|_| Err("a worker thread panicked".to_owned())))
            .collect()
    });
    let (mut accepted, mut rejected) = (0, 0);
    for outcome in outcomes {
        let (a, r) = outcome.unwrap_or_else(|input| panic!("load panicked on this input:\n{input}"));
        accepted += a;
        rejected += r;
    }
    assert_eq!(accepted + rejected, inputs.len());
    // The edits must actually damage the spec for this test to mean anything.
    assert!(rejected > inputs.len() / 2, "only {rejected} of {} inputs were rejected", inputs.len());
}

/// Loads each input, counting models and rejections; the first input that makes `load` panic is the error.
fn load_all<'a>(inputs: impl Iterator<Item = &'a String>) -> Result<(usize, usize), String> {
    let (mut accepted, mut rejected) = (0, 0);
    for input in inputs {
        let outcome = panic::catch_unwind(|| match codegen::load::load(input) {
            Ok(model) => Ok(model.routes.len()),
            Err(diagnostics) => Err(diagnostics.render("spec.yaml")),
        });
        match outcome {
            Ok(Ok(_)) => accepted += 1,
            Ok(Err(report)) => {
                assert!(report.contains("error"), "a rejection carries at least one error:\n{report}");
                rejected += 1;
            }
            Err(_) => return Err(input.clone()),
        }
    }
    Ok((accepted, rejected))
}

/// Inputs that stress the YAML layer rather than the spec format.
const HOSTILE: &[&str] = &[
    "",
    "\u{feff}",
    "---",
    "~",
    "42",
    "\"just a string\"",
    "- a\n- b",
    "? [a, b]\n: c",
    "{[a]: b}",
    "a: &x [1, *x]",
    "a: *missing",
    "a: !custom 1",
    "a: !!binary aGVsbG8=",
    "worker: !!set {a, b}",
    "a: 1e999",
    "a: .nan",
    "routes:\n  - id: x\n    errors: {99999999999999999999: big}",
    "worker:\n\tname: x",
    "worker:\n  name: x\n name: y",
    "routes: [{}, {}, {}]",
    "environments: {dev: {origin: http://localhost}}\nroutes: []\nworker: {}\napi: {}",
    "types: {A: {properties: {a: {type: A}}}, B: {enum: []}}",
    "%YAML 1.2\n---\na: 1",
    "a: 'unterminated",
    "a: \"\\u12\"",
    "\0",
];

/// One random edit of the kinds an author (or a bad merge) makes.
fn mutate(lines: &mut Vec<String>, random: &mut XorShift) {
    if lines.is_empty() {
        lines.push(String::new());
    }
    let at = random.below(lines.len());
    match random.below(7) {
        0 => {
            lines.remove(at);
        }
        1 => {
            let copy = lines[at].clone();
            lines.insert(at, copy);
        }
        2 => {
            const VALUES: [&str; 12] =
                ["[]", "{}", "null", "-1", "0", "true", "\"\"", "1e400", "[a, [b, {c: d}]]", "{a: }", "'", "&x"];
            let value = match random.below(VALUES.len() + 1) {
                i if i < VALUES.len() => VALUES[i].to_owned(),
                _ => "y".repeat(5_000),
            };
            let line = &lines[at];
            lines[at] = match line.find(": ") {
                Some(colon) => format!("{}: {value}", &line[..colon]),
                None => format!("{line} {value}"),
            };
        }
        3 => {
            // Delete a short run of characters, keeping the text valid UTF-8.
            let chars: Vec<char> = lines[at].chars().collect();
            if !chars.is_empty() {
                let start = random.below(chars.len());
                let stop = (start + 1 + random.below(6)).min(chars.len());
                lines[at] = chars[..start].iter().chain(&chars[stop..]).collect();
            }
        }
        4 => {
            let other = random.below(lines.len());
            lines.swap(at, other);
        }
        5 => {
            lines[at] = match random.below(2) {
                0 => format!("  {}", lines[at]),
                _ => lines[at].trim_start().to_owned(),
            };
        }
        _ => {
            const INSERTS: [&str; 8] = ["\t", ":", "-", "{", "#", "\u{0}", "é", "}"];
            let insert = INSERTS[random.below(INSERTS.len())];
            let chars: Vec<char> = lines[at].chars().collect();
            let position = random.below(chars.len() + 1);
            lines[at] =
                chars[..position].iter().collect::<String>() + insert + &chars[position..].iter().collect::<String>();
        }
    }
}

/// A tiny deterministic generator: the same edits on every run, no dependency needed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }
}
