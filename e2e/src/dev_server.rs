//! Runs the worker locally with `wrangler dev` for the end-to-end tests.
//!
//! wrangler is started in its own process group because it spawns workerd (and, through the `[build]`
//! section, worker-build and cargo); stopping only wrangler would leave those running and holding ports.
//! Dropping a [`DevServer`] ends the whole group: SIGTERM, a grace period, then SIGKILL; if the test
//! process dies without dropping it, the kernel sends wrangler SIGTERM (PR_SET_PDEATHSIG).
//!
//! Each run gets free ports, its own `--persist-to` state and secrets file under `target/e2e-state/`
//! (removed on drop) and its own log under `target/e2e-logs/` (kept).
//!
//! [`DevServer::restart`] stops the local runtime and starts it again on the same port and the same
//! persisted state, as a developer stopping and restarting `wrangler dev` would.

use std::fmt;
use std::fs::{self, File};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::dev_secrets::DevSecrets;
use crate::http::HttpClient;
use crate::log_scan::{self, LogProblem, ProblemKind};
use crate::paths;

/// The first start runs a full release build of the worker to wasm, which takes many minutes.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How long wrangler gets to stop workerd and exit after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(10);
const PROGRESS_EVERY: Duration = Duration::from_secs(20);
const POLL_EVERY: Duration = Duration::from_millis(500);
/// Starts tried before giving up when another process takes wrangler's port first (see `start_with`).
const PORT_ATTEMPTS: u32 = 3;

/// What to run: which wrangler configuration, and how long to wait for it to answer.
#[derive(Debug, Clone)]
pub struct DevServerOptions {
    pub config: PathBuf,
    pub startup_timeout: Duration,
    /// Names of the secrets that get placeholder values (see [`DevSecrets`]).
    pub secret_names: Vec<String>,
}

impl DevServerOptions {
    /// The generated configuration and the secrets the spec declares.
    ///
    /// `E2E_WRANGLER_CONFIG` replaces the configuration path, to run the harness against another worker.
    pub fn for_repo() -> Result<DevServerOptions, String> {
        let spec = crate::spec::Spec::load_repo()?;
        let config = std::env::var_os("E2E_WRANGLER_CONFIG").map(PathBuf::from).unwrap_or_else(paths::wrangler_config);
        Ok(DevServerOptions { config, startup_timeout: DEFAULT_STARTUP_TIMEOUT, secret_names: spec.secret_names() })
    }
}

/// Why the dev server could not be started.
#[derive(Debug, Clone)]
pub struct StartError(pub String);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// A running `wrangler dev`, stopped with its whole process group on drop.
pub struct DevServer {
    /// The current wrangler process; a restart replaces it. Behind a lock so the server can be restarted
    /// through a shared reference, as the end-to-end steps hold it.
    process: Mutex<Running>,
    launch: Launch,
    base_url: String,
    log_path: PathBuf,
    run_dir: PathBuf,
    secrets: DevSecrets,
}

/// One wrangler process, and where its part of the log starts.
struct Running {
    child: Child,
    /// The log's length when this process started: startup failures are looked for after it only.
    log_offset: u64,
}

/// How wrangler is started, kept so a restart runs it exactly as the first start did.
struct Launch {
    wrangler: PathBuf,
    config: PathBuf,
    config_dir: PathBuf,
    port: u16,
    inspector_port: u16,
    state_dir: PathBuf,
    env_file: PathBuf,
    startup_timeout: Duration,
}

impl DevServer {
    /// Starts the repository's worker (see [`DevServerOptions::for_repo`]).
    pub fn start() -> Result<DevServer, StartError> {
        DevServer::start_with(DevServerOptions::for_repo().map_err(StartError)?)
    }

    /// The ports are free when picked, but wrangler binds them only after the worker build, a minute
    /// later; meanwhile another process (the runtime's own listeners) can take one. A start that fails
    /// that way is tried again on new ports.
    pub fn start_with(options: DevServerOptions) -> Result<DevServer, StartError> {
        let mut attempt = 1;
        loop {
            match DevServer::start_once(&options) {
                Err(failed) if failed.port_taken && attempt < PORT_ATTEMPTS => {
                    eprintln!(
                        "[e2e] {}\n[e2e] a port was taken before wrangler bound it; starting again",
                        failed.error
                    );
                    attempt += 1;
                }
                result => return result.map_err(|failed| failed.error),
            }
        }
    }

