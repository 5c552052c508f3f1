//! The JSON Schema of the spec format, and the shape check that reports every violation of it at once.
//!
//! serde alone stops at the first problem; validating against the schema first lets a user see every
//! unknown key, wrong type and missing field in one run. The validator's own messages are written for schema
//! authors ("is not valid under any of the schemas listed in the 'oneOf' keyword"), so each kind of
//! violation is reworded here for someone editing the spec.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::Value;

use crate::diagnostics::{did_you_mean, join_or, suggest, Diagnostic, Diagnostics, Segment, YamlPath};
use crate::spec::Spec;
use crate::validate::ERROR_STATUS_HELP;
use crate::yaml::LocationIndex;

/// The JSON Schema (draft 2020-12) of `Spec`, as published at `generated/spec.schema.json`.
pub fn spec_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Spec)).expect("a schema is plain JSON");
    schema["title"] = Value::String("Dashboard spec".to_owned());
    bound_unsigned_integers(&mut schema);
    schema
}

/// schemars gives `u32` fields a minimum but no maximum, and `format` is not checked; without the bound a
/// too-large number would pass the shape check and only fail in serde, whose error carries no position.
fn bound_unsigned_integers(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let limit = match map.get("format").and_then(Value::as_str) {
                Some("uint8") => Some(u64::from(u8::MAX)),
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                _ => None,
            };
            if let Some(limit) = limit {
                map.entry("maximum").or_insert(Value::from(limit));
            }
            map.values_mut().for_each(bound_unsigned_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_unsigned_integers),
        _ => {}
    }
}

/// The schema and its compiled validator, built once: compiling takes far longer than checking a spec.
fn compiled() -> &'static (Value, jsonschema::Validator) {
    static COMPILED: OnceLock<(Value, jsonschema::Validator)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = spec_schema();
        let validator = jsonschema::validator_for(&schema).expect("the derived spec schema is a valid JSON Schema");
        (schema, validator)
    })
}

/// Checks the document's shape against the spec schema, returning every violation, sorted by position.
pub fn check_shape(document: &Value, locations: &LocationIndex<'_>) -> Diagnostics {
    let (schema, validator) = compiled();
    let describer = Describer { schema, document };
    let mut diagnostics = Diagnostics::default();
    for error in validator.iter_errors(document) {
        for diagnostic in describer.describe(&error) {
            let location = locations.find(&diagnostic.path);
            diagnostics.push(diagnostic.at(location));
        }
    }
    diagnostics.sort();
    diagnostics
}

/// Turns validator errors into diagnostics, looking up the schema for expected keys, kinds and descriptions.
struct Describer<'a> {
    schema: &'a Value,
    document: &'a Value,
}

