//! The Rust plumbing the worker crate includes: types, the service trait, dispatch, bindings and documents.

use super::Layout;
use crate::model::Model;

/// Files under `generated/rust/`, by relative path.
pub fn render(model: &Model, layout: &Layout) -> Vec<(String, String)> {
    let _ = (model, layout);
    Vec::new()
}
