//! Finds runtime failures in a `wrangler dev` log.
//!
//! A route can answer correctly while the worker still fails behind it (a panic in a `waitUntil` task, a
//! Durable Object that throws, an error logged and swallowed), so the end-to-end run also reads the log.
//! The patterns follow what wrangler 4 and workerd actually print:
//!
//! * an exception that escapes the worker: `[wrangler:error] Error: boom` at the default log level,
//!   `[wrangler-UserWorker:error] Error: boom` at `--log-level debug`; workerd itself and the browser-style
//!   console print `Uncaught Error: boom` / `Uncaught (in promise) ...`;
//! * `console.error` and wrangler's own errors: `✘ [ERROR] message` (coloured: ANSI codes sit between
//!   the cross and the brackets, so they are stripped first);
//! * a Rust panic, printed by `console_error_panic_hook`: `panicked at src/lib.rs:10:5:`;
//! * the wasm trap that follows a panic with `panic = "abort"`: `RuntimeError: unreachable`.
//!
//! One line is deliberately not a failure: at `--log-level debug` workerd traces every rejected promise
//! it sees as `uncaught exception; source = Uncaught (in promise); stack = ...`, including ones the worker
//! catches. A refused subrequest (the dev token endpoint is unreachable by design) prints it although the
//! worker handles the error and answers 502. Truly uncaught errors are printed again by wrangler as
//! `✘ [ERROR] Uncaught ...` or `[wrangler-UserWorker:error] ...`, which are matched.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// What kind of failure a log line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    UncaughtException,
    RustPanic,
    WasmTrap,
    WranglerError,
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProblemKind::UncaughtException => "uncaught exception",
            ProblemKind::RustPanic => "Rust panic",
            ProblemKind::WasmTrap => "wasm trap",
            ProblemKind::WranglerError => "wrangler error",
        })
    }
}

/// One failure found in the log, with the lines that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProblem {
    pub kind: ProblemKind,
    /// 1-based line number in the log.
    pub line_number: usize,
    /// The matching line and the few lines after it (stack trace, panic message), ANSI codes removed.
    pub excerpt: String,
}

impl fmt::Display for LogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at log line {}:\n{}", self.kind, self.line_number, self.excerpt)
    }
}

/// How many lines after a match are kept: enough for a panic message or the top of a stack trace.
const CONTEXT_LINES: usize = 3;

static ANSI_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").expect("valid ANSI pattern"));

/// workerd's debug trace of rejected promises, caught or not (see the module documentation).
static WORKERD_REJECTION_TRACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*uncaught exception; source = ").expect("valid trace pattern"));

/// Checked in order; the first kind that matches a line names it, so a line is reported once.
static PATTERNS: LazyLock<Vec<(ProblemKind, Regex)>> = LazyLock::new(|| {
    let pattern = |source: &str| Regex::new(source).expect("valid log pattern");
    vec![
        (ProblemKind::RustPanic, pattern(r"\bpanicked at\b")),
        (ProblemKind::WasmTrap, pattern(r"\bRuntimeError: unreachable\b")),
        // wrangler's structured runtime log: `[wrangler:error]`, `[wrangler-UserWorker:error]`, ...
        (ProblemKind::UncaughtException, pattern(r"^\s*\[wrangler(?:-[A-Za-z]+)?:error\]")),
        // workerd / V8 wording. Requires an error-like word after `Uncaught` so that prose such as
        // "uncaught exceptions are logged" in an ordinary log line does not count.
        (
            ProblemKind::UncaughtException,
            pattern(r"\bUncaught (?:\(in promise\)|exception\b|[A-Za-z]*(?:Error|Exception)\b)"),
        ),
        (ProblemKind::WranglerError, pattern(r"✘\s*\[ERROR\]")),
    ]
});

/// Removes terminal colour codes; wrangler colours `✘ [ERROR]` even when writing to a file.
pub fn strip_ansi(text: &str) -> String {
    ANSI_ESCAPE.replace_all(text, "").into_owned()
}

/// The failure kind a single line shows, if any.
pub fn classify_line(line: &str) -> Option<ProblemKind> {
    let line = strip_ansi(line);
    if WORKERD_REJECTION_TRACE.is_match(&line) {
        return None;
    }
    PATTERNS.iter().find(|(_, pattern)| pattern.is_match(&line)).map(|(kind, _)| *kind)
}

