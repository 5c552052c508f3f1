//! Smoke checks against a running dashboard worker.
//!
//! ```text
//! cargo run -p e2e --bin smoke -- <BASE_URL> [--env dev|staging|production] [--read-only] [--openapi-file PATH]
//! ```
//!
//! Prints one line per passed check and exits with status 1 at the first wrong answer (2 for bad usage).

use std::path::PathBuf;
use std::process::ExitCode;

use e2e::checks::{run_smoke_reporting, Expectations};
use e2e::openapi::OpenApiSource;

const USAGE: &str = "usage: smoke <BASE_URL> [--env dev|staging|production] [--read-only] [--openapi-file PATH]

Checks every route of spec/dashboard.yaml against BASE_URL and stops at the first wrong answer.
  --env           environment the server serves (default: dev); sets the expected health and origin
  --read-only     send nothing that changes state (use for production)
  --openapi-file  validate against this OpenAPI file, which the served one must equal; by default the
                  generated file for a loopback URL, else the server's own /openapi.json";

#[derive(Debug)]
struct Arguments {
    base_url: String,
    environment: String,
    read_only: bool,
    openapi_file: Option<PathBuf>,
}

fn parse_arguments(mut args: impl Iterator<Item = String>) -> Result<Arguments, String> {
    let mut base_url = None;
    let mut environment = "dev".to_string();
    let mut read_only = false;
    let mut openapi_file = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--env" => environment = args.next().ok_or("--env needs a value")?,
            "--read-only" => read_only = true,
            "--openapi-file" => openapi_file = Some(PathBuf::from(args.next().ok_or("--openapi-file needs a path")?)),
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
    Ok(Arguments { base_url, environment, read_only, openapi_file })
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
    let expect = match Expectations::for_environment(&arguments.environment, arguments.read_only, openapi) {
        Ok(expect) => expect,
        Err(problem) => {
            eprintln!("smoke: {problem}");
            return ExitCode::from(2);
        }
    };
    println!(
        "smoke: checking {} as {}{}",
        arguments.base_url,
        arguments.environment,
        if arguments.read_only { " (read-only)" } else { "" }
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
