//! YAML loading, kept in this one module so the YAML library can be swapped without touching the rest.
//!
//! serde_yaml parses the document (its syntax errors carry a position); saphyr re-reads the same text only to
//! learn where each node starts, so later errors about a YAML path can point at a line and column.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::diagnostics::{Diagnostic, Location, YamlPath};

/// A parsed spec document: its value as JSON (for schema checks and serde) and where each node starts.
pub struct ParsedYaml<'t> {
    pub value: serde_json::Value,
    pub locations: LocationIndex<'t>,
}

/// Start positions of the nodes of a document, by YAML path.
///
/// Positions are only needed to report problems, so the text is re-read for them on the first lookup: a
/// valid spec, the common case in a build, never pays for the second parse.
#[derive(Debug, Default)]
pub struct LocationIndex<'t> {
    text: &'t str,
    nodes: OnceCell<BTreeMap<YamlPath, Location>>,
}

impl<'t> LocationIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        Self { text, nodes: OnceCell::new() }
    }

    /// Where `path` starts; for a missing node, the nearest ancestor that exists.
    pub fn find(&self, path: &YamlPath) -> Option<Location> {
        let nodes = self.nodes.get_or_init(|| index_locations(self.text));
        let mut segments = path.0.clone();
        loop {
            if let Some(location) = nodes.get(&YamlPath(segments.clone())) {
                return Some(*location);
            }
            segments.pop()?;
        }
    }
}

pub fn parse(text: &str) -> Result<ParsedYaml<'_>, Diagnostic> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| syntax_error(text, &error))?;
    let locations = LocationIndex::new(text);
    let value = yaml_to_json(&yaml, &YamlPath::root()).map_err(|d| {
        let location = locations.find(&d.path);
        d.at(location)
    })?;
    Ok(ParsedYaml { value, locations })
}

/// A diagnostic for a document serde_yaml rejects, reworded where its message is cryptic.
fn syntax_error(text: &str, error: &serde_yaml::Error) -> Diagnostic {
    let location = error.location().map(|l| Location { line: l.line(), column: l.column() });
    let message = strip_position(&error.to_string());
    if let Some((path, key)) = duplicate_key(&message) {
        let location = location.map(|l| second_occurrence(text, l, &key).unwrap_or(l));
        return Diagnostic::new(path.key(key.clone()), format!("duplicate key `{key}`"))
            .with_help(format!("a key may appear once in a mapping: remove or merge the repeated `{key}`"))
            .at(location);
    }
    if message.contains("more than one document") {
        return Diagnostic::new(YamlPath::root(), "the file holds more than one YAML document")
            .with_help("keep one document: remove the `---` line that starts the second one, and merge what follows it into the first")
            .at(location.or_else(|| second_document(text)));
    }
    let help = if location.is_some_and(|l| indented_with_tab(text, l)) {
        "indent with spaces: YAML does not allow tabs in indentation"
    } else if message.contains("recursion limit") {
        "the document nests too deeply; no spec needs more than a few levels"
    } else {
        "fix the YAML syntax at this position (indentation, quoting, `key: value` pairs)"
    };
    Diagnostic::new(YamlPath::root(), format!("invalid YAML: {message}")).with_help(help).at(location)
}

