//! From spec text to the checked model: parse, check shape, deserialize, validate.

use crate::diagnostics::{Diagnostic, Diagnostics, YamlPath};
use crate::model::Model;
use crate::spec::Spec;
use crate::{schema, validate, yaml};

/// Loads and checks a spec, returning every problem found, sorted by position, when it is not valid.
pub fn load(text: &str) -> Result<Model, Diagnostics> {
    let mut parsed = yaml::parse(text).map_err(|d| Diagnostics(vec![d]))?;
    // Mistakes with a message of their own are reported and taken out first, so the checks below still run.
    let mut diagnostics = validate::check_raw(&mut parsed.value, &parsed.locations);
    let shape = schema::check_shape(&parsed.value, &parsed.locations);
    if !shape.is_empty() {
        // The semantic checks need a document of the right shape; its shape errors are the whole report.
        diagnostics.extend(shape);
        return Err(sorted(diagnostics));
    }
    let spec: Spec = match serde_json::from_value(parsed.value) {
        Ok(spec) => spec,
        Err(error) => {
            // The shape check passed, so this only happens if schema and structs disagree: report, never panic.
            diagnostics.push(
                Diagnostic::new(YamlPath::root(), format!("the spec does not match its format: {error}"))
                    .with_help("this is a bug in the generator's spec schema; please report it with the spec"),
            );
            return Err(sorted(diagnostics));
        }
    };
    match validate::validate(&spec, &parsed.locations) {
        Ok(model) if diagnostics.is_empty() => Ok(model),
        Ok(_) => Err(sorted(diagnostics)),
        Err(semantic) => {
            diagnostics.extend(semantic);
            Err(sorted(diagnostics))
        }
    }
}

fn sorted(mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.sort();
    diagnostics
}
