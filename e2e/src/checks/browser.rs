//! The dashboard in a real browser: runs `e2e/ui/dashboard.mjs`, which drives Debian's Chromium through
//! `playwright-core`, against a running server, and turns a failed run into a [`CheckFailure`] carrying
//! the script's output.
//!
//! The script runs in its own process group so a timeout can end Node and the browser it started
//! together.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{failure, CheckFailure, CheckResult};
use crate::paths;

/// Where scripts/setup installs Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Starting the browser, signing in and waiting for live updates takes seconds; a hung browser must
/// not hang the run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

/// Files the end-to-end run leaves for people to look at: screenshots and the browser script's output.
pub fn artifacts_dir() -> PathBuf {
    paths::target_dir().join("e2e-artifacts")
}

/// What the browser script needs to know.
pub struct DashboardRun<'a> {
    /// Where this run's server listens, e.g. `http://127.0.0.1:41234`.
    pub base_url: &'a str,
    /// The environment's public origin (`http://localhost:8787` for dev): the browser opens the
    /// dashboard there, because sign-in redirects back to it; the script maps it to `base_url`.
    pub origin: &'a str,
    /// An access token with every scope, for the requests the script makes outside the page.
    pub token: &'a str,
    /// The session cookie's name, from the spec.
    pub session_cookie: &'a str,
    /// Where the screenshot of the signed-in dashboard goes.
    pub screenshot: &'a Path,
}

/// Runs the dashboard script; returns its output when it passes.
pub fn run_dashboard_script(run: &DashboardRun) -> CheckResult<String> {
    let screenshot = run.screenshot.display().to_string();
    let settings = [
        ("E2E_BASE_URL", run.base_url),
        ("E2E_ORIGIN", run.origin),
        ("E2E_TOKEN", run.token),
        ("E2E_SESSION_COOKIE", run.session_cookie),
        ("E2E_SCREENSHOT", screenshot.as_str()),
    ];
    run_browser_script("the dashboard in Chromium", "dashboard", &settings)
}

/// Runs `e2e/ui/<name>.mjs` with `settings` as environment variables (and `E2E_CHROMIUM`); its output
/// goes to `<artifacts>/<name>.log` and is returned when it passes.
pub fn run_browser_script(check: &str, name: &str, settings: &[(&str, &str)]) -> CheckResult<String> {
    let script = paths::repo_root().join("e2e").join("ui").join(format!("{name}.mjs"));
    let node = paths::node_bin_dir().join("node");
    let fail = |expected: &str, got: String, output: &str| {
        failure(check, "node", &script.display().to_string(), expected, got, output)
    };
    for (path, remedy) in
        [(Path::new(CHROMIUM), "scripts/setup installs it"), (node.as_path(), "run scripts/setup (npm ci)")]
    {
        if !path.is_file() {
            return Err(fail("an installed browser and Node", format!("{} is missing: {remedy}", path.display()), ""));
        }
    }
    let artifacts = artifacts_dir();
    fs::create_dir_all(&artifacts)
        .map_err(|e| fail("a folder for artifacts", format!("{}: {e}", artifacts.display()), ""))?;
    let output_path = artifacts.join(format!("{name}.log"));
    let output = File::create(&output_path)
        .map_err(|e| fail("an output file", format!("{}: {e}", output_path.display()), ""))?;
    let output_for_stderr = output.try_clone().map_err(|e| fail("an output file", e.to_string(), ""))?;

    let mut command = Command::new(&node);
    command
        .arg(&script)
        .current_dir(paths::repo_root())
        .envs(settings.iter().copied())
        .env("E2E_CHROMIUM", CHROMIUM)
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(output_for_stderr)
        .process_group(0);
    // If the test process dies, Node gets SIGTERM and Playwright closes the browser.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| fail("the script to start", e.to_string(), ""))?;
    let deadline = Instant::now() + SCRIPT_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            _ => break None,
        }
    };
    let Some(status) = status else {
        // Node and the browser it started share the group.
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
        let _ = child.wait();
        let still_running = format!("still running after {}s", SCRIPT_TIMEOUT.as_secs());
        return Err(with_output(fail("the script to finish", still_running, ""), &output_path));
    };
    if !status.success() {
        return Err(with_output(fail("exit status 0", status.to_string(), ""), &output_path));
    }
    Ok(fs::read_to_string(&output_path).unwrap_or_default())
}

/// A PNG's width and height from its header; `None` when the bytes are no PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || !bytes.starts_with(SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((number(16), number(20)))
}

/// A failure showing the end of the script's output, where the script reports what went wrong (a body
/// excerpt would keep the start instead).
fn with_output(failure: CheckFailure, output_path: &Path) -> CheckFailure {
    let text = fs::read_to_string(output_path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    CheckFailure { body_excerpt: format!("(output in {})\n{tail}", output_path.display()), ..failure }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_headers_give_the_size() {
        let mut header = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        header.extend(1280u32.to_be_bytes());
        header.extend(720u32.to_be_bytes());
        assert_eq!(png_size(&header), Some((1280, 720)));
        assert_eq!(png_size(b"GIF89a not a png at all, really"), None);
    }
}
