//! The loopback authorization server on its own, over real HTTP: the code flow with PKCE, each
//! refusal the worker's tests rely on, and tokens checked against the JWKS the server serves.
//!
//! Starting a server generates an RSA key, which takes seconds in an unoptimised build, so the tests
//! that only need codes of their own share one server; a test that counts requests, flips a switch or
//! needs another configuration starts its own.

use std::sync::OnceLock;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, TokenData, Validation};
use url::Url;

use e2e::auth_server::pkce::s256_challenge;
use e2e::auth_server::{AccessTokenClaims, AuthServer, AuthServerConfig, TokenSpec};
use e2e::http::{Exchange, HttpClient, Request};

const AUDIENCE: &str = "http://localhost:8787";
const CLIENT_ID: &str = "dashboard";
const CLIENT_SECRET: &str = "dashboard-secret";
const REDIRECT_URI: &str = "http://localhost:8787/auth/callback";
const OTHER_REDIRECT_URI: &str = "http://127.0.0.1:8787/auth/callback";
const OTHER_CLIENT_ID: &str = "other-client";
const OTHER_CLIENT_SECRET: &str = "other-secret";
const SCOPE: &str = "search.read memory.write";
/// 43 characters, the shortest verifier RFC 7636 allows.
const VERIFIER: &str = "e2e-verifier-0123456789-abcdefghijklmnopqrs";
const WRONG_VERIFIER: &str = "e2e-verifier-0123456789-abcdefghijklmnopqrX";

fn config() -> AuthServerConfig {
    AuthServerConfig::new(AUDIENCE)
        .registered_client(CLIENT_ID, CLIENT_SECRET, [REDIRECT_URI, OTHER_REDIRECT_URI])
        .registered_client(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, [REDIRECT_URI])
        .scopes_supported(["search.read", "memory.read", "memory.write"])
}

fn shared_server() -> &'static AuthServer {
    static SERVER: OnceLock<AuthServer> = OnceLock::new();
    SERVER.get_or_init(|| AuthServer::start(config()))
}

fn http() -> HttpClient {
    HttpClient::with_timeout(Duration::from_secs(10))
}

fn get(url: &str) -> Exchange {
    http().get(url).expect("the auth server answers")
}

