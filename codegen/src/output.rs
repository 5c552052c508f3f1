//! Writing generated files: all or nothing, atomically, and only when their bytes change.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::emit::{Files, Root};

/// Where the two roots live on disk.
#[derive(Debug, Clone)]
pub struct Destinations {
    pub generated: PathBuf,
    pub docs: PathBuf,
}

impl Destinations {
    fn path(&self, root: Root, relative: &str) -> PathBuf {
        match root {
            Root::Generated => self.generated.join(relative),
            Root::Docs => self.docs.join(relative),
        }
    }
}

/// How a file on disk differs from what the spec generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    Missing(PathBuf),
    Differs(PathBuf),
    /// A file in the generated directory that the spec no longer produces.
    Extra(PathBuf),
}

#[derive(Debug, Default)]
pub struct WriteReport {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

/// Writes every file whose contents changed and removes generated files the spec no longer produces.
///
/// Each file is written to a temporary sibling and renamed into place, so a reader never sees a half-written
/// file and an interrupted run leaves every file either old or new.
pub fn write(files: &Files, to: &Destinations) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for ((root, relative), contents) in &files.0 {
        let path = to.path(*root, relative);
        if fs::read(&path).ok().as_deref() == Some(contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        write_atomically(&path, contents.as_bytes())?;
        report.written.push(path);
    }
    for extra in extra_files(files, to)? {
        fs::remove_file(&extra)?;
        report.removed.push(extra);
    }
    Ok(report)
}

/// Lists every difference between the disk and `files`; empty when the output is fresh.
pub fn check(files: &Files, to: &Destinations) -> io::Result<Vec<Staleness>> {
    let mut stale = Vec::new();
    for ((root, relative), contents) in &files.0 {
        let path = to.path(*root, relative);
        match fs::read(&path) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => stale.push(Staleness::Differs(path)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => stale.push(Staleness::Missing(path)),
            Err(error) => return Err(error),
        }
    }
    stale.extend(extra_files(files, to)?.into_iter().map(Staleness::Extra));
    Ok(stale)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent =
        path.parent().ok_or_else(|| io::Error::other(format!("{} has no parent directory", path.display())))?;
    fs::create_dir_all(parent)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Files under the generated directory that look generated but are not in `files`.
///
/// Hidden entries are never touched: users keep `.dev.vars` beside `wrangler.toml`, and wrangler keeps its
/// local state in `.wrangler/`.
fn extra_files(files: &Files, to: &Destinations) -> io::Result<Vec<PathBuf>> {
    let mut extra = Vec::new();
    let mut pending = vec![to.generated.clone()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(&to.generated).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let generated_kind =
                matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "json" | "toml" | "md" | "html"));
            if generated_kind && !files.0.contains_key(&(Root::Generated, relative)) {
                extra.push(path);
            }
        }
    }
    extra.sort();
    Ok(extra)
}
