//! `codegen generate` writes every output of a spec; `codegen check` fails when any is stale.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codegen::output::Staleness;
use codegen::Options;

/// Generation allocates and frees many small token trees (quote → syn → prettyplease); mimalloc handles that
/// churn far better than the system allocator (see bench/results: 5,000 routes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e`, for which libmimalloc-sys exports no constant.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A generation is one burst of allocation that ends with the process. By default mimalloc returns memory
/// that has been free for a second to the kernel, which must zero it again when it is next used: at 5,000
/// routes that was about a fifth of the wall time, and most of why generation time grew faster than the
/// spec (a 1,000-route run ends before a second passes). Freed memory is kept for reuse instead.
fn keep_freed_memory() {
    // SAFETY: an option setter with a valid option and value, called before any other thread exists
    // (mimalloc's option setters are not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[derive(Parser)]
#[command(about = "Generates the worker's code, config and documents from a dashboard spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every output (files whose bytes are unchanged are not touched).
    Generate(Paths),
    /// Exit non-zero when any output differs from what the spec generates.
    Check(Paths),
}

#[derive(clap::Args)]
struct Paths {
    /// The spec file [default: the repository's spec/dashboard.yaml].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The generated directory; docs/ is written beside it [default: the repository's generated/].
    #[arg(long)]
    out: Option<PathBuf>,
}

impl Paths {
    fn options(&self) -> Options {
        let defaults = Options::repository_defaults();
        Options { spec: self.spec.clone().unwrap_or(defaults.spec), out: self.out.clone().unwrap_or(defaults.out) }
    }

    /// The command that would fix a stale check, with the same paths.
    fn generate_command(&self) -> String {
        let mut command = "cargo run -p codegen -- generate".to_owned();
        if let Some(spec) = &self.spec {
            command.push_str(&format!(" --spec {}", spec.display()));
        }
        if let Some(out) = &self.out {
            command.push_str(&format!(" --out {}", out.display()));
        }
        command
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    match Cli::parse().command {
        Command::Generate(paths) => match codegen::generate_to_disk(&paths.options()) {
            Ok(report) => {
                for path in &report.written {
                    println!("wrote {}", path.display());
                }
                for path in &report.removed {
                    println!("removed {}", path.display());
                }
                println!(
                    "{} written, {} removed, {} unchanged",
                    report.written.len(),
                    report.removed.len(),
                    report.unchanged
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("{error}");
                eprintln!("nothing was written");
                ExitCode::FAILURE
            }
        },
        Command::Check(paths) => match codegen::check_on_disk(&paths.options()) {
            Ok(stale) if stale.is_empty() => {
                println!("generated files are up to date");
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for entry in &stale {
                    match entry {
                        Staleness::Missing(path) => eprintln!("missing: {}", path.display()),
                        Staleness::Differs(path) => eprintln!("stale:   {}", path.display()),
                        Staleness::Extra(path) => eprintln!("extra:   {}", path.display()),
                    }
                }
                eprintln!("{} generated file(s) out of date; run `{}`", stale.len(), paths.generate_command());
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::PURGE_DELAY;

    /// The index names the purge delay if the option there has the purge delay's default (1,000 ms in the
    /// pinned mimalloc); an index that moved would name another option, with another default.
    #[test]
    fn purge_delay_index_names_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an option; no test sets options.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
    }
}
