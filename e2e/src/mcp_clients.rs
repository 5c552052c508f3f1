//! Real MCP clients that nobody here wrote, run against the worker: the official Python SDK (through
//! `e2e/mcp/sdk_client.py`) and the MCP Inspector's CLI (`@modelcontextprotocol/inspector`, from the pinned
//! Node tools, run on their Node 22).

use std::process::{Command, Output};

use serde_json::Value;

use crate::dev_server::path_with_node_tools_first;
use crate::paths::{node_bin_dir, repo_root};

/// What a client run printed, and whether it succeeded.
pub struct ClientRun {
    pub success: bool,
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl ClientRun {
    fn from(output: Output) -> Self {
        ClientRun {
            success: output.status.success(),
            exit_code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Stdout as JSON (the Inspector prints one JSON document).
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_str(self.stdout.trim()).map_err(|e| format!("not JSON ({e}): {}", self.stdout.trim()))
    }
}

/// Runs the Python SDK client: every check it makes is printed as an `ok`/`FAIL` line.
pub fn python_sdk(mcp_url: &str, token: &str, tools: &[&str], widget: &str) -> Result<ClientRun, String> {
    let script = repo_root().join("e2e/mcp/sdk_client.py");
    let output = Command::new("python3")
        .arg(script)
        .args(["--url", mcp_url, "--token", token, "--tools", &tools.join(","), "--widget", widget])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    Ok(ClientRun::from(output))
}

/// Runs one Inspector CLI method against `mcp_url`, e.g. `["--method", "tools/list"]`. Stdin is closed, so
/// an authentication challenge fails the run instead of waiting for someone to sign in.
pub fn inspector(mcp_url: &str, arguments: &[&str]) -> Result<ClientRun, String> {
    let output = Command::new(node_bin_dir().join("mcp-inspector"))
        .current_dir(repo_root())
        .env("PATH", path_with_node_tools_first())
        .args(["--cli", mcp_url, "--transport", "http"])
        .args(arguments)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run the MCP Inspector (scripts/setup installs it): {e}"))?;
    Ok(ClientRun::from(output))
}