/// serde_yaml appends " at line L column C" to its messages; the diagnostic shows the position itself.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// serde_yaml reports `types.Health: duplicate entry with key "description"`: the mapping and the key.
fn duplicate_key(message: &str) -> Option<(YamlPath, String)> {
    let (path, rest) = match message.split_once(": duplicate entry ") {
        Some((path, rest)) => (path, rest),
        None => ("", message.strip_prefix("duplicate entry ")?),
    };
    let key = rest.strip_prefix("with key ")?;
    let key = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')).unwrap_or(key).trim_matches('`');
    Some((serde_yaml_path(path), key.to_owned()))
}

/// Parses serde_yaml's path notation (`routes[2].query`, `.` for the root). Keys that contain dots cannot be
/// told apart from nesting there; such a path still reads correctly, it just nests one level too deep.
fn serde_yaml_path(text: &str) -> YamlPath {
    let mut path = YamlPath::root();
    for part in text.trim_start_matches('.').split('.').filter(|p| !p.is_empty() && *p != "?") {
        let (key, indexes) = part.split_once('[').map_or((part, ""), |(key, rest)| (key, rest));
        if !key.is_empty() {
            path = path.key(key);
        }
        for index in indexes.split('[').filter_map(|i| i.trim_end_matches(']').parse::<usize>().ok()) {
            path = path.index(index);
        }
    }
    path
}

/// serde_yaml places a duplicate-key error at the start of the mapping; the repeated key is more useful. In a
/// block mapping it is the second line that holds `key:` at the mapping's column.
fn second_occurrence(text: &str, mapping: Location, key: &str) -> Option<Location> {
    let column = mapping.column.checked_sub(1)?;
    let mut seen = 0;
    for (offset, line) in text.lines().skip(mapping.line.checked_sub(1)?).enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches(' ');
        if offset > 0 && !content.is_empty() && !content.starts_with('#') && indent < column {
            return None;
        }
        let written = content.strip_prefix("- ").filter(|_| offset == 0).unwrap_or(content);
        let matches = [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")]
            .iter()
            .any(|k| written.starts_with(k.as_str()));
        if indent + (content.len() - written.len()) == column && matches {
            seen += 1;
            if seen == 2 {
                return Some(Location { line: mapping.line + offset, column: mapping.column });
            }
        }
    }
    None
}

/// The `---` line that starts a second document, for the "more than one document" error.
fn second_document(text: &str) -> Option<Location> {
    let mut content_seen = false;
    for (i, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") {
            if content_seen {
                return Some(Location { line: i + 1, column: 1 });
            }
        } else if !line.trim().is_empty() && !line.starts_with('#') && !line.starts_with('%') {
            content_seen = true;
        }
    }
    None
}

fn indented_with_tab(text: &str, location: Location) -> bool {
    let Some(line) = location.line.checked_sub(1).and_then(|i| text.lines().nth(i)) else { return false };
    line.chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t')
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
            items.iter().enumerate().map(|(i, item)| yaml_to_json(item, &path.index(i))).collect::<Result<_, _>>()?,
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

fn index_locations(text: &str) -> BTreeMap<YamlPath, Location> {
    let mut index = BTreeMap::new();
    // serde_yaml already accepted the text; should the position reader still disagree, errors just lack a line.
    if let Ok(documents) = MarkedYaml::load_from_str(text) {
        if let Some(document) = documents.first() {
            record(document, YamlPath::root(), &mut index);
        }
    }
    index
}

fn record(node: &MarkedYaml<'_>, path: YamlPath, index: &mut BTreeMap<YamlPath, Location>) {
    index.entry(path.clone()).or_insert_with(|| location_of(node));
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
                index.insert(child.clone(), location_of(key));
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
        let location = parsed.locations.find(&YamlPath::root().key("errors").key("400"));
        assert_eq!(location, Some(Location { line: 2, column: 3 }));
    }

    #[test]
    fn duplicate_keys_point_at_the_repeat() {
        let error = parse("a:\n  - id: x\n    name: one\n    name: two\n").err().unwrap();
        assert_eq!(error.path.to_string(), "a[0].name");
        assert_eq!(error.message, "duplicate key `name`");
        assert_eq!(error.location, Some(Location { line: 4, column: 5 }));
    }

    #[test]
    fn serde_yaml_paths_are_parsed() {
        assert_eq!(serde_yaml_path("routes[2].query").to_string(), "routes[2].query");
        assert_eq!(serde_yaml_path(".").to_string(), "(document)");
        assert_eq!(serde_yaml_path("").to_string(), "(document)");
        assert_eq!(serde_yaml_path("a[0][1].b").to_string(), "a[0][1].b");
    }

    #[test]
    fn second_documents_and_tabs_are_found() {
        assert_eq!(second_document("---\na: 1\n---\nb: 2\n"), Some(Location { line: 3, column: 1 }));
        assert_eq!(second_document("# only\n---\na: 1\n"), None);
        assert!(indented_with_tab("a:\n\tb: 1\n", Location { line: 2, column: 1 }));
        assert!(!indented_with_tab("a:\n  b: 1\n", Location { line: 2, column: 1 }));
        assert!(!indented_with_tab("a: 1\n", Location { line: 9, column: 1 }));
    }

    #[test]
    fn tags_and_odd_keys_are_rejected_with_a_position() {
        let error = parse("a:\n  b: !custom 1\n").err().unwrap();
        assert_eq!(error.path.to_string(), "a.b");
        assert_eq!(error.location, Some(Location { line: 2, column: 3 }));
        let error = parse("? [x]\n: 1\n").err().unwrap();
        assert_eq!(error.message, "mapping keys must be plain strings or numbers");
    }
}