/// A valid authorization request for `CLIENT_ID`, with `changes` applied: a pair replaces the
/// parameter of that name, or removes it when the value is empty.
fn authorize(server: &AuthServer, changes: &[(&str, &str)]) -> Exchange {
    let challenge = s256_challenge(VERIFIER);
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("scope", SCOPE),
        ("state", "state-123"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (name, value) in changes {
        params.retain(|(existing, _)| existing != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let mut url = Url::parse(&server.authorization_endpoint()).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    get(url.as_str())
}

/// The query parameters of a redirect's `Location`, after checking where it points.
fn redirect_params(exchange: &Exchange, expected_target: &str) -> Vec<(String, String)> {
    assert_eq!(exchange.status, 302, "{exchange}: {}", exchange.body);
    let location = exchange.header("location").expect("a Location header");
    let location = Url::parse(&location).unwrap();
    assert_eq!(
        format!(
            "{}://{}{}",
            location.scheme(),
            location.host_str().unwrap(),
            location.port().map_or(String::new(), |port| format!(":{port}"))
        ) + location.path(),
        expected_target
    );
    location.query_pairs().into_owned().collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// Runs an approved authorization and returns the code.
fn approved_code(server: &AuthServer, changes: &[(&str, &str)]) -> String {
    let params = redirect_params(&authorize(server, changes), REDIRECT_URI);
    assert_eq!(param(&params, "state"), Some("state-123"));
    assert_eq!(param(&params, "iss"), Some(server.issuer()));
    assert_eq!(param(&params, "error"), None);
    let code = param(&params, "code").expect("a code").to_string();
    assert_eq!(code.len(), 43, "32 random bytes in base64url");
    code
}

/// A token request with client_secret_post for `code`, with `changes` applied as in [`authorize`].
fn token_form(code: &str, changes: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("code_verifier", VERIFIER),
    ];
    for (name, value) in changes {
        params.retain(|(existing, _)| existing != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
}

fn post_token(server: &AuthServer, form: String, basic: Option<(&str, &str)>) -> Exchange {
    let mut request =
        Request::new("POST", server.token_endpoint()).header("Content-Type", "application/x-www-form-urlencoded");
    if let Some((user, password)) = basic {
        let credentials = STANDARD.encode(format!("{user}:{password}"));
        request = request.header("Authorization", &format!("Basic {credentials}"));
    }
    request.body = Some(form);
    http().send(request).expect("the auth server answers")
}

/// Asserts an RFC 6749 error answer and returns its description.
fn expect_oauth_error(exchange: &Exchange, status: u16, error: &str) -> String {
    assert_eq!(exchange.status, status, "{exchange}: {}", exchange.body);
    assert_eq!(exchange.media_type().as_deref(), Some("application/json"));
    let body = exchange.json().unwrap();
    assert_eq!(body["error"], error, "{}", exchange.body);
    body["error_description"].as_str().unwrap_or_default().to_string()
}

/// Verifies a token the way a resource server would: the key from the served JWKS by `kid`, RS256,
/// issuer, audience and expiry with no leeway.
fn verify(server: &AuthServer, token: &str) -> jsonwebtoken::errors::Result<TokenData<AccessTokenClaims>> {
    let jwks: JwkSet = serde_json::from_str(&get(&server.jwks_uri()).body).unwrap();
    let header = jsonwebtoken::decode_header(token)?;
    let jwk = jwks.find(header.kid.as_deref().expect("a kid header")).expect("the kid is in the JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[server.issuer()]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    jsonwebtoken::decode(token, &DecodingKey::from_jwk(jwk)?, &validation)
}

#[test]
fn metadata_names_the_endpoints() {
    let server = shared_server();
    let exchange = get(&server.metadata_url());
    assert_eq!(exchange.status, 200);
    assert_eq!(exchange.media_type().as_deref(), Some("application/json"));
    let metadata = exchange.json().unwrap();
    let port = server.port();
    assert_ne!(port, 0);
    assert_eq!(metadata["issuer"], format!("http://127.0.0.1:{port}"));
    assert_eq!(metadata["issuer"], server.issuer());
    assert_eq!(metadata["authorization_endpoint"], format!("http://127.0.0.1:{port}/authorize"));
    assert_eq!(metadata["token_endpoint"], server.token_endpoint());
    assert_eq!(metadata["jwks_uri"], format!("http://127.0.0.1:{port}/jwks"));
    assert_eq!(metadata["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(metadata["grant_types_supported"], serde_json::json!(["authorization_code"]));
    assert_eq!(metadata["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(metadata["scopes_supported"], serde_json::json!(["search.read", "memory.read", "memory.write"]));
    assert_eq!(
        metadata["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post"])
    );
}

#[test]
fn jwks_publishes_the_rs256_signing_key() {
    let server = shared_server();
    let exchange = get(&server.jwks_uri());
    assert_eq!(exchange.status, 200);
    let jwks = exchange.json().unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["kid"], server.kid());
    assert_eq!(key["e"], "AQAB");
    // 256 bytes of modulus in base64url without padding.
    assert_eq!(key["n"].as_str().unwrap().len(), 342);
}

#[test]
fn code_flow_with_pkce_and_client_secret_post_issues_a_verifiable_token() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    let exchange = post_token(server, token_form(&code, &[]), None);
    assert_eq!(exchange.status, 200, "{}", exchange.body);
    assert_eq!(exchange.header("cache-control").as_deref(), Some("no-store"));
    let body = exchange.json().unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], SCOPE);

    let token = body["access_token"].as_str().unwrap();
    let verified = verify(server, token).expect("the issued token verifies with the JWKS");
    assert_eq!(verified.header.alg, Algorithm::RS256);
    assert_eq!(verified.header.kid.as_deref(), Some(server.kid()));
    assert_eq!(verified.header.typ.as_deref(), Some("at+jwt"));
    let claims = verified.claims;
    assert_eq!(claims.iss, server.issuer());
    assert_eq!(claims.aud, AUDIENCE);
    assert_eq!(claims.sub, "e2e-user");
    assert_eq!(claims.scope, SCOPE);
    assert_eq!(claims.scopes(), ["search.read", "memory.write"]);
    assert_eq!(claims.client_id, CLIENT_ID);
    assert_eq!(claims.exp - claims.iat, 3600);
    assert_eq!(claims.jti.len(), 22, "16 random bytes in base64url");
}

#[test]
fn code_flow_with_http_basic_client_authentication() {
    let server = shared_server();
    let code = approved_code(server, &[("client_id", OTHER_CLIENT_ID)]);
    let form = token_form(&code, &[("client_id", ""), ("client_secret", "")]);
    let exchange = post_token(server, form, Some((OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)));
    assert_eq!(exchange.status, 200, "{}", exchange.body);
    let token = exchange.json().unwrap()["access_token"].as_str().unwrap().to_string();
    assert_eq!(verify(server, &token).unwrap().claims.client_id, OTHER_CLIENT_ID);
}

#[test]
fn resource_indicator_becomes_the_audience() {
    let server = shared_server();
    let resource = "https://dashboard.example";
    let code = approved_code(server, &[("resource", resource)]);
    let exchange = post_token(server, token_form(&code, &[]), None);
    assert_eq!(exchange.status, 200, "{}", exchange.body);
    let token = exchange.json().unwrap()["access_token"].as_str().unwrap().to_string();
    let error = verify(server, &token).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidAudience);
    let claims = jsonwebtoken::dangerous::insecure_decode::<AccessTokenClaims>(&token).unwrap().claims;
    assert_eq!(claims.aud, resource);
}

#[test]
fn a_code_is_redeemed_once() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    assert_eq!(post_token(server, token_form(&code, &[]), None).status, 200);
    let again = post_token(server, token_form(&code, &[]), None);
    let description = expect_oauth_error(&again, 400, "invalid_grant");
    assert_eq!(description, "the authorization code was already used");
}

#[test]
fn a_wrong_verifier_is_refused_and_spends_the_code() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    let wrong = post_token(server, token_form(&code, &[("code_verifier", WRONG_VERIFIER)]), None);
    let description = expect_oauth_error(&wrong, 400, "invalid_grant");
    assert_eq!(description, "code_verifier does not match the code_challenge");
    let right = post_token(server, token_form(&code, &[]), None);
    expect_oauth_error(&right, 400, "invalid_grant");

    let code = approved_code(server, &[]);
    let missing = post_token(server, token_form(&code, &[("code_verifier", "")]), None);
    expect_oauth_error(&missing, 400, "invalid_grant");
}

#[test]
fn a_wrong_secret_is_refused_without_spending_the_code() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    let post = post_token(server, token_form(&code, &[("client_secret", "not-the-secret")]), None);
    expect_oauth_error(&post, 401, "invalid_client");
    assert!(post.header("www-authenticate").is_some_and(|value| value.starts_with("Basic")));

    let basic_form = token_form(&code, &[("client_id", ""), ("client_secret", "")]);
    let basic = post_token(server, basic_form.clone(), Some((CLIENT_ID, "not-the-secret")));
    expect_oauth_error(&basic, 401, "invalid_client");
    let unknown = post_token(server, basic_form, Some(("nobody", CLIENT_SECRET)));
    expect_oauth_error(&unknown, 401, "invalid_client");
    let no_secret = post_token(server, token_form(&code, &[("client_secret", "")]), None);
    expect_oauth_error(&no_secret, 401, "invalid_client");

    // Only an authenticated client can spend a code, so the right secret still redeems it.
    assert_eq!(post_token(server, token_form(&code, &[]), None).status, 200);
}

#[test]
fn a_code_is_bound_to_its_client_and_redirect_uri() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    let other_client = post_token(
        server,
        token_form(&code, &[("client_id", OTHER_CLIENT_ID), ("client_secret", OTHER_CLIENT_SECRET)]),
        None,
    );
    let description = expect_oauth_error(&other_client, 400, "invalid_grant");
    assert_eq!(description, "the authorization code was issued to another client");

    let code = approved_code(server, &[]);
    let other_redirect = post_token(server, token_form(&code, &[("redirect_uri", OTHER_REDIRECT_URI)]), None);
    expect_oauth_error(&other_redirect, 400, "invalid_grant");
}