    fn start_once(options: &DevServerOptions) -> Result<DevServer, FailedStart> {
        let server = DevServer::launch(options).map_err(|error| FailedStart { error, port_taken: false })?;
        let answering = server.wait_until_answering(&mut server.process());
        match answering {
            Ok(()) => Ok(server),
            Err(error) => Err(FailedStart { error, port_taken: server.log_text().contains("Address already in use") }),
        }
    }

    /// Spawns wrangler on two free ports; the server may not answer yet.
    fn launch(options: &DevServerOptions) -> Result<DevServer, StartError> {
        let root = paths::repo_root();
        if !options.config.is_file() {
            return Err(StartError(format!(
                "no wrangler configuration at {}: run the generator first (cargo run -p codegen -- generate)",
                options.config.display()
            )));
        }
        // Absolute, since wrangler runs in the config's directory (see `Launch::spawn`).
        let config = options.config.canonicalize().map_err(|e| io_error("resolve", &options.config, e))?;
        let wrangler = paths::node_bin_dir().join("wrangler");
        if !wrangler.is_file() {
            return Err(StartError(format!("{} is missing: run scripts/setup (npm ci)", wrangler.display())));
        }

        let run_name = unique_run_name();
        let run_dir = paths::state_dir().join(&run_name);
        let logs_dir = paths::logs_dir();
        fs::create_dir_all(&logs_dir).map_err(|e| io_error("create", &logs_dir, e))?;
        let log_path = logs_dir.join(format!("{run_name}.log"));
        let secrets = DevSecrets::for_names(&options.secret_names);
        let env_file = secrets.write_env_file(&run_dir).map_err(|e| io_error("write secrets into", &run_dir, e))?;
        let (port, inspector_port) = two_free_ports().map_err(|e| StartError(format!("no free local port: {e}")))?;
        let config_dir = config.parent().map(Path::to_path_buf).unwrap_or(root);
        let launch = Launch {
            wrangler,
            config,
            config_dir,
            port,
            inspector_port,
            state_dir: run_dir.join("state"),
            env_file,
            startup_timeout: options.startup_timeout,
        };

        let log = File::create(&log_path).map_err(|e| io_error("create", &log_path, e))?;
        let child = launch.spawn(log, &secrets)?;
        let server = DevServer {
            process: Mutex::new(Running { child, log_offset: 0 }),
            launch,
            base_url: format!("http://127.0.0.1:{port}"),
            log_path,
            run_dir,
            secrets,
        };
        eprintln!("[e2e] wrangler dev starting at {} (log: {})", server.base_url, server.log_path.display());
        Ok(server)
    }

    /// Stops wrangler and every process it started, then starts it again on the same port with the same
    /// persisted state and secrets; returns once the worker answers again. The new process appends to
    /// the same log.
    pub fn restart(&self) -> Result<(), StartError> {
        let mut process = self.process();
        stop_group(&mut process.child);
        let log_offset = fs::metadata(&self.log_path).map(|metadata| metadata.len()).unwrap_or(0);
        let log = File::options().append(true).open(&self.log_path).map_err(|e| io_error("open", &self.log_path, e))?;
        process.child = self.launch.spawn(log, &self.secrets)?;
        process.log_offset = log_offset;
        eprintln!("[e2e] wrangler dev restarting at {} on the same state", self.base_url);
        self.wait_until_answering(&mut process)
    }

