//! The MCP server test flows run against: `e2e/mcp/test_server.py`, built on the official Python SDK and
//! served over Streamable HTTP on a free loopback port (see that script for its endpoints).
//!
//! `scripts/setup` installs the pinned SDK. The server's own log goes to `target/e2e-logs/`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the server may take to start (Python imports the SDK first).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long each request to the `/slow` endpoint is held.
pub const SLOW_SECONDS: u64 = 3;

/// A running test server; dropping it stops the process.
pub struct McpTestServer {
    child: Child,
    base_url: String,
    log_path: PathBuf,
}

impl McpTestServer {
    /// Starts the server and waits until it accepts connections.
    pub fn start() -> Result<McpTestServer, String> {
        let script = crate::paths::repo_root().join("e2e").join("mcp").join("test_server.py");
        let logs = crate::paths::logs_dir();
        std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
        let log_path = logs.join("mcp-test-server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--slow-seconds", &SLOW_SECONDS.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run python3 {} ({e})", script.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout from the MCP test server")?;
        // The first line names the address; reading it on a thread lets the wait time out.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let mut server = McpTestServer { child, base_url: String::new(), log_path };
        let line = receiver.recv_timeout(START_TIMEOUT).unwrap_or_default();
        match line.trim().strip_prefix("listening on ") {
            Some(url) => {
                server.base_url = url.to_string();
                Ok(server)
            }
            None => Err(format!(
                "the MCP test server did not start within {}s (is the `mcp` package installed? run scripts/setup); \
                 its log: {}",
                START_TIMEOUT.as_secs(),
                server.log_path.display()
            )),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The endpoint that answers with event streams.
    pub fn sse_endpoint(&self) -> String {
        format!("{}/mcp", self.base_url)
    }

    /// The endpoint that answers with plain JSON.
    pub fn json_endpoint(&self) -> String {
        format!("{}/json/mcp", self.base_url)
    }

    /// The endpoint that holds every request for [`SLOW_SECONDS`].
    pub fn slow_endpoint(&self) -> String {
        format!("{}/slow/mcp", self.base_url)
    }

    /// How many sessions clients have ended with an HTTP DELETE so far, as the SDK logs it.
    pub fn ended_sessions(&self) -> usize {
        std::fs::read_to_string(&self.log_path).unwrap_or_default().matches("Terminating session").count()
    }

    /// The endpoint that never answers.
    pub fn hanging_endpoint(&self) -> String {
        format!("{}/hang/mcp", self.base_url)
    }
}

impl Drop for McpTestServer {
    fn drop(&mut self) {
        // Only this process was started (no shell in between), so stopping it stops the server.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
