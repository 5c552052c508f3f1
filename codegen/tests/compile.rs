//! The generated Rust must compile, warning-free and clippy-clean, natively and for wasm32, for every spec:
//! each is generated into a throwaway crate under `target/` and checked there.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the workspace root exists")
}

/// Writes a crate whose library is exactly the generated module, under `#![deny(warnings)]`.
fn generated_crate(name: &str, spec: &Path) -> PathBuf {
    let root = workspace_root();
    let dir = root.join("target/compile-tests").join(name);
    std::fs::create_dir_all(dir.join("src")).expect("create the test crate");
    let options = codegen::Options { spec: spec.to_path_buf(), out: dir.join("generated") };
    if let Err(error) = codegen::generate_to_disk(&options) {
        panic!("{name}: generation failed:\n{error}");
    }
    let runtime = root.join("codegen/runtime");
    let manifest = format!(
        r#"[package]
name = "generated-{name}"
version = "0.0.0"
edition = "2021"
publish = false

# Its own workspace: this crate lives under the real workspace's target directory.
[workspace]

[dependencies]
worker = "0.8.7"
codegen-runtime = {{ path = {runtime:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
schemars = "1"
"#
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(
        dir.join("src/lib.rs"),
        "#![deny(warnings)]\n#[path = \"../generated/rust/mod.rs\"]\npub mod api;\n",
    )
    .expect("write lib.rs");
    // Reuse the workspace's resolved versions so the check compiles what the worker compiles.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    dir
}

fn clippy(dir: &Path, target: Option<&str>) {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .args(["clippy", "--quiet", "--all-targets"])
        .env("CARGO_TARGET_DIR", workspace_root().join("target/compile-tests/target"));
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    command.args(["--", "-D", "warnings"]);
    let output = command.output().expect("run cargo clippy");
    assert!(
        output.status.success(),
        "generated code in {} does not pass clippy ({}):\n{}",
        dir.display(),
        target.unwrap_or("native"),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check_spec(name: &str, spec: &Path) {
    let dir = generated_crate(name, spec);
    clippy(&dir, None);
    clippy(&dir, Some("wasm32-unknown-unknown"));
}

#[test]
fn generated_code_compiles_for_every_spec() {
    let root = workspace_root();
    check_spec("dashboard", &root.join("spec/dashboard.yaml"));
    check_spec("minimal", &root.join("codegen/tests/specs/minimal.yaml"));
    check_spec("full", &root.join("codegen/tests/specs/full.yaml"));
}
