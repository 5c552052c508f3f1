//! Smoke checks against a running dashboard worker.
//!
//! ```text
//! cargo run -p e2e --bin smoke -- <BASE_URL> [--env dev|staging|production] [--read-only]
//!     [--openapi-file PATH] [--token TOKEN]
//! ```
//!
//! Prints one line per passed check and exits with status 1 at the first wrong answer (2 for bad usage).
//! Without `--token` the routes that need scopes are only checked to refuse anonymous requests with 401;
//! with an access token that holds every scope (from the environment's authorization server, or the one
//! `cargo run -p e2e --bin auth_server` prints for dev) they are checked in full.

use std::path::PathBuf;
use std::process::ExitCode;

use e2e::checks::{run_smoke_reporting, Expectations};
use e2e::openapi::OpenApiSource;

const USAGE: &str = "usage: smoke <BASE_URL> [--env dev|staging|production] [--read-only] [--openapi-file PATH]
             [--token TOKEN]

Checks every route of spec/dashboard.yaml against BASE_URL and stops at the first wrong answer.
  --env           environment the server serves (default: dev); sets the expected health and origin
  --read-only     send nothing that changes state (use for production)
  --openapi-file  validate against this OpenAPI file, which the served one must equal; by default the
                  generated file for a loopback URL, else the server's own /openapi.json
  --token         an access token with every scope, sent as `Authorization: Bearer`; without one the
                  routes that need scopes are only checked to answer 401 (SMOKE_TOKEN works too)";

#[derive(Debug)]
struct Arguments {
    base_url: String,
    environment: String,
    read_only: bool,
    openapi_file: Option<PathBuf>,
    token: Option<String>,
}

fn parse_arguments(mut args: impl Iterator<Item = String>) -> Result<Arguments, String> {
    let mut base_url = None;
    let mut environment = "dev".to_string();
    let mut read_only = false;
    let mut openapi_file = None;
    let mut token = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--env" => environment = args.next().ok_or("--env needs a value")?,
            "--read-only" => read_only = true,
            "--openapi-file" => openapi_file = Some(PathBuf::from(args.next().ok_or("--openapi-file needs a path")?)),
            "--token" => token = Some(args.next().ok_or("--token needs a value")?),
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            url if base_url.is_none() => base_url = Some(url.trim_end_matches('/').to_string()),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    let base_url = base_url.ok_or("the base URL is missing")?;
    if !base_url.starts_with("http://") && !base_url.starts_with("https://") {
        return Err(format!("the base URL must start with http:// or https://, got {base_url}"));
    }
    if !["dev", "staging", "production"].contains(&environment.as_str()) {
        return Err(format!("--env must be dev, staging or production, got {environment}"));
    }
    if token.as_deref().is_some_and(|token| token.trim().is_empty()) {
        return Err("--token is empty".to_string());
    }
    Ok(Arguments { base_url, environment, read_only, openapi_file, token })
}

/// A server on this machine was built from this checkout, so it must serve the generated document.
fn is_loopback(base_url: &str) -> bool {
    let authority = base_url.split("://").nth(1).unwrap_or_default().split('/').next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(host, _)| host);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

fn main() -> ExitCode {
    let arguments = match parse_arguments(std::env::args().skip(1)) {
        Ok(arguments) => arguments,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("smoke: {problem}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let openapi = match arguments.openapi_file {
        Some(path) => OpenApiSource::File(path),
        None if is_loopback(&arguments.base_url) => OpenApiSource::File(e2e::paths::openapi_file()),
        None => OpenApiSource::Served,
    };
    // A token in the environment stays out of the shell history and the process list.
    let token = arguments.token.or_else(|| std::env::var("SMOKE_TOKEN").ok().filter(|t| !t.trim().is_empty()));
    let expect = match Expectations::for_environment(&arguments.environment, arguments.read_only, openapi) {
        Ok(expect) => Expectations { bearer_token: token, ..expect },
        Err(problem) => {
            eprintln!("smoke: {problem}");
            return ExitCode::from(2);
        }
    };
    println!(
        "smoke: checking {} as {}{}{}",
        arguments.base_url,
        arguments.environment,
        if arguments.read_only { " (read-only)" } else { "" },
        if expect.bearer_token.is_none() { " without a token: routes with scopes must refuse" } else { "" }
    );
    let mut passed = 0usize;
    let result = run_smoke_reporting(&arguments.base_url, &expect, |outcome| {
        passed += 1;
        println!("{outcome}");
    });
    match result {
        Ok(_) => {
            println!("smoke: {passed} passed, 0 failed");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("\n{failure}");
            println!("smoke: {passed} passed, 1 failed");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Arguments, String> {
        parse_arguments(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn arguments_default_to_dev_with_writes() {
        let arguments = parse(&["http://127.0.0.1:8787/"]).unwrap();
        assert_eq!(arguments.base_url, "http://127.0.0.1:8787");
        assert_eq!(arguments.environment, "dev");
        assert!(!arguments.read_only);
        assert_eq!(arguments.token, None);
    }

    #[test]
    fn a_token_is_taken_as_given() {
        let arguments = parse(&["https://dashboard.cortexdx.io", "--token", "eyJ.a.b", "--read-only"]).unwrap();
        assert_eq!(arguments.token.as_deref(), Some("eyJ.a.b"));
        assert!(parse(&["https://dashboard.cortexdx.io", "--token"]).is_err());
        assert!(parse(&["https://dashboard.cortexdx.io", "--token", " "]).is_err());
    }

    #[test]
    fn production_read_only() {
        let arguments = parse(&["https://dashboard.cortexdx.io", "--env", "production", "--read-only"]).unwrap();
        assert_eq!(arguments.environment, "production");
        assert!(arguments.read_only);
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["dashboard.cortexdx.io"]).is_err());
        assert!(parse(&["http://x", "--env", "qa"]).is_err());
        assert!(parse(&["http://x", "--bogus"]).is_err());
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:8787"));
        assert!(is_loopback("http://localhost:8787/"));
        assert!(!is_loopback("https://dashboard.cortexdx.io"));
    }
}
