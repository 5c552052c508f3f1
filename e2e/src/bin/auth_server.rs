//! A loopback OAuth 2.1 authorization server for trying the worker's sign-in by hand.
//!
//! ```text
//! cargo run -p e2e --bin auth_server -- [--port 9876] [--client-id ID] [--client-secret SECRET]
//!     [--redirect-uri URI]... [--audience ORIGIN] [--scope SCOPE]...
//! ```
//!
//! The defaults match a local `wrangler dev` run by the e2e harness: the dev issuer's port, the spec's
//! dev client id with the e2e placeholder client secret, the dev origin's callback, and the spec's scopes.
//! It prints a token with every scope, for `smoke --token`. Runs until interrupted.

use std::process::ExitCode;

use e2e::auth_server::{AuthServer, AuthServerConfig, TokenSpec};
use e2e::dev_secrets::DevSecrets;

const USAGE: &str = "usage: auth_server [--port PORT] [--client-id ID] [--client-secret SECRET]
                   [--redirect-uri URI]... [--audience ORIGIN] [--scope SCOPE]...

Serves a test OAuth 2.1 authorization server on 127.0.0.1 that approves every valid request.
  --port           port to listen on (default: the dev issuer's, 9876; 0 picks a free one)
  --client-id      the registered client (default: the spec's dev client_id)
  --client-secret  its secret (default: the e2e placeholder of the spec's client secret)
  --redirect-uri   a registered redirect URI, repeatable (default: <dev origin>/auth/callback)
  --audience       the aud of issued tokens (default: the spec's dev origin)
  --scope          a supported scope, repeatable (default: the spec's scopes)";

#[derive(Debug, Default, PartialEq, Eq)]
struct Arguments {
    port: Option<u16>,
    client_id: Option<String>,
    client_secret: Option<String>,
    redirect_uris: Vec<String>,
    audience: Option<String>,
    scopes: Vec<String>,
}

fn parse_arguments(mut args: impl Iterator<Item = String>) -> Result<Arguments, String> {
    let mut arguments = Arguments::default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => {
                let port = value()?;
                arguments.port =
                    Some(port.parse().map_err(|_| format!("--port must be a number from 0 to 65535, got {port}"))?);
            }
            "--client-id" => arguments.client_id = Some(value()?),
            "--client-secret" => arguments.client_secret = Some(value()?),
            "--redirect-uri" => arguments.redirect_uris.push(value()?),
            "--audience" => arguments.audience = Some(value()?),
            "--scope" => arguments.scopes.push(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(arguments)
}

/// The repository's dev setup (the server the e2e tests start), with whatever the arguments replace.
fn config_from(arguments: Arguments) -> Result<AuthServerConfig, String> {
    let spec = e2e::spec::Spec::load_repo()?;
    let mut config = AuthServerConfig::for_dev_server(&DevSecrets::for_names(&spec.secret_names()))?;
    let mut client = config.clients.pop().ok_or("the dev setup registers no client")?;
    if let Some(port) = arguments.port {
        config.port = port;
    }
    if let Some(audience) = arguments.audience {
        config.audience = audience;
    }
    if !arguments.scopes.is_empty() {
        config.scopes_supported = arguments.scopes;
    }
    if !arguments.redirect_uris.is_empty() {
        client.redirect_uris = arguments.redirect_uris;
    }
    Ok(config.registered_client(
        arguments.client_id.unwrap_or(client.client_id),
        arguments.client_secret.unwrap_or(client.client_secret),
        client.redirect_uris,
    ))
}

fn main() -> ExitCode {
    let arguments = match parse_arguments(std::env::args().skip(1)) {
        Ok(arguments) => arguments,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("auth_server: {problem}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match config_from(arguments) {
        Ok(config) => config,
        Err(problem) => {
            eprintln!("auth_server: {problem}");
            return ExitCode::from(2);
        }
    };
    let server = match AuthServer::try_start(config) {
        Ok(server) => server,
        Err(problem) => {
            eprintln!("auth_server: {problem}");
            return ExitCode::FAILURE;
        }
    };
    println!("auth_server: metadata at {}", server.metadata_url());
    for client in &server.config().clients {
        println!("auth_server: client {} with redirect URIs {}", client.client_id, client.redirect_uris.join(", "));
    }
    println!(
        "auth_server: tokens for {} with scopes {}; Ctrl-C stops",
        server.config().audience,
        server.config().scopes_supported.join(" ")
    );
    let token = server.mint_token(&TokenSpec::for_scopes(server.config().scopes_supported.clone()));
    println!("auth_server: a token with every scope, valid for an hour (for `smoke --token`):\n{token}");
    // The server runs in its own thread until the process is interrupted.
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Arguments, String> {
        parse_arguments(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn defaults_follow_the_dev_setup() {
        let config = config_from(parse(&[]).unwrap()).unwrap();
        assert_eq!(config.port, 9876);
        assert_eq!(config.audience, "http://localhost:8787");
        let client = &config.clients[0];
        assert_eq!(client.client_id, "cortexdx-dashboard-dev");
        assert_eq!(client.client_secret, "e2e-dev-openai-client-secret-placeholder");
        assert_eq!(client.redirect_uris, vec!["http://localhost:8787/auth/callback"]);
    }

    #[test]
    fn arguments_replace_the_defaults() {
        let arguments = parse(&[
            "--port",
            "0",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--redirect-uri",
            "http://127.0.0.1:1/cb",
            "--redirect-uri",
            "http://127.0.0.1:2/cb",
            "--scope",
            "a",
        ])
        .unwrap();
        let config = config_from(arguments).unwrap();
        assert_eq!(config.port, 0);
        assert_eq!(config.clients[0].client_id, "id");
        assert_eq!(config.clients[0].redirect_uris.len(), 2);
        assert_eq!(config.scopes_supported, vec!["a"]);
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert_eq!(parse(&["--port"]).unwrap_err(), "--port needs a value");
        assert!(parse(&["--port", "99999"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