#[test]
fn malformed_token_requests_are_refused() {
    let server = shared_server();
    let code = approved_code(server, &[]);
    let refresh = post_token(server, token_form(&code, &[("grant_type", "refresh_token")]), None);
    expect_oauth_error(&refresh, 400, "unsupported_grant_type");
    let no_code = post_token(server, token_form("", &[]), None);
    expect_oauth_error(&no_code, 400, "invalid_request");
    let unknown = post_token(server, token_form("no-such-code", &[]), None);
    expect_oauth_error(&unknown, 400, "invalid_grant");

    let mut json = Request::new("POST", server.token_endpoint()).json_text(r#"{"grant_type":"authorization_code"}"#);
    json.body = Some(token_form(&code, &[]));
    let exchange = http().send(json).unwrap();
    expect_oauth_error(&exchange, 400, "invalid_request");

    // None of the refusals above reached the code, so it still redeems.
    assert_eq!(post_token(server, token_form(&code, &[]), None).status, 200);
}

#[test]
fn an_unknown_client_or_unregistered_redirect_is_answered_without_redirecting() {
    let server = shared_server();
    for changes in [
        vec![("client_id", "nobody")],
        vec![("client_id", "")],
        vec![("redirect_uri", "https://attacker.example/callback")],
        // CLIENT_ID has two redirect URIs, so it must name one.
        vec![("redirect_uri", "")],
    ] {
        let exchange = authorize(server, &changes);
        expect_oauth_error(&exchange, 400, "invalid_request");
        assert_eq!(exchange.header("location"), None, "{changes:?}");
    }
}

#[test]
fn authorization_errors_go_back_to_the_client() {
    let server = shared_server();
    for (changes, error) in [
        (vec![("response_type", "token")], "unsupported_response_type"),
        (vec![("response_type", "")], "invalid_request"),
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("code_challenge", "too-short")], "invalid_request"),
        (vec![("scope", "search.read admin")], "invalid_scope"),
        (vec![("scope", "")], "invalid_scope"),
        (vec![("resource", "not a uri")], "invalid_target"),
    ] {
        let params = redirect_params(&authorize(server, &changes), REDIRECT_URI);
        assert_eq!(param(&params, "error"), Some(error), "{changes:?}");
        assert_eq!(param(&params, "state"), Some("state-123"), "{changes:?}");
        assert_eq!(param(&params, "code"), None, "{changes:?}");
        assert!(param(&params, "error_description").is_some());
    }
}