/// Every failure in a log, in log order.
pub fn find_problems(log: &str) -> Vec<LogProblem> {
    let lines: Vec<String> = log.lines().map(strip_ansi).collect();
    let mut problems = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(kind) = classify_line(&lines[index]) else {
            index += 1;
            continue;
        };
        let end = (index + 1 + CONTEXT_LINES).min(lines.len());
        problems.push(LogProblem { kind, line_number: index + 1, excerpt: lines[index..end].join("\n") });
        index += 1;
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncaught_exception_at_default_log_level_is_found() {
        let line = "[wrangler:error] Error: boom-thrown";
        assert_eq!(classify_line(line), Some(ProblemKind::UncaughtException));
    }

    #[test]
    fn uncaught_exception_at_debug_log_level_is_found() {
        let line = "[wrangler-UserWorker:error] TypeError: Cannot read properties of null (reading 'x')";
        assert_eq!(classify_line(line), Some(ProblemKind::UncaughtException));
    }

    #[test]
    fn unhandled_rejection_is_found() {
        // A rejected waitUntil promise, as wrangler 4.164 prints it (coloured), and as the inspector
        // dump at debug level quotes it.
        let coloured =
            "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mUncaught Error: boom-waituntil \x1b[0m";
        assert_eq!(classify_line(coloured), Some(ProblemKind::UncaughtException));
        assert_eq!(
            classify_line("      text: 'Uncaught Error: boom-waituntil',"),
            Some(ProblemKind::UncaughtException)
        );
        assert_eq!(
            classify_line("Uncaught (in promise) TypeError: x is not a function"),
            Some(ProblemKind::UncaughtException)
        );
    }

    #[test]
    fn hung_request_is_found() {
        let line = "✘ [ERROR] Uncaught exception: workerd/io/io-context.c++:2052: failed: remote.jsg.Error: The Workers runtime canceled this request because it detected that your Worker's code had hung and would never generate a response.";
        assert_eq!(classify_line(line), Some(ProblemKind::UncaughtException));
    }

    #[test]
    fn workerd_trace_of_a_caught_subrequest_failure_is_not_a_problem() {
        // Printed for `try { await fetch("http://127.0.0.1:9/") } catch { ... }`, which answers normally.
        for line in [
            "exception = rust/worker/ffi.rs:104: disconnected: Connection refused (os error 111)",
            "uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.",
            "uncaught exception; source = Uncaught (in response); stack = Error: Network connection lost.",
        ] {
            assert_eq!(classify_line(line), None, "line wrongly flagged: {line}");
        }
    }

    #[test]
    fn rust_panic_is_found() {
        let line = "panicked at worker/src/lib.rs:42:9:";
        assert_eq!(classify_line(line), Some(ProblemKind::RustPanic));
        // The panic hook logs through console.error, so the panic usually arrives inside `✘ [ERROR]`;
        // the more specific kind wins.
        let coloured =
            "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mpanicked at src/lib.rs:1:1:\x1b[0m";
        assert_eq!(classify_line(coloured), Some(ProblemKind::RustPanic));
    }

    #[test]
    fn wasm_trap_is_found() {
        let line = "[wrangler:error] RuntimeError: unreachable";
        assert_eq!(classify_line(line), Some(ProblemKind::WasmTrap));
        assert_eq!(classify_line("    RuntimeError: unreachable"), Some(ProblemKind::WasmTrap));
    }

    #[test]
    fn coloured_wrangler_error_is_found() {
        // Exactly as wrangler 4.164 writes a console.error line to a pipe.
        let line = "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1man error via console.error\x1b[0m";
        assert_eq!(classify_line(line), Some(ProblemKind::WranglerError));
        assert_eq!(classify_line("✘ [ERROR] Build failed"), Some(ProblemKind::WranglerError));
    }

    #[test]
    fn ordinary_lines_are_clean() {
        let clean = [
            "[wrangler:info] Ready on http://127.0.0.1:8787",
            "[wrangler:info] GET /api/nope 404 Not Found (3ms)",
            "[wrangler-ProxyWorker:info] GET /throw 500 Internal Server Error (54ms)",
            "[InspectorProxyWorker] RUNTIME INCOMING MESSAGE {",
            "    type: 'error',",
            "▲ [WARNING] Processing wrangler.toml configuration:",
            "uncaught exceptions are reported to the dashboard log",
            "the control panel records every error response as a log entry",
            "Compiling cortexdx-dashboard v0.1.0 (/work/main/worker)",
        ];
        for line in clean {
            assert_eq!(classify_line(line), None, "line wrongly flagged: {line}");
        }
    }

    #[test]
    fn find_problems_reports_line_numbers_and_context() {
        let log = "[wrangler:info] Ready on http://127.0.0.1:8787\n\
                   \x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m panicked at src/lib.rs:7:5:\n\
                   called `Option::unwrap()` on a `None` value\n\
                   [wrangler:error] RuntimeError: unreachable\n\
                   \x20   at wasm://wasm/0015a2b6:wasm-function[102]:0x8c1\n\
                   [wrangler:info] GET /api/health 500 Internal Server Error (12ms)\n";
        let problems = find_problems(log);
        let kinds: Vec<_> = problems.iter().map(|p| (p.kind, p.line_number)).collect();
        assert_eq!(kinds, vec![(ProblemKind::RustPanic, 2), (ProblemKind::WasmTrap, 4)]);
        assert!(problems[0].excerpt.contains("called `Option::unwrap()` on a `None` value"));
        assert!(!problems[0].excerpt.contains('\x1b'), "ANSI codes must be stripped from excerpts");
    }

    #[test]
    fn clean_log_has_no_problems() {
        let log = "⎔ Starting local server...\n[wrangler:info] Ready on http://127.0.0.1:8787\n";
        assert!(find_problems(log).is_empty());
    }
}
