//! CORS: the spec's origins get credentialed CORS headers, every other origin gets none; public routes
//! (`cors: public`) answer every origin alike, without credentials.

use codegen::model::{HttpMethod, RouteCors, RouteKind};

use super::{CheckResult, Probe};
use crate::http::{Exchange, Request};
use crate::spec::Route;

/// An origin that is not in the spec's allow list.
pub const REFUSED_ORIGIN: &str = "https://evil.example";

/// A route of the allow list that anyone may read (no scopes, no path parameters, answered on GET by the
/// worker itself): the API reference in this spec.
pub const LISTED_PATH: &str = "/docs";

/// Every allowed origin is echoed exactly, with credentials and `Vary: Origin`. An answer that carries no
/// header the spec exposes (the reference) lists none in `Access-Control-Expose-Headers`.
pub fn allowed_origins(probe: &mut Probe) -> CheckResult {
    expect_listed_path(probe)?;
    let origins = probe.expect.spec.cors.allow_origins.clone();
    for origin in origins {
        let check = format!("CORS allows {origin}");
        let exchange = probe.send(&check, Request::new("GET", probe.url(LISTED_PATH)).header("Origin", &origin))?;
        probe.expect_status(&check, &exchange, 200)?;
        expect_cors_grant(probe, &check, &exchange, &origin)?;
        expect_nothing_exposed(probe, &check, &exchange)?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// An answer carrying a header the spec exposes (MCP `initialize` sets `Mcp-Session-Id`) lets a page from an
/// allowed origin read it: `Access-Control-Expose-Headers` lists every exposed header the answer carries.
pub fn exposed_headers(probe: &mut Probe) -> CheckResult {
    let check = "CORS exposes the headers an answer carries";
    let origin = probe.expect.spec.cors.allow_origins.first().cloned().unwrap_or_default();
    let request = super::mcp::initialize_request(probe, "2025-06-18").header("Origin", &origin);
    let exchange = probe.send_anonymous(check, request)?;
    probe.expect_status(check, &exchange, 200)?;
    expect_cors_grant(probe, check, &exchange, &origin)?;
    let carried: Vec<String> =
        probe.expect.spec.cors.expose_headers.iter().filter(|name| exchange.header(name).is_some()).cloned().collect();
    probe.ensure(!carried.is_empty(), check, &exchange, "an exposed header (Mcp-Session-Id)", "none of them")?;
    for exposed in &carried {
        expect_list_contains(probe, check, &exchange, "access-control-expose-headers", exposed)?;
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// An origin outside the allow list gets no `Access-Control-*` header at all.
pub fn refused_origin(probe: &mut Probe) -> CheckResult {
    let check = "CORS refuses other origins";
    let exchange = probe.send(check, Request::new("GET", probe.url(LISTED_PATH)).header("Origin", REFUSED_ORIGIN))?;
    probe.expect_status(check, &exchange, 200)?;
    expect_no_cors_headers(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Every public route answers any origin, or none, with `Access-Control-Allow-Origin: *`, no credentials and
/// no `Vary: Origin`: the answer is the same for every caller, so caches may share it.
pub fn public_routes(probe: &mut Probe) -> CheckResult {
    let public = public_paths(probe);
    if public.is_empty() {
        let check = "CORS public routes";
        let exchange = probe.get(check, "/api/health")?;
        return Err(probe.fail(
            check,
            &exchange,
            "routes with `cors: public` in the spec (health, the discovery documents)",
            "none",
        ));
    }
    let allowed = probe.expect.spec.cors.allow_origins.first().cloned().unwrap_or_default();
    for path in public {
        for origin in [Some(REFUSED_ORIGIN), Some(allowed.as_str()), None] {
            let check = format!("CORS public GET {path} from {}", origin.unwrap_or("no origin"));
            let mut request = Request::new("GET", probe.url(&path));
            if let Some(origin) = origin {
                request = request.header("Origin", origin);
            }
            let exchange = probe.send_anonymous(&check, request)?;
            probe.expect_status(&check, &exchange, 200)?;
            expect_public_grant(probe, &check, &exchange)?;
            probe.pass(&check, &exchange);
        }
    }
    Ok(())
}

/// A preflight for a public path from any origin: 204, granted to `*` with the path's methods and the spec's
/// headers and max age, without credentials.
pub fn public_preflight(probe: &mut Probe) -> CheckResult {
    for path in public_paths(probe) {
        let check = format!("CORS public preflight {path}");
        let request = Request::new("OPTIONS", probe.url(&path))
            .header("Origin", REFUSED_ORIGIN)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization");
        let exchange = probe.send_anonymous(&check, request)?;
        probe.expect_status(&check, &exchange, 204)?;
        expect_public_grant(probe, &check, &exchange)?;
        expect_list_contains(probe, &check, &exchange, "access-control-allow-methods", "GET")?;
        expect_list_contains(probe, &check, &exchange, "access-control-allow-headers", "Authorization")?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// The paths of the spec's public routes.
fn public_paths(probe: &Probe) -> Vec<String> {
    probe
        .expect
        .spec
        .routes
        .iter()
        .filter(|route| route.cors == RouteCors::Public)
        .map(|route| route.path.clone())
        .collect()
}

/// `LISTED_PATH` is what its doc says it is, so the checks that use it keep testing the allow list.
fn expect_listed_path(probe: &Probe) -> CheckResult {
    let listed = |route: &&Route| {
        route.path == LISTED_PATH
            && route.cors == RouteCors::Listed
            && route.scopes.is_empty()
            && route.methods.contains(&HttpMethod::Get)
            && matches!(route.kind, RouteKind::Json | RouteKind::Document(_))
    };
    if probe.expect.spec.routes.iter().any(|route| listed(&route)) {
        return Ok(());
    }
    let check = "CORS allow-list route";
    let exchange = probe.get(check, LISTED_PATH)?;
    Err(probe.fail(
        check,
        &exchange,
        format!("{LISTED_PATH} in the spec: GET, no scopes, the `cors` section's origins"),
        "no such route; change LISTED_PATH in e2e/src/checks/cors.rs",
    ))
}

/// What a public answer carries: `*`, and neither credentials nor `Vary: Origin`.
pub fn expect_public_grant(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult {
    expect_header(probe, check, exchange, "Access-Control-Allow-Origin", Some("*"))?;
    // Browsers refuse `*` to a request with credentials anyway; saying so would only mislead.
    expect_header(probe, check, exchange, "Access-Control-Allow-Credentials", None)?;
    let varies = exchange.header_items("vary").iter().any(|item| item.eq_ignore_ascii_case("Origin"));
    probe.ensure(
        !varies,
        check,
        exchange,
        "no Vary: Origin (the answer is the same for every origin)",
        format!("Vary: {}", exchange.header("vary").unwrap_or_default()),
    )
}

/// `name` is `wanted`, or absent when `wanted` is `None`.
fn expect_header(probe: &Probe, check: &str, exchange: &Exchange, name: &str, wanted: Option<&str>) -> CheckResult {
    let got = exchange.header(&name.to_ascii_lowercase());
    probe.ensure(
        got.as_deref() == wanted,
        check,
        exchange,
        format!("{name}: {}", wanted.unwrap_or("(none)")),
        format!("{name}: {}", got.as_deref().unwrap_or("(none)")),
    )
}

/// A preflight from an allowed origin: 204 with methods, headers and max age.
pub fn preflight_allowed(probe: &mut Probe) -> CheckResult {
    let check = "CORS preflight for an allowed origin";
    let origin = probe.expect.spec.cors.allow_origins.first().cloned().unwrap_or_default();
    let exchange = probe.send(check, preflight(probe, &origin))?;
    probe.expect_status(check, &exchange, 204)?;
    expect_cors_grant(probe, check, &exchange, &origin)?;
    for method in ["POST", "OPTIONS"] {
        expect_list_contains(probe, check, &exchange, "access-control-allow-methods", method)?;
    }
    for header in ["Content-Type", "Authorization"] {
        expect_list_contains(probe, check, &exchange, "access-control-allow-headers", header)?;
    }
    if let Some(max_age) = probe.expect.spec.cors.max_age {
        let got = exchange.header("access-control-max-age");
        probe.ensure(
            got.as_deref() == Some(max_age.to_string().as_str()),
            check,
            &exchange,
            format!("Access-Control-Max-Age: {max_age}"),
            format!("Access-Control-Max-Age: {}", got.as_deref().unwrap_or("(none)")),
        )?;
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// A preflight from a refused origin still answers 204, but grants nothing.
pub fn preflight_refused(probe: &mut Probe) -> CheckResult {
    let check = "CORS preflight for a refused origin";
    let exchange = probe.send(check, preflight(probe, REFUSED_ORIGIN))?;
    probe.expect_status(check, &exchange, 204)?;
    expect_no_cors_headers(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
}

fn preflight(probe: &Probe, origin: &str) -> Request {
    Request::new("OPTIONS", probe.url("/api/control"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, authorization")
}

/// The exact origin echoed (never `*`, which browsers refuse with credentials), credentials allowed,
/// and `Vary: Origin` so caches keep the answers for different origins apart.
pub fn expect_cors_grant(probe: &Probe, check: &str, exchange: &Exchange, origin: &str) -> CheckResult {
    expect_header(probe, check, exchange, "Access-Control-Allow-Origin", Some(origin))?;
    expect_header(probe, check, exchange, "Access-Control-Allow-Credentials", Some("true"))?;
    expect_list_contains(probe, check, exchange, "vary", "Origin")
}

pub fn expect_no_cors_headers(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult {
    let granted = exchange.headers_starting_with("access-control-");
    probe.ensure(granted.is_empty(), check, exchange, "no Access-Control-* headers", format!("{granted:?}"))
}

/// An answer carrying no header the spec exposes lists none in `Access-Control-Expose-Headers`.
pub fn expect_nothing_exposed(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult {
    let exposed = exchange.header("access-control-expose-headers");
    probe.ensure(
        exposed.is_none(),
        check,
        exchange,
        "no Access-Control-Expose-Headers (the answer carries no exposed header)",
        format!("Access-Control-Expose-Headers: {}", exposed.unwrap_or_default()),
    )
}

/// A comma-separated header lists `item` (header names and methods compare case-insensitively).
pub fn expect_list_contains(probe: &Probe, check: &str, exchange: &Exchange, header: &str, item: &str) -> CheckResult {
    let items = exchange.header_items(header);
    probe.ensure(
        items.iter().any(|got| got.eq_ignore_ascii_case(item)),
        check,
        exchange,
        format!("{header} containing {item}"),
        format!("{header}: {}", exchange.header(header).unwrap_or_else(|| "(none)".into())),
    )
}
