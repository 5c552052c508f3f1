//! Snapshot tests: every file generated from each spec is compared with a committed copy under
//! `tests/snapshots/<spec>/<root>/<path>`, where `<root>` is `generated` or `docs`.
//!
//! A mismatch, a missing snapshot and a snapshot that is no longer generated all fail. Updating the snapshots
//! is an explicit act, never a side effect of running the tests:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p codegen --test snapshots
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::emit::Root;
use codegen::{Files, Layout};

const UPDATE_VARIABLE: &str = "UPDATE_SNAPSHOTS";
const UPDATE_COMMAND: &str = "UPDATE_SNAPSHOTS=1 cargo test -p codegen --test snapshots";

/// How many changed lines of each side a mismatch report shows.
const DIFF_LINES: usize = 12;

/// A spec and the fixed layout it is generated with, so that snapshots never depend on where the
/// repository is checked out.
struct Case {
    name: &'static str,
    /// Relative to this crate's directory.
    spec: &'static str,
    layout: Layout,
}

impl Case {
    /// A spec laid out like the repository's own: `spec/NAME.yaml` beside `generated/` and `docs/`.
    fn new(name: &'static str, spec: &'static str) -> Self {
        Case {
            name,
            spec,
            layout: Layout {
                spec_dir_from_generated: "../spec".to_owned(),
                spec_display_name: format!("spec/{name}.yaml"),
            },
        }
    }

    fn generate(&self) -> Files {
        let path = crate_dir().join(self.spec);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        codegen::generate(&text, &self.layout)
            .unwrap_or_else(|diagnostics| panic!("{} does not load:\n{}", self.spec, diagnostics.render(self.spec)))
    }

    fn snapshot_dir(&self) -> PathBuf {
        crate_dir().join("tests/snapshots").join(self.name)
    }
}

fn dashboard() -> Case {
    Case::new("dashboard", "../spec/dashboard.yaml")
}

fn minimal() -> Case {
    Case::new("minimal", "tests/specs/minimal.yaml")
}

