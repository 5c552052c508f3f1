//! OpenAPI 3.1 document.

use serde_json::{json, Value};

use crate::model::Model;

pub fn document(model: &Model) -> Value {
    json!({ "openapi": "3.1.0", "info": { "title": model.api.title, "version": model.api.version } })
}