    /// The process id of the current wrangler process; a restart changes it.
    pub fn process_id(&self) -> u32 {
        self.process().child.id()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The placeholder secrets the server was given; no response may contain their values.
    pub fn secrets(&self) -> &DevSecrets {
        &self.secrets
    }

    /// Everything wrangler and workerd printed so far.
    pub fn log_text(&self) -> String {
        self.log_text_from(0)
    }

    /// What was printed after the first `offset` bytes of the log.
    fn log_text_from(&self, offset: u64) -> String {
        let bytes = fs::read(&self.log_path).unwrap_or_default();
        let rest = bytes.get(offset as usize..).unwrap_or_default();
        String::from_utf8_lossy(rest).into_owned()
    }

    /// Uncaught exceptions, panics, wasm traps and `✘ [ERROR]` lines in the log so far.
    pub fn log_problems(&self) -> Vec<LogProblem> {
        log_scan::find_problems(&self.log_text())
    }

    /// Panics, listing each problem with its log excerpt, when the runtime log shows a failure.
    pub fn assert_clean_log(&self) {
        let problems = self.log_problems();
        if !problems.is_empty() {
            let listing: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!(
                "expected a clean runtime log, found {} problem(s) in {}:\n\n{}",
                problems.len(),
                self.log_path.display(),
                listing.join("\n\n")
            );
        }
    }

    /// Polls `GET /api/health` until the worker answers at all; the checks judge the answer itself.
    fn wait_until_answering(&self, process: &mut Running) -> Result<(), StartError> {
        let timeout = self.launch.startup_timeout;
        let probe = HttpClient::with_timeout(Duration::from_secs(10));
        let health_url = format!("{}/api/health", self.base_url);
        let started = Instant::now();
        let mut last_progress = Instant::now();
        loop {
            // The health route always answers JSON; anything else on the port is not this worker.
            let answer = probe.get(&health_url).ok();
            if let Some(exchange) =
                answer.filter(|exchange| serde_json::from_str::<serde_json::Value>(&exchange.body).is_ok())
            {
                eprintln!(
                    "[e2e] wrangler dev answered after {}s (GET /api/health → {})",
                    started.elapsed().as_secs(),
                    exchange.status
                );
                return Ok(());
            }
            // Check for failure before the next probe: a failed build never starts answering.
            self.fail_if_stopped_or_broken(process)?;
            if started.elapsed() > timeout {
                return Err(self.start_error(&format!(
                    "wrangler dev did not answer GET {health_url} within {}s",
                    timeout.as_secs()
                )));
            }
            if last_progress.elapsed() >= PROGRESS_EVERY {
                last_progress = Instant::now();
                let log = self.log_text();
                let last_line = log.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("(log is empty)");
                eprintln!(
                    "[e2e] waiting for wrangler dev ({}s elapsed; each start runs the worker build); last log line: {}",
                    started.elapsed().as_secs(),
                    log_scan::strip_ansi(last_line).trim()
                );
            }
            std::thread::sleep(POLL_EVERY);
        }
    }

    fn fail_if_stopped_or_broken(&self, process: &mut Running) -> Result<(), StartError> {
        if let Ok(Some(status)) = process.child.try_wait() {
            return Err(self.start_error(&format!("wrangler dev exited ({status}) before answering")));
        }
        // A failed custom build or a broken configuration is reported as `✘ [ERROR]` while wrangler keeps
        // running and waiting for file changes, so it is treated as fatal during startup. Only this
        // process's part of the log counts: an earlier run's problems are the clean-log check's business.
        let problems = log_scan::find_problems(&self.log_text_from(process.log_offset));
        if let Some(problem) = problems.into_iter().find(|p| p.kind == ProblemKind::WranglerError) {
            return Err(self.start_error(&format!("wrangler reported an error while starting: {}", problem.excerpt)));
        }
        Ok(())
    }

    fn start_error(&self, what: &str) -> StartError {
        let log = log_scan::strip_ansi(&self.log_text());
        let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
        // A failed `[build]` command is the usual cause; its output scrolls out of the tail quickly.
        let build_output: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|line| {
                line.starts_with("[custom build]") && !line.trim_start_matches("[custom build]").trim().is_empty()
            })
            .collect();
        let tail: Vec<&str> = lines.iter().copied().filter(|line| !line.starts_with("Metrics dispatcher")).collect();
        let mut message = format!("{what} (full log: {})", self.log_path.display());
        if !build_output.is_empty() {
            let start = build_output.len().saturating_sub(30);
            message.push_str(&format!("\n--- build output ---\n{}", build_output[start..].join("\n")));
        }
        let start = tail.len().saturating_sub(25);
        message.push_str(&format!("\n--- last log lines ---\n{}", tail[start..].join("\n")));
        StartError(message)
    }

