//! `worker-entry.mjs`: wrangler's entry module, which calls the worker's `fetch` without the per-request
//! class construction and Proxy wrappers of the module `worker-build` writes, and re-exports the Durable
//! Object classes as that module exports them (see the template's header for why).

use minijinja::{Environment as Templates, Error, ErrorKind};
use serde::Serialize;

use super::{Layout, REGENERATE_COMMAND};
use crate::model::Model;

/// The file's name in the generated directory, and so wrangler's `main`.
pub const FILE: &str = "worker-entry.mjs";

const TEMPLATE: &str = include_str!("../../templates/worker-entry.mjs.j2");

#[derive(Serialize)]
struct Context {
    spec: String,
    command: &'static str,
    /// `worker-build`'s module, relative to the generated directory.
    build_module: String,
    /// The Durable Object classes, each once, sorted.
    classes: Vec<String>,
}

pub fn render(model: &Model, layout: &Layout) -> String {
    let mut classes: Vec<String> = model.bindings.durable_objects.iter().map(|object| object.class.clone()).collect();
    classes.sort();
    classes.dedup();
    let context = Context {
        spec: layout.spec_display_name.clone(),
        command: REGENERATE_COMMAND,
        build_module: relative_specifier(layout.from_generated(&format!("{}/build/index.js", model.worker.crate_dir))),
        classes,
    };
    // As for wrangler.toml: a compiled-in template and a checked model, so a failure is a bug here.
    templates()
        .get_template(FILE)
        .and_then(|template| template.render(&context))
        .unwrap_or_else(|error| panic!("{FILE} template failed: {error:#}"))
}

fn templates() -> Templates<'static> {
    let mut templates = super::templates();
    templates.set_keep_trailing_newline(true);
    templates.add_filter("js", js_string);
    templates.add_template(FILE, TEMPLATE).unwrap_or_else(|error| panic!("{FILE} template does not parse: {error:#}"));
    templates
}

/// The `js` filter: a string as a JavaScript string literal (JSON's quoting is valid JavaScript).
fn js_string(value: String) -> Result<String, Error> {
    serde_json::to_string(&value).map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))
}

/// A path as an ES module specifier: relative ones must start with `./` or `../`.
fn relative_specifier(path: String) -> String {
    if path.starts_with("../") {
        path
    } else {
        format!("./{path}")
    }
}
