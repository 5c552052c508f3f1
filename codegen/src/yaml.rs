//! YAML loading, kept in this one module so the YAML library can be swapped without touching the rest.
//!
//! serde_yaml parses the document (its syntax errors carry a position); saphyr re-reads the same text only to
//! learn where each node starts, so later errors about a YAML path can point at a line and column.

use std::collections::BTreeMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::diagnostics::{Diagnostic, Location, YamlPath};

/// A parsed spec document: its value as JSON (for schema checks and serde) and where each node starts.
pub struct ParsedYaml {
    pub value: serde_json::Value,
    pub locations: LocationIndex,
}

/// Start positions of the nodes of a document, by YAML path.
#[derive(Debug, Default)]
pub struct LocationIndex {
    nodes: BTreeMap<YamlPath, Location>,
}

impl LocationIndex {
    /// Where `path` starts; for a missing node, the nearest ancestor that exists.
    pub fn find(&self, path: &YamlPath) -> Option<Location> {
        let mut segments = path.0.clone();
        loop {
            if let Some(location) = self.nodes.get(&YamlPath(segments.clone())) {
                return Some(*location);
            }
            segments.pop()?;
        }
    }
}

pub fn parse(text: &str) -> Result<ParsedYaml, Diagnostic> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| {
        let location = error.location().map(|l| Location { line: l.line(), column: l.column() });
        Diagnostic::new(YamlPath::root(), format!("invalid YAML: {}", strip_position(&error.to_string())))
            .at(location)
            .with_help("fix the YAML syntax at this position (indentation, quoting, `key: value` pairs)")
    })?;
    let value = yaml_to_json(&yaml, &YamlPath::root())?;
    Ok(ParsedYaml { value, locations: index_locations(text) })
}

/// serde_yaml appends " at line L column C" to its messages; the diagnostic shows the position itself.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Converts to JSON so that the JSON Schema of the spec can check it; keys become strings (YAML `400:` is the
/// integer 400, which JSON object keys cannot be).
fn yaml_to_json(yaml: &serde_yaml::Value, path: &YamlPath) -> Result<serde_json::Value, Diagnostic> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => serde_json::Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                let float = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(float).map(serde_json::Value::Number).ok_or_else(|| {
                    Diagnostic::new(path.clone(), format!("`{float}` is not a finite number"))
                        .with_help("write a finite number")
                })?
            }
        }
        Y::String(s) => serde_json::Value::String(s.clone()),
        Y::Sequence(items) => serde_json::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &path.index(i)))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, item) in map {
                let key = scalar_key(key).ok_or_else(|| {
                    Diagnostic::new(path.clone(), "mapping keys must be plain strings or numbers")
                        .with_help("quote the key")
                })?;
                let child = yaml_to_json(item, &path.key(key.clone()))?;
                object.insert(key, child);
            }
            serde_json::Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(Diagnostic::new(path.clone(), format!("YAML tags such as `{}` are not supported", tagged.tag))
                .with_help("remove the tag"))
        }
    })
}

fn scalar_key(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn index_locations(text: &str) -> LocationIndex {
    let mut index = LocationIndex::default();
    // serde_yaml already accepted the text; should the position reader still disagree, errors just lack a line.
    if let Ok(documents) = MarkedYaml::load_from_str(text) {
        if let Some(document) = documents.first() {
            record(document, YamlPath::root(), &mut index);
        }
    }
    index
}

fn record(node: &MarkedYaml<'_>, path: YamlPath, index: &mut LocationIndex) {
    index.nodes.entry(path.clone()).or_insert_with(|| location_of(node));
    match &node.data {
        YamlData::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                record(item, path.index(i), index);
            }
        }
        YamlData::Mapping(map) => {
            for (key, value) in map {
                let Some(name) = key_text(key) else { continue };
                let child = path.key(name);
                // Point at the key: "routes[2].scopes" is best shown where `scopes:` is written.
                index.nodes.insert(child.clone(), location_of(key));
                record(value, child, index);
            }
        }
        _ => {}
    }
}

fn key_text(key: &MarkedYaml<'_>) -> Option<String> {
    match &key.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Value(Scalar::Null) => Some("null".to_owned()),
        _ => None,
    }
}

fn location_of(node: &MarkedYaml<'_>) -> Location {
    Location { line: node.span.start.line(), column: node.span.start.col() + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_point_at_keys_and_items() {
        let parsed = parse("a:\n  b:\n    - x\n    - y\n").unwrap();
        let path = YamlPath::root().key("a").key("b");
        assert_eq!(parsed.locations.find(&path), Some(Location { line: 2, column: 3 }));
        assert_eq!(parsed.locations.find(&path.index(1)), Some(Location { line: 4, column: 7 }));
        // A missing node falls back to its nearest existing ancestor.
        assert_eq!(parsed.locations.find(&path.index(9)), Some(Location { line: 2, column: 3 }));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let error = parse("a: [1, 2\nb: 3\n").err().unwrap();
        assert!(error.location.is_some());
        assert!(error.message.starts_with("invalid YAML: "), "{}", error.message);
    }

    #[test]
    fn integer_keys_become_strings() {
        let parsed = parse("errors:\n  400: bad\n").unwrap();
        assert_eq!(parsed.value["errors"]["400"], "bad");
    }
}