    fn process(&self) -> MutexGuard<'_, Running> {
        // A step that panicked while holding the lock left a usable process (or a stopped one) behind.
        self.process.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A start that failed, and whether because a port was taken.
struct FailedStart {
    error: StartError,
    port_taken: bool,
}

impl Launch {
    /// Starts `wrangler dev` in its own process group, writing stdout and stderr to `log`.
    fn spawn(&self, log: File, secrets: &DevSecrets) -> Result<Child, StartError> {
        let log_for_stderr = log.try_clone().map_err(|e| StartError(format!("cannot reopen the log: {e}")))?;
        // wrangler resolves `main`, `assets` and `watch_dir` against the config file but runs the
        // `[build]` command in `build.cwd` taken relative to its own working directory (wrangler 4.164,
        // normalizeAndValidateBuild), so it must run in the config's directory.
        let mut command = Command::new(&self.wrangler);
        command
            .current_dir(&self.config_dir)
            .arg("dev")
            .arg("--config")
            .arg(&self.config)
            .args(["--ip", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--inspector-port", &self.inspector_port.to_string()])
            .arg("--persist-to")
            .arg(&self.state_dir)
            .arg("--env-file")
            .arg(&self.env_file)
            .args(["--log-level", "debug", "--show-interactive-dev-session=false"])
            .env("PATH", path_with_node_tools_first())
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            // wrangler's own debug log files go next to ours instead of ~/.config/.wrangler/logs.
            .env("WRANGLER_LOG_PATH", paths::logs_dir())
            .envs(offline_build_tools())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_for_stderr)
            .process_group(0);
        // A value in the caller's environment must not shadow the placeholder of the same name.
        for name in secrets.names() {
            command.env_remove(name);
        }
        // If the test process dies without running Drop (e.g. killed), wrangler still gets SIGTERM and
        // stops workerd. prctl is async-signal-safe, as pre_exec requires.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        command.spawn().map_err(|e| StartError(format!("cannot start {}: {e}", self.wrangler.display())))
    }
}

/// Ends a process group led by `leader`: SIGTERM, a grace period, then SIGKILL.
fn stop_group(leader: &mut Child) {
    let group = leader.id() as libc::pid_t;
    unsafe { libc::kill(-group, libc::SIGTERM) };
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline && group_has_members(leader, group) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if group_has_members(leader, group) {
        eprintln!("[e2e] wrangler dev did not stop within {}s; killing its process group", STOP_GRACE.as_secs());
        unsafe { libc::kill(-group, libc::SIGKILL) };
    }
    let _ = leader.wait();
}

impl Drop for DevServer {
    fn drop(&mut self) {
        stop_group(&mut self.process.get_mut().unwrap_or_else(PoisonError::into_inner).child);
        // The state is only useful while the server runs; the log is kept for reading afterwards.
        let _ = fs::remove_dir_all(&self.run_dir);
    }
}

/// True while any process of the group is alive (the leader is reaped first so it does not linger as a
/// zombie that still counts as a member).
fn group_has_members(leader: &mut Child, group: libc::pid_t) -> bool {
    let _ = leader.try_wait();
    unsafe { libc::kill(-group, 0) == 0 }
}

/// worker-build downloads wasm-bindgen, esbuild and wasm-opt unless told where they are; this machine is
/// offline, so point it at the pinned copies (scripts/setup installs them) unless the caller already did.
fn offline_build_tools() -> Vec<(&'static str, std::ffi::OsString)> {
    let node_modules = paths::repo_root().join("node_modules");
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default()
        .join("bin");
    [
        ("WASM_BINDGEN_BIN", cargo_bin.join("wasm-bindgen")),
        ("ESBUILD_BIN", node_modules.join("@esbuild/linux-x64/bin/esbuild")),
        ("WASM_OPT_BIN", node_modules.join(".bin/wasm-opt")),
    ]
    .into_iter()
    .filter(|(name, path)| std::env::var_os(name).is_none() && path.exists())
    .map(|(name, path)| (name, path.into_os_string()))
    .collect()
}

/// Two distinct free ports, both held until both are chosen.
fn two_free_ports() -> std::io::Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

/// `<repo>/node_modules/.bin` first: wrangler's `#!/usr/bin/env node` must find Node 22, not the system's.
pub fn path_with_node_tools_first() -> std::ffi::OsString {
    let mut entries = vec![paths::node_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        entries.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(entries).expect("PATH entries contain no separator")
}

fn unique_run_name() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    format!("wrangler-dev-{seconds}-{}", std::process::id())
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> StartError {
    StartError(format!("cannot {action} {}: {error}", path.display()))
}