impl Describer<'_> {
    fn describe(&self, error: &ValidationError<'_>) -> Vec<Diagnostic> {
        let path = yaml_path(&error.instance_path().to_string(), self.document);
        let schema_path = error.schema_path().to_string();
        // The schema object holding the keyword that failed, e.g. the struct for `additionalProperties`.
        let node = resolve(self.schema, parent_pointer(&schema_path)).unwrap_or(&Value::Null);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => self.unknown_keys(&path, node, unexpected),
            ValidationErrorKind::Required { property } => self
                .missing_key(&path, node, error.instance(), property.as_str().unwrap_or_default())
                .into_iter()
                .collect(),
            ValidationErrorKind::Enum { options } => self.not_accepted(&path, node, error.instance(), options),
            ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
                let alternatives = resolve(self.schema, &schema_path).and_then(Value::as_array);
                self.no_alternative(&path, error, alternatives.map_or(&[][..], Vec::as_slice), context)
            }
            ValidationErrorKind::Type { .. } => vec![self.wrong_type(&path, node, error.instance())],
            ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
                vec![self.out_of_range(&path, node, error.instance(), format!("below the minimum of {limit}"))]
            }
            ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
                vec![self.out_of_range(&path, node, error.instance(), format!("above the maximum of {limit}"))]
            }
            _ => {
                let how = how_to_write(json_type(node).unwrap_or("object"));
                vec![Diagnostic::new(path.clone(), error.to_string()).with_help(self.with_description(how, &path))]
            }
        }
    }

    fn unknown_keys(&self, path: &YamlPath, node: &Value, unexpected: &[String]) -> Vec<Diagnostic> {
        let declared = property_names(node);
        // The one map keyed by something other than names: `errors`, keyed by HTTP status.
        let keyed_by_number =
            node.get("patternProperties").and_then(Value::as_object).is_some_and(|p| p.contains_key("^\\d+$"));
        unexpected
            .iter()
            .map(|key| {
                if keyed_by_number && declared.is_empty() {
                    Diagnostic::new(path.key(key.clone()), format!("`{key}` is not an HTTP status code"))
                        .with_help(ERROR_STATUS_HELP)
                } else {
                    Diagnostic::new(path.key(key.clone()), format!("unknown key `{key}`"))
                        .with_help(suggest(key, declared.iter().map(String::as_str)))
                }
            })
            .collect()
    }

    /// A missing key, unless a misspelling of it is written: the unknown-key error already suggests it.
    fn missing_key(&self, path: &YamlPath, node: &Value, instance: &Value, name: &str) -> Option<Diagnostic> {
        let declared = property_names(node);
        let misspelled = instance.as_object().is_some_and(|written| {
            written.keys().any(|key| !declared.contains(key) && did_you_mean(key, [name]).is_some())
        });
        if misspelled {
            return None;
        }
        let property = node.get("properties").and_then(|p| p.get(name));
        let help = match property.and_then(|p| self.description_of(p)) {
            Some(description) => format!("add `{name}:` here ({})", fragment(description)),
            None => format!("add `{name}:` here"),
        };
        Some(Diagnostic::new(path.clone(), format!("missing required key `{name}`")).with_help(help))
    }

    fn not_accepted(&self, path: &YamlPath, node: &Value, instance: &Value, options: &Value) -> Vec<Diagnostic> {
        if node.get("type").is_some() && !instance.is_string() {
            // The `type` keyword of the same node reports this value; a second error would only repeat it.
            return Vec::new();
        }
        let given = plain(instance);
        let names: Vec<String> = options.as_array().into_iter().flatten().map(plain).collect();
        vec![Diagnostic::new(path.clone(), format!("`{given}` is not an accepted value"))
            .with_help(suggest(&given, names.iter().map(String::as_str)))]
    }

    fn wrong_type(&self, path: &YamlPath, node: &Value, instance: &Value) -> Diagnostic {
        let found = describe_value(instance);
        if path.0.is_empty() {
            let message = if instance.is_null() {
                "the spec is empty".to_owned()
            } else {
                format!("the spec must be a mapping, found {found}")
            };
            return Diagnostic::new(path.clone(), message)
                .with_help("start with the required sections `worker:`, `api:`, `environments:` and `routes:`");
        }
        let kinds = type_names(node);
        let expected: Vec<String> = kinds.iter().map(|kind| with_article(kind)).collect();
        let how = match (kinds.first().copied(), path.0.last()) {
            (Some("object"), Some(Segment::Index(_))) => {
                "write the item as `key: value` pairs after its `- `".to_owned()
            }
            (kind, _) => how_to_write(kind.unwrap_or("object")),
        };
        Diagnostic::new(path.clone(), format!("expected {}, found {found}", join_or(&expected)))
            .with_help(self.with_description(how, path))
    }

    fn out_of_range(&self, path: &YamlPath, node: &Value, instance: &Value, problem: String) -> Diagnostic {
        let kind = with_article(type_names(node).first().copied().unwrap_or("number"));
        let help = match (node.get("minimum"), node.get("maximum")) {
            (Some(min), Some(max)) => format!("write {kind} from {min} to {max}"),
            (Some(min), None) => format!("write {kind} of at least {min}"),
            (None, Some(max)) => format!("write {kind} of at most {max}"),
            (None, None) => format!("write {kind} in range"),
        };
        Diagnostic::new(path.clone(), format!("`{}` is {problem}", plain(instance)))
            .with_help(self.with_description(help, path))
    }

    /// An `anyOf`/`oneOf` failure (untagged or externally tagged enums, optional sections): find the
    /// alternative the author most likely meant and report its problems, or say which forms are accepted.
    fn no_alternative(
        &self,
        path: &YamlPath,
        error: &ValidationError<'_>,
        alternatives: &[Value],
        context: &[Vec<ValidationError<'_>>],
    ) -> Vec<Diagnostic> {
        let here = error.instance_path().to_string();
        let instance: &Value = error.instance();
        let alternatives: Vec<&Value> = alternatives.iter().map(|a| follow_ref(self.schema, a)).collect();
        let forms = self.forms(&alternatives);
        let expected = format!("expected {}", join_or(&forms));

        // An alternative for another kind of value (a list where a string was written) says nothing useful.
        let candidates: Vec<usize> =
            (0..context.len()).filter(|&i| !context[i].iter().any(|e| is_type_error_at(e, &here))).collect();
        if candidates.is_empty() {
            let help = self.description_at(path).map_or_else(|| "write one of the accepted forms".to_owned(), fragment);
            return vec![Diagnostic::new(path.clone(), format!("{expected}, found {}", describe_value(instance)))
                .with_help(help)];
        }

        // Errors at this very node mean the alternative does not fit at all; errors deeper down mean it fits
        // and something inside is wrong. The fewest errors here wins.
        let shallow = |i: usize| -> usize {
            context[i]
                .iter()
                .filter(|e| e.instance_path().to_string() == here)
                .map(|e| match e.kind() {
                    ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.len(),
                    _ => 1,
                })
                .sum()
        };
        let fewest = candidates.iter().map(|&i| shallow(i)).min().unwrap_or_default();
        let tied: Vec<usize> = candidates.into_iter().filter(|&i| shallow(i) == fewest).collect();

        // A string that is none of the accepted words (one enum, or several words each with its own
        // description): list every accepted form, not just the words of one alternative.
        if let Value::String(given) = instance {
            if let Some(words) = accepted_words(&tied, context, &here) {
                if forms.len() > words.len() {
                    let help = match did_you_mean(given, words.iter().map(String::as_str)) {
                        Some(guess) => format!("{guess} ({expected})"),
                        None => expected,
                    };
                    return vec![
                        Diagnostic::new(path.clone(), format!("`{given}` is not an accepted value")).with_help(help)
                    ];
                }
            }
        }
        if let [only] = tied.as_slice() {
            return context[*only].iter().flat_map(|e| self.describe(e)).collect();
        }

        let failure =
            Failure { path, here: &here, instance, alternatives: &alternatives, context, expected: &expected };
        if let Some(diagnostics) = self.tie_between_mappings(&failure, &tied) {
            return diagnostics;
        }
        let best = tied.iter().copied().min_by_key(|&i| context[i].len()).unwrap_or_default();
        context.get(best).into_iter().flatten().flat_map(|e| self.describe(e)).collect()
    }

    /// Several mapping forms fit equally badly: keys that belong to different forms were combined, an unknown
    /// key appears, or the key that picks a form is missing.
    fn tie_between_mappings(&self, failure: &Failure<'_, '_>, tied: &[usize]) -> Option<Vec<Diagnostic>> {
        let Failure { path, here, instance, alternatives, context, expected } = *failure;
        let Value::Object(written) = instance else { return None };
        let unexpected_in = |i: usize| -> BTreeSet<String> {
            context[i]
                .iter()
                .filter(|e| e.instance_path().to_string() == here)
                .flat_map(|e| match e.kind() {
                    ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.clone(),
                    _ => Vec::new(),
                })
                .collect()
        };
        let declared_by =
            |i: usize| -> Vec<String> { alternatives.get(i).map(|a| property_names(a)).unwrap_or_default() };
        let all_declared: Vec<String> = {
            let mut keys: Vec<String> = (0..alternatives.len()).flat_map(declared_by).collect();
            let mut seen = BTreeSet::new();
            keys.retain(|k| seen.insert(k.clone()));
            keys
        };

        let conflicting: Vec<String> = written
            .keys()
            .filter(|key| {
                tied.iter().any(|&i| declared_by(i).contains(key))
                    && tied.iter().any(|&i| unexpected_in(i).contains(*key))
            })
            .map(|key| format!("`{key}`"))
            .collect();
        let unknown: Vec<&String> = written
            .keys()
            .filter(|key| !all_declared.contains(key) && tied.iter().all(|&i| unexpected_in(i).contains(*key)))
            .collect();

        let mut diagnostics = Vec::new();
        if conflicting.len() >= 2 {
            diagnostics.push(
                Diagnostic::new(path.clone(), format!("{} cannot be used together", join_and(&conflicting)))
                    .with_help(format!("keep only one of them ({expected})")),
            );
        }
        for key in unknown {
            let help = match did_you_mean(key, all_declared.iter().map(String::as_str)) {
                Some(guess) => format!("{guess} ({expected})"),
                None => expected.to_owned(),
            };
            diagnostics.push(Diagnostic::new(path.key(key.clone()), format!("unknown key `{key}`")).with_help(help));
        }
        if !diagnostics.is_empty() {
            return Some(diagnostics);
        }

        let mut missing = Vec::new();
        for &i in tied {
            for e in &context[i] {
                match e.kind() {
                    ValidationErrorKind::Required { property } if e.instance_path().to_string() == here => {
                        missing.push(format!("`{}`", plain(property)));
                    }
                    _ => return None,
                }
            }
        }
        Some(vec![
            Diagnostic::new(path.clone(), format!("missing {}", join_or(&missing))).with_help(expected.to_owned())
        ])
    }

    /// How each alternative is written: enum values, `{key: ...}` for single-key mappings, kinds otherwise.
    fn forms(&self, alternatives: &[&Value]) -> Vec<String> {
        let mut forms = Vec::new();
        for alternative in alternatives {
            if let Some(values) = alternative.get("enum").and_then(Value::as_array) {
                forms.extend(values.iter().map(|v| format!("`{}`", plain(v))));
                continue;
            }
            if let Some(value) = alternative.get("const") {
                forms.push(format!("`{}`", plain(value)));
                continue;
            }
            match json_type(alternative) {
                Some("null") | None => {}
                Some("object") => {
                    let declared = property_names(alternative);
                    let required = required_names(alternative);
                    forms.push(match (declared.as_slice(), required.as_slice()) {
                        ([key], [needed]) if key == needed => format!("`{{{key}: ...}}`"),
                        (_, []) => "a mapping".to_owned(),
                        (_, needed) => {
                            let keys: Vec<String> = needed.iter().map(|k| format!("`{k}`")).collect();
                            format!("a mapping with {}", join_and(&keys))
                        }
                    });
                }
                Some("array") => {
                    let items = alternative.get("items").map(|i| follow_ref(self.schema, i));
                    let of_them = items.is_some_and(|items| alternatives.contains(&items));
                    forms.push(if of_them { "a list of them".to_owned() } else { "a list".to_owned() });
                }
                Some(kind) => forms.push(with_article(kind)),
            }
        }
        forms
    }

    /// `how` followed by what the node is for, when the schema says.
    fn with_description(&self, how: impl Into<String>, path: &YamlPath) -> String {
        let how = how.into();
        match self.description_at(path) {
            Some(description) => format!("{how} ({})", fragment(description)),
            None => how,
        }
    }

    /// The description of the document node at `path`: its property's own, else its type's.
    fn description_at(&self, path: &YamlPath) -> Option<&str> {
        self.description_of(self.schema_at(path)?)
    }

    fn description_of<'s>(&'s self, node: &'s Value) -> Option<&'s str> {
        node.get("description").or_else(|| follow_ref(self.schema, node).get("description")).and_then(Value::as_str)
    }

    /// The schema node describing the document node at `path`, before following its `$ref`, so that a
    /// property's own description is found before its type's.
    fn schema_at(&self, path: &YamlPath) -> Option<&Value> {
        let mut node = self.schema;
        for segment in &path.0 {
            let container = self.without_null(follow_ref(self.schema, node));
            node = match segment {
                Segment::Key(key) => container
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| container.get("additionalProperties").filter(|a| a.is_object()))?,
                Segment::Index(_) => container.get("items")?,
            };
        }
        Some(node)
    }

    /// The non-null alternative of an optional node (`anyOf: [X, {type: null}]`), else the node itself.
    fn without_null<'s>(&'s self, node: &'s Value) -> &'s Value {
        let Some(alternatives) = node.get("anyOf").and_then(Value::as_array) else { return node };
        let mut others = alternatives.iter().filter(|a| json_type(a) != Some("null"));
        match (others.next(), others.next()) {
            (Some(only), None) => follow_ref(self.schema, only),
            _ => node,
        }
    }
}

