//! One emitter per output kind. Each reads only the checked model and returns file contents; none does I/O.

pub mod docs;
pub mod entry;
pub mod examples;
pub mod mcp;
pub mod openapi;
pub mod rust;
pub mod well_known;
pub mod wrangler;

use std::collections::BTreeMap;

use crate::model::Model;

/// The command that regenerates everything, named in every generated file's header.
pub const REGENERATE_COMMAND: &str = "cargo run -p codegen -- generate";

/// Which output directory a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Root {
    /// `generated/` (or `--out`).
    Generated,
    /// `docs/`, beside the generated directory.
    Docs,
}

/// Where the generated files will live relative to the spec, so emitted paths (wrangler's `main`, assets,
/// `include_str!`) can be written relative to the file that contains them.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Path from the generated directory to the spec file's directory, e.g. `../spec`.
    pub spec_dir_from_generated: String,
    /// File name of the spec, for headers, e.g. `spec/dashboard.yaml`.
    pub spec_display_name: String,
}

impl Layout {
    /// A spec-relative path (as written in the spec) seen from the generated directory.
    pub fn from_generated(&self, spec_relative: &str) -> String {
        normalize(&format!("{}/{}", self.spec_dir_from_generated, spec_relative))
    }
}

/// Lexically normalises `a/./b/../c` to `a/c`, keeping leading `..`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A template environment as every emitter uses it: an undefined variable is an error, and block tags
/// leave no blank lines or indentation behind. Each emitter adds its filters and templates.
pub fn templates() -> minijinja::Environment<'static> {
    let mut templates = minijinja::Environment::new();
    templates.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    templates.set_trim_blocks(true);
    templates.set_lstrip_blocks(true);
    templates
}

/// Every generated file, by root and relative path, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files(pub BTreeMap<(Root, String), String>);

impl Files {
    pub fn add(&mut self, root: Root, path: impl Into<String>, contents: impl Into<String>) {
        let mut contents = contents.into();
        if !contents.ends_with('\n') {
            contents.push('\n');
        }
        self.0.insert((root, path.into()), contents);
    }
}

/// Pretty JSON with a trailing newline; the one JSON style of every generated document.
pub fn json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// Emits every output for a checked model. The Rust files take longest, so they are made on other threads
/// (see `rust::render`) while this one makes the documents.
pub fn emit_all(model: &Model, layout: &Layout) -> Files {
    std::thread::scope(|scope| {
        let rust = scope.spawn(|| rust::render(model, layout));
        let mut files = documents(model, layout);
        let rust = rust.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        for (path, contents) in rust {
            files.add(Root::Generated, format!("rust/{path}"), contents);
        }
        files
    })
}

/// Every output but the Rust files.
fn documents(model: &Model, layout: &Layout) -> Files {
    let mut files = Files::default();
    files.add(Root::Generated, "spec.schema.json", json(&crate::schema::spec_schema()));
    let openapi = openapi::document(model);
    files.add(Root::Generated, "openapi.json", json(&openapi));
    if model.oauth.is_some() {
        for env in &model.environments {
            files.add(
                Root::Generated,
                format!("well-known/{}/oauth-protected-resource.json", env.name),
                json(&well_known::oauth_protected_resource(model, env)),
            );
        }
    }
    if let Some(server) = &model.mcp {
        files.add(Root::Generated, "well-known/mcp.json", json(&well_known::mcp_manifest(model)));
        files.add(Root::Generated, rust::TOOLS_JSON, json(&mcp::tools(model, server)));
        files.add(Root::Generated, rust::RESOURCES_JSON, json(&mcp::resources(server)));
    }
    files.add(Root::Generated, "wrangler.toml", wrangler::render(model, layout));
    files.add(Root::Generated, entry::FILE, entry::render(model, layout));
    files.add(Root::Generated, ".dev.vars.example", wrangler::dev_vars_example(model, layout));
    for (path, contents) in docs::render(model, layout) {
        files.add(Root::Docs, path, contents);
    }
    files
}