#[test]
fn unknown_paths_and_methods_are_refused() {
    let server = shared_server();
    let missing = get(&format!("{}/userinfo", server.issuer()));
    expect_oauth_error(&missing, 404, "not_found");
    let get_token = get(&server.token_endpoint());
    expect_oauth_error(&get_token, 405, "invalid_request");
    assert_eq!(get_token.header("allow").as_deref(), Some("POST"));
}

#[test]
fn minted_tokens_verify_only_when_they_should() {
    let server = shared_server();
    let valid = server.mint_token(&TokenSpec::for_scopes(["memory.read"]));
    let claims = verify(server, &valid).expect("a minted token verifies").claims;
    assert_eq!(claims.scope, "memory.read");
    assert_eq!(claims.sub, "e2e-user");
    assert_eq!(claims.client_id, CLIENT_ID);

    let cases = [
        (TokenSpec { expires_in_seconds: -60, ..TokenSpec::for_scopes(["memory.read"]) }, ErrorKind::ExpiredSignature),
        (
            TokenSpec { audience: Some("https://elsewhere.example".into()), ..TokenSpec::for_scopes(["memory.read"]) },
            ErrorKind::InvalidAudience,
        ),
        (
            TokenSpec {
                issuer_override: Some("https://auth.openai.com".into()),
                ..TokenSpec::for_scopes(["memory.read"])
            },
            ErrorKind::InvalidIssuer,
        ),
    ];
    for (spec, expected) in cases {
        let error = verify(server, &server.mint_token(&spec)).unwrap_err();
        assert_eq!(error.kind(), &expected, "{spec:?}");
    }

    let forged = server.mint_token_with_foreign_key(&TokenSpec::for_scopes(["memory.read"]));
    let header = jsonwebtoken::decode_header(&forged).unwrap();
    assert_eq!(header.kid.as_deref(), Some(server.kid()));
    let error = verify(server, &forged).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidSignature);
}

