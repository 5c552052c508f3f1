//! The repository's `generated/` and `docs/` must be exactly what `spec/dashboard.yaml` generates, so a spec
//! change that was not regenerated (or a hand edit of a generated file) fails the tests.

use codegen::output::Staleness;
use codegen::Options;

#[test]
fn generated_files_are_fresh() {
    let options = Options::repository_defaults();
    let stale =
        codegen::check_on_disk(&options).unwrap_or_else(|error| panic!("cannot check the generated files: {error}"));
    let listed: Vec<String> = stale
        .iter()
        .map(|entry| match entry {
            Staleness::Missing(path) => format!("  missing: {}", path.display()),
            Staleness::Differs(path) => format!("  out of date: {}", path.display()),
            Staleness::Extra(path) => format!("  no longer generated: {}", path.display()),
        })
        .collect();
    assert!(
        listed.is_empty(),
        "the generated files do not match {}:\n{}\nRegenerate them with:\n    {}\n",
        options.spec.display(),
        listed.join("\n"),
        codegen::emit::REGENERATE_COMMAND
    );
}
