//! Generates a Cloudflare Worker's Rust plumbing, `wrangler.toml`, well-known documents, OpenAPI and API
//! reference from one declarative spec.
//!
//! The pipeline is parse → validate → model → one emitter per output. Nothing in this crate but `output`
//! touches the file system: `generate` maps spec text to file contents.

pub mod diagnostics;
pub mod emit;
pub mod load;
pub mod model;
pub mod naming;
pub mod output;
pub mod schema;
pub mod spec;
pub mod validate;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use diagnostics::Diagnostics;
pub use emit::{Files, Layout};

/// Where to read the spec and write the outputs.
#[derive(Debug, Clone)]
pub struct Options {
    pub spec: PathBuf,
    /// The generated directory; the docs directory is `docs/` beside it.
    pub out: PathBuf,
}

impl Options {
    /// The repository's own spec and output directories.
    pub fn repository_defaults() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Self { spec: root.join("spec/dashboard.yaml"), out: root.join("generated") }
    }

    pub fn destinations(&self) -> output::Destinations {
        let generated = absolute(&self.out);
        let docs = generated.parent().map_or_else(|| PathBuf::from("docs"), |p| p.join("docs"));
        output::Destinations { generated, docs }
    }

    /// Paths between the spec and the generated directory, as emitted files need them.
    pub fn layout(&self) -> Layout {
        let spec = absolute(&self.spec);
        let generated = absolute(&self.out);
        let spec_dir = spec.parent().map(Path::to_path_buf).unwrap_or_default();
        let relative = pathdiff::diff_paths(&spec_dir, &generated).unwrap_or(spec_dir);
        let root = generated.parent().map(Path::to_path_buf).unwrap_or_default();
        let display = pathdiff::diff_paths(&spec, &root).unwrap_or_else(|| spec.clone());
        Layout { spec_dir_from_generated: slash_path(&relative), spec_display_name: slash_path(&display) }
    }
}

fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}

/// An absolute, lexically normalised path (no file system access, so it works for paths not yet created).
fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    PathBuf::from(format!("/{}", emit::normalize(&joined.to_string_lossy())))
}

/// Generates every file from spec text. Pure: no file system access.
pub fn generate(spec_text: &str, layout: &Layout) -> Result<Files, Diagnostics> {
    let model = load::load(spec_text)?;
    Ok(emit::emit_all(&model, layout))
}

/// Why generating to disk failed.
#[derive(Debug)]
pub enum Error {
    /// The spec is invalid: every problem, rendered with file positions.
    Spec(String),
    Io(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(text) | Error::Io(text) => f.write_str(text.trim_end()),
        }
    }
}

impl std::error::Error for Error {}

fn read_and_generate(options: &Options) -> Result<Files, Error> {
    let text = std::fs::read_to_string(&options.spec)
        .map_err(|e| Error::Io(format!("cannot read spec {}: {e}", options.spec.display())))?;
    let layout = options.layout();
    generate(&text, &layout).map_err(|diagnostics| Error::Spec(diagnostics.render(&options.spec.display().to_string())))
}

/// Generates into the output directories. On any spec error nothing is written.
pub fn generate_to_disk(options: &Options) -> Result<output::WriteReport, Error> {
    let files = read_and_generate(options)?;
    output::write(&files, &options.destinations()).map_err(|e| Error::Io(format!("cannot write generated files: {e}")))
}

/// Compares the output directories with what the spec generates.
pub fn check_on_disk(options: &Options) -> Result<Vec<output::Staleness>, Error> {
    let files = read_and_generate(options)?;
    output::check(&files, &options.destinations()).map_err(|e| Error::Io(format!("cannot read generated files: {e}")))
}
