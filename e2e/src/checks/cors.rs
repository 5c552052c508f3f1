//! CORS: the spec's origins get credentialed CORS headers, every other origin gets none.

use super::{CheckResult, Probe};
use crate::http::{Exchange, Request};

/// An origin that is not in the spec's allow list.
pub const REFUSED_ORIGIN: &str = "https://evil.example";

/// Every allowed origin is echoed exactly, with credentials and `Vary: Origin`. An answer that carries no
/// header the spec exposes (health) lists none in `Access-Control-Expose-Headers`.
pub fn allowed_origins(probe: &mut Probe) -> CheckResult {
    let origins = probe.expect.spec.cors.allow_origins.clone();
    for origin in origins {
        let check = format!("CORS allows {origin}");
        let exchange = probe.send(&check, Request::new("GET", probe.url("/api/health")).header("Origin", &origin))?;
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
    let exchange = probe.send(check, Request::new("GET", probe.url("/api/health")).header("Origin", REFUSED_ORIGIN))?;
    probe.expect_status(check, &exchange, 200)?;
    expect_no_cors_headers(probe, check, &exchange)?;
    probe.pass(check, &exchange);
    Ok(())
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
    let allow_origin = exchange.header("access-control-allow-origin");
    probe.ensure(
        allow_origin.as_deref() == Some(origin),
        check,
        exchange,
        format!("Access-Control-Allow-Origin: {origin}"),
        format!("Access-Control-Allow-Origin: {}", allow_origin.as_deref().unwrap_or("(none)")),
    )?;
    let credentials = exchange.header("access-control-allow-credentials");
    probe.ensure(
        credentials.as_deref() == Some("true"),
        check,
        exchange,
        "Access-Control-Allow-Credentials: true",
        format!("Access-Control-Allow-Credentials: {}", credentials.as_deref().unwrap_or("(none)")),
    )?;
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
