//! Writing to disk: all or nothing, only changed bytes, and stale files found by `check`.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::output::Staleness;
use codegen::Options;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).expect("create scratch dir");
    dir
}

fn dashboard_spec() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/dashboard.yaml")).expect("read spec")
}

fn options(dir: &Path) -> Options {
    Options { spec: dir.join("spec/dashboard.yaml"), out: dir.join("generated") }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.join("generated"), dir.join("docs")];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let metadata = fs::metadata(&path).expect("metadata");
                files.push((path.clone(), fs::read(&path).expect("read"), metadata.modified().expect("mtime")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_failed_generation_leaves_previous_output_untouched() {
    let dir = scratch("failed-generation");
    fs::write(dir.join("spec/dashboard.yaml"), dashboard_spec()).unwrap();
    codegen::generate_to_disk(&options(&dir)).expect("the dashboard spec generates");
    let before = snapshot(&dir);
    assert!(before.len() > 10, "expected the full output, got {} files", before.len());

    let broken = dashboard_spec().replace("scopes: [search.read]", "scopes: [search.reed]");
    fs::write(dir.join("spec/dashboard.yaml"), broken).unwrap();
    let error = codegen::generate_to_disk(&options(&dir)).expect_err("an unknown scope is an error");
    assert!(error.to_string().contains("unknown scope `search.reed`"), "{error}");
    assert_eq!(snapshot(&dir), before, "a failed run must not touch any file");
}

#[test]
fn regenerating_rewrites_only_changed_files_and_check_sees_staleness() {
    let dir = scratch("incremental");
    fs::write(dir.join("spec/dashboard.yaml"), dashboard_spec()).unwrap();
    codegen::generate_to_disk(&options(&dir)).expect("first generation");
    let before = snapshot(&dir);

    let report = codegen::generate_to_disk(&options(&dir)).expect("second generation");
    assert!(report.written.is_empty(), "nothing changed, yet wrote {:?}", report.written);
    assert_eq!(snapshot(&dir), before, "unchanged files keep their bytes and modification times");
    assert!(codegen::check_on_disk(&options(&dir)).expect("check").is_empty());

    // Edit one generated file by hand and leave a stray generated-looking file: check names both.
    let openapi = dir.join("generated/openapi.json");
    fs::write(&openapi, "{}\n").unwrap();
    let stray = dir.join("generated/rust/old_module.rs");
    fs::write(&stray, "// left over\n").unwrap();
    let stale = codegen::check_on_disk(&options(&dir)).expect("check");
    assert!(stale.contains(&Staleness::Differs(openapi.clone())), "{stale:?}");
    assert!(stale.contains(&Staleness::Extra(stray.clone())), "{stale:?}");

    // Hidden files (local secrets, wrangler state) are never reported or removed.
    fs::write(dir.join("generated/.dev.vars"), "OPENAI_CLIENT_ID=local\n").unwrap();
    let report = codegen::generate_to_disk(&options(&dir)).expect("regeneration");
    assert_eq!(report.written, vec![openapi]);
    assert_eq!(report.removed, vec![stray]);
    assert!(dir.join("generated/.dev.vars").exists());
    assert!(codegen::check_on_disk(&options(&dir)).expect("check").is_empty());
}