fn full() -> Case {
    Case::new("full", "tests/specs/full.yaml")
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn dashboard_outputs_match_snapshots() {
    assert_snapshots(&dashboard());
}

#[test]
fn minimal_outputs_match_snapshots() {
    assert_snapshots(&minimal());
}

#[test]
fn full_outputs_match_snapshots() {
    assert_snapshots(&full());
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    for case in [dashboard(), minimal(), full()] {
        let first = case.generate();
        let second = case.generate();
        let differing: Vec<&str> = first
            .0
            .iter()
            .filter(|(key, contents)| second.0.get(*key) != Some(*contents))
            .map(|((_, path), _)| path.as_str())
            .collect();
        assert!(differing.is_empty(), "{}: two runs differ in {differing:?}", case.name);
        assert_eq!(
            first.0.keys().collect::<Vec<_>>(),
            second.0.keys().collect::<Vec<_>>(),
            "{}: two runs generate different file sets",
            case.name
        );
    }
}

/// Compares every generated file with its snapshot, or rewrites the snapshots when asked to.
fn assert_snapshots(case: &Case) {
    let expected = snapshot_paths(&case.generate(), &case.snapshot_dir());
    let on_disk = files_under(&case.snapshot_dir());
    if std::env::var(UPDATE_VARIABLE).is_ok_and(|v| v == "1") {
        update(&expected, &on_disk);
        return;
    }
    let mut problems = Vec::new();
    for (path, contents) in &expected {
        match fs::read_to_string(path) {
            Ok(snapshot) if snapshot == *contents => {}
            Ok(snapshot) => {
                problems.push(format!("{} differs:\n{}", shown(path), first_difference(&snapshot, contents)))
            }
            Err(_) => problems.push(format!("{} is missing (a new output)", shown(path))),
        }
    }
    for path in on_disk.iter().filter(|p| !expected.contains_key(*p)) {
        problems.push(format!("{} is no longer generated", shown(path)));
    }
    assert!(
        problems.is_empty(),
        "{} output(s) of `{}` differ from their snapshots.\n\n{}\n\nIf the changes are intended, run:\n    {UPDATE_COMMAND}\n",
        problems.len(),
        case.spec,
        problems.join("\n\n")
    );
}

/// Where each generated file's snapshot lives.
fn snapshot_paths(files: &Files, dir: &Path) -> BTreeMap<PathBuf, String> {
    files
        .0
        .iter()
        .map(|((root, path), contents)| {
            let root = match root {
                Root::Generated => "generated",
                Root::Docs => "docs",
            };
            (dir.join(root).join(path), contents.clone())
        })
        .collect()
}

fn update(expected: &BTreeMap<PathBuf, String>, on_disk: &[PathBuf]) {
    for (path, contents) in expected {
        if fs::read_to_string(path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("updated {}", shown(path));
    }
    for path in on_disk.iter().filter(|p| !expected.contains_key(*p)) {
        fs::remove_file(path).unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
        eprintln!("removed {}", shown(path));
    }
}

/// Every file below `dir`, hidden ones included (`.dev.vars.example` is an output too), sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A path relative to this crate, as a developer would type it.
fn shown(path: &Path) -> String {
    path.strip_prefix(crate_dir()).unwrap_or(path).display().to_string()
}

/// The first changed region of two texts with a little context: `-` lines are the snapshot's, `+` lines
/// what the spec generates now. The region ends where both sides agree again for a few lines.
fn first_difference(snapshot: &str, generated: &str) -> String {
    let old: Vec<&str> = snapshot.split_inclusive('\n').collect();
    let new: Vec<&str> = generated.split_inclusive('\n').collect();
    let start = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let (removed, added) = resync(&old[start..], &new[start..]);
    let line = |sign: char, text: &str| match text.strip_suffix('\n') {
        Some(text) => format!("  {sign}{text}\n"),
        None => format!("  {sign}{text}  (no newline at end)\n"),
    };
    let mut report = format!("  @@ line {} @@\n", start + 1);
    for text in &old[start.saturating_sub(3)..start] {
        report.push_str(&line(' ', text));
    }
    for (sign, side) in [('-', &old[start..start + removed]), ('+', &new[start..start + added])] {
        for text in side.iter().take(DIFF_LINES) {
            report.push_str(&line(sign, text));
        }
        if side.len() > DIFF_LINES {
            report.push_str(&format!("  ... {} more {sign} line(s)\n", side.len() - DIFF_LINES));
        }
    }
    let after = &old[start + removed..];
    for text in after.iter().take(3) {
        report.push_str(&line(' ', text));
    }
    if after != &new[start + added..] {
        report.push_str("  ... and more differences after this\n");
    }
    report.trim_end().to_owned()
}

/// How many lines each side must skip until the two agree for `ANCHOR` lines (or both end): the size of the
/// first changed region. Tries the smallest total skip first; gives up (everything differs) past a window.
fn resync(old: &[&str], new: &[&str]) -> (usize, usize) {
    const ANCHOR: usize = 3;
    const WINDOW: usize = 400;
    let agrees = |i: usize, j: usize| {
        let (a, b) = (&old[i..], &new[j..]);
        let n = ANCHOR.min(a.len()).min(b.len());
        a[..n] == b[..n] && (n == ANCHOR || a.len() == b.len())
    };
    for total in 1..=WINDOW.min(old.len() + new.len()) {
        for i in total.saturating_sub(new.len())..=total.min(old.len()) {
            if agrees(i, total - i) {
                return (i, total - i);
            }
        }
    }
    (old.len(), new.len())
}

#[test]
fn first_difference_shows_context_and_both_sides() {
    let report = first_difference("a\nb\nc\nd\n", "a\nb\nX\nd\n");
    assert_eq!(report, "  @@ line 3 @@\n   a\n   b\n  -c\n  +X\n   d");
    let report = first_difference("a\nb\nc\nd\ne\nf\ng\n", "a\nB\nc\nd\ne\nf\nG\n");
    assert_eq!(report, "  @@ line 2 @@\n   a\n  -b\n  +B\n   c\n   d\n   e\n  ... and more differences after this");
    let report = first_difference("a\n", "a\nb\n");
    assert_eq!(report, "  @@ line 2 @@\n   a\n  +b");
    let report = first_difference("a", "a\n");
    assert_eq!(report, "  @@ line 1 @@\n  -a  (no newline at end)\n  +a");
    let long: String = (0..20).map(|i| format!("{i}\n")).collect();
    let report = first_difference(&long, "");
    assert!(report.ends_with("  -11\n  ... 8 more - line(s)"), "{report}");
}