/// An `anyOf`/`oneOf` failure: where it is, what was written, the alternatives and each one's errors.
struct Failure<'f, 'e> {
    path: &'f YamlPath,
    here: &'f str,
    instance: &'f Value,
    alternatives: &'f [&'f Value],
    context: &'f [Vec<ValidationError<'e>>],
    /// "expected `a`, `b` or a list of them".
    expected: &'f str,
}

/// The words the tied alternatives accept, when each of them failed only because the value is not one of
/// its words (`enum` or `const`); `None` when some alternative failed for another reason.
fn accepted_words(tied: &[usize], context: &[Vec<ValidationError<'_>>], here: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    for &i in tied {
        let [single] = context[i].as_slice() else { return None };
        if single.instance_path().to_string() != here {
            return None;
        }
        match single.kind() {
            ValidationErrorKind::Enum { options } => words.extend(options.as_array()?.iter().map(plain)),
            ValidationErrorKind::Constant { expected_value } => words.push(plain(expected_value)),
            _ => return None,
        }
    }
    Some(words)
}

fn is_type_error_at(error: &ValidationError<'_>, pointer: &str) -> bool {
    matches!(error.kind(), ValidationErrorKind::Type { .. }) && error.instance_path().to_string() == pointer
}

fn property_names(node: &Value) -> Vec<String> {
    node.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

fn required_names(node: &Value) -> Vec<String> {
    node.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The JSON types a node accepts, leaving out `null` when it merely marks the value as optional.
fn type_names(node: &Value) -> Vec<&str> {
    let kinds: Vec<&str> = match node.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if kinds.len() > 1 {
        kinds.into_iter().filter(|k| *k != "null").collect()
    } else {
        kinds
    }
}

fn json_type(node: &Value) -> Option<&str> {
    type_names(node).first().copied()
}

/// "a string", "an integer", "a list", "a mapping": JSON Schema's kinds in the words of YAML.
fn with_article(kind: &str) -> String {
    match kind {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "an empty value",
        _ => "another kind of value",
    }
    .to_owned()
}

fn how_to_write(kind: &str) -> String {
    match kind {
        "string" => "write text, quoted if it would otherwise read as a number or boolean",
        "integer" => "write a whole number",
        "number" => "write a number",
        "boolean" => "write `true` or `false`",
        "array" => "write a list: `[a, b]`, or one `- item` per line",
        "object" => "write `key: value` pairs, indented under this key",
        "null" => "leave the value empty",
        _ => "write a value of the accepted kind",
    }
    .to_owned()
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "an empty value".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// A value as the author wrote it: strings without JSON quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => items.join(""),
    }
}

/// A schema description as part of a sentence: one line, without its final period. Its first word keeps its
/// case, since descriptions often start with a name (`Workers`, `OAuth`, `JSON`).
fn fragment(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    text.trim_end_matches('.').to_owned()
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Follows a JSON pointer into the schema, stepping through `$ref`s to local definitions.
fn resolve<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = schema;
    for segment in pointer.split('/').skip(1) {
        node = follow_ref(schema, node);
        node = match node {
            Value::Object(map) => map.get(&unescape(segment))?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn follow_ref<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) if reference.starts_with("#/") => schema.pointer(&reference[1..]).unwrap_or(node),
        _ => node,
    }
}

/// Turns a JSON pointer into a YAML path, telling list indexes from numeric keys by looking at the document.
fn yaml_path(pointer: &str, document: &Value) -> YamlPath {
    let mut path = YamlPath::root();
    let mut node = Some(document);
    for segment in pointer.split('/').skip(1) {
        let segment = unescape(segment);
        match node {
            Some(Value::Array(items)) => {
                let index = segment.parse::<usize>().unwrap_or(usize::MAX);
                node = items.get(index);
                path = path.index(index);
            }
            Some(Value::Object(map)) => {
                node = map.get(&segment);
                path = path.key(segment);
            }
            _ => {
                node = None;
                path = path.key(segment);
            }
        }
    }
    path
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_integers_get_their_upper_bound() {
        let schema = spec_schema();
        let max_age = &schema["$defs"]["CorsSpec"]["properties"]["max_age"];
        assert_eq!(max_age["maximum"], Value::from(u32::MAX));
        let status = &schema["$defs"]["ResponseSpec"]["properties"]["status"];
        assert_eq!(status["maximum"], Value::from(u16::MAX));
    }

    #[test]
    fn pointers_become_yaml_paths() {
        let document = serde_json::json!({"routes": [{"errors": {"400": "bad"}}], "a/b": 1});
        assert_eq!(yaml_path("/routes/0/errors/400", &document).to_string(), r#"routes[0].errors["400"]"#);
        assert_eq!(yaml_path("/a~1b", &document).0, vec![Segment::Key("a/b".to_owned())]);
        assert_eq!(yaml_path("", &document).to_string(), "(document)");
    }

    #[test]
    fn descriptions_read_as_fragments() {
        assert_eq!(fragment("Path of the crate,\nrelative to the spec."), "Path of the crate, relative to the spec");
        assert_eq!(fragment("OAuth scopes a caller needs."), "OAuth scopes a caller needs");
    }

    #[test]
    fn lists_join_like_sentences() {
        let items = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&items(&["`a`"])), "`a`");
        assert_eq!(join_and(&items(&["`a`", "`b`", "`c`"])), "`a`, `b` and `c`");
        assert_eq!(join_or(&items(&["x", "y"])), "x or y");
    }
}
