//! Where the harness finds the repository and where it writes its own files.
//!
//! Everything the harness writes (logs, local state, the dev secrets file) goes under `target/`, so a
//! test run never leaves files in the source tree.

use std::path::PathBuf;

/// The repository root: the e2e crate lives directly under it.
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().expect("the e2e crate sits inside the repository").to_path_buf();
    root.canonicalize().unwrap_or(root)
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR` when the caller set it.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        _ => repo_root().join("target"),
    }
}

/// Runtime logs of `wrangler dev` runs: one file per run, kept after the run for reading.
pub fn logs_dir() -> PathBuf {
    target_dir().join("e2e-logs")
}

/// Local persistence (KV, Durable Object storage) and the secrets file, one folder per run.
pub fn state_dir() -> PathBuf {
    target_dir().join("e2e-state")
}

/// The wrangler configuration the generator writes; its top level is the `dev` environment.
pub fn wrangler_config() -> PathBuf {
    repo_root().join("generated").join("wrangler.toml")
}

/// The OpenAPI document the generator writes next to the wrangler configuration.
pub fn openapi_file() -> PathBuf {
    repo_root().join("generated").join("openapi.json")
}

/// The dashboard spec every check takes its expected values from.
pub fn spec_file() -> PathBuf {
    repo_root().join("spec").join("dashboard.yaml")
}

/// The pinned Node tools; this folder must come first on `PATH` so wrangler runs on Node 22.
pub fn node_bin_dir() -> PathBuf {
    repo_root().join("node_modules").join(".bin")
}
