//! From spec text to the checked model: parse, check shape, deserialize, validate.

use crate::diagnostics::{Diagnostic, Diagnostics, YamlPath};
use crate::model::Model;
use crate::spec::Spec;
use crate::{schema, validate, yaml};

/// Loads and checks a spec, returning every problem found when it is not valid.
pub fn load(text: &str) -> Result<Model, Diagnostics> {
    let parsed = yaml::parse(text).map_err(|d| Diagnostics(vec![d]))?;
    let mut shape = schema::check_shape(&parsed.value, &parsed.locations);
    if !shape.is_empty() {
        shape.sort();
        return Err(shape);
    }
    let spec: Spec = serde_json::from_value(parsed.value).map_err(|error| {
        // The schema check passed, so this only happens if schema and structs disagree: still report, never panic.
        Diagnostics(vec![Diagnostic::new(YamlPath::root(), format!("the spec does not match its format: {error}"))])
    })?;
    validate::validate(&spec, &parsed.locations)
}