/// Counters, the last requests, and the switches that make the server fail or decline; with a server
/// of its own so the numbers are exact.
#[test]
fn counters_and_switches() {
    let server = AuthServer::start(config().subject("someone-else"));
    assert_eq!((server.authorization_requests(), server.codes_issued()), (0, 0));

    let code = approved_code(&server, &[]);
    authorize(&server, &[("client_id", "nobody")]);
    assert_eq!(server.authorization_requests(), 2);
    assert_eq!(server.codes_issued(), 1);
    let sent = server.last_authorization_request().unwrap();
    assert_eq!(sent.get("client_id").map(String::as_str), Some("nobody"));
    assert_eq!(sent.get("code_challenge").cloned(), Some(s256_challenge(VERIFIER)));

    server.fail_token_requests(true);
    let failed = post_token(&server, token_form(&code, &[]), None);
    expect_oauth_error(&failed, 500, "server_error");
    assert_eq!((server.token_requests(), server.tokens_issued()), (1, 0));
    server.fail_token_requests(false);

    let exchange = post_token(&server, token_form(&code, &[]), None);
    assert_eq!(exchange.status, 200, "{}", exchange.body);
    assert_eq!((server.token_requests(), server.tokens_issued()), (2, 1));
    let form = server.last_token_request().unwrap();
    assert_eq!(form.get("code"), Some(&code));
    assert_eq!(form.get("code_verifier").map(String::as_str), Some(VERIFIER));
    let token = exchange.json().unwrap()["access_token"].as_str().unwrap().to_string();
    assert_eq!(verify(&server, &token).unwrap().claims.sub, "someone-else");

    server.deny_authorizations(true);
    let params = redirect_params(&authorize(&server, &[]), REDIRECT_URI);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("state-123"));
    assert_eq!(server.codes_issued(), 1);
    server.deny_authorizations(false);

    let code = approved_code(&server, &[]);
    server.expire_codes();
    let expired = post_token(&server, token_form(&code, &[]), None);
    let description = expect_oauth_error(&expired, 400, "invalid_grant");
    assert_eq!(description, "the authorization code has expired");

    // Each server signs with a key of its own: another server's JWKS does not hold this one.
    assert_ne!(server.kid(), shared_server().kid());
    let shared_jwks: JwkSet = serde_json::from_str(&get(&shared_server().jwks_uri()).body).unwrap();
    assert!(shared_jwks.find(server.kid()).is_none());
}

/// A code older than the configured lifetime is refused, and a dropped server frees its port.
#[test]
fn expired_codes_are_refused_and_drop_stops_the_server() {
    let server = AuthServer::start(config().code_lifetime(Duration::ZERO));
    let code = approved_code(&server, &[]);
    let exchange = post_token(&server, token_form(&code, &[]), None);
    let description = expect_oauth_error(&exchange, 400, "invalid_grant");
    assert_eq!(description, "the authorization code has expired");

    let metadata_url = server.metadata_url();
    drop(server);
    assert!(http().get(&metadata_url).is_err(), "nothing answers after drop");
}
