//! Regenerates `generated/` and `docs/` from the spec before the worker compiles, so `cargo build` is the
//! only command anyone needs after editing the spec. The generator writes only files whose bytes change,
//! and cargo reruns this script only when the spec changes, so a no-op build does no code generation.

fn main() {
    let options = codegen::Options::repository_defaults();
    println!("cargo::rerun-if-changed={}", options.spec.display());
    if let Err(error) = codegen::generate_to_disk(&options) {
        // Each line becomes a build error the user sees; nothing was written.
        for line in error.to_string().lines() {
            println!("cargo::error={line}");
        }
        std::process::exit(1);
    }
}
