//! Spec errors a user can act on: where (file:line:column and YAML path), what is wrong, and how to fix it.

use std::fmt;

/// A position in the spec file, 1-based like editors show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One step into the YAML document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A YAML path such as `routes[3].scopes[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct YamlPath(pub Vec<Segment>);

impl YamlPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        Self(segments)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        Self(segments)
    }

    /// The last key of the path, if it ends in a key: the name a user sees written before the colon.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn starts_with(&self, ancestor: &YamlPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain_key(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                // Keys such as scope names (`search.read`) or status codes would be ambiguous after a dot.
                Segment::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A single problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: YamlPath,
    pub location: Option<Location>,
    /// What is wrong, without a trailing period.
    pub message: String,
    /// How to fix it, e.g. a "did you mean" or the accepted values.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(path: YamlPath, message: impl Into<String>) -> Self {
        Self { path, location: None, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Renders the diagnostic the way compilers do, so editors and terminals can jump to it.
    pub fn render(&self, file: &str) -> String {
        let position = match self.location {
            Some(Location { line, column }) => format!("{file}:{line}:{column}"),
            None => file.to_owned(),
        };
        let mut text = format!("{position}: error at {}: {}", self.path, self.message);
        if let Some(help) = &self.help {
            text.push_str("\n    help: ");
            text.push_str(help);
        }
        text
    }
}

/// All problems found in a spec, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by position so the report reads top to bottom (diagnostics without a position go last) and
    /// drops repeats, which arise when two checks reach the same problem by different routes.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| (d.location.is_none(), d.location, d.path.clone(), d.message.clone());
            key(a).cmp(&key(b))
        });
        self.0.dedup_by(|later, earlier| later.path == earlier.path && later.message == earlier.message);
    }

    pub fn render(&self, file: &str) -> String {
        let mut text = String::new();
        for diagnostic in &self.0 {
            text.push_str(&diagnostic.render(file));
            text.push('\n');
        }
        let count = self.0.len();
        text.push_str(&format!("{count} error{} in {file}\n", if count == 1 { "" } else { "s" }));
        text
    }
}

/// "did you mean" help: the candidate nearest to `name`, when it is near enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // Case is compared loosely: `get` for `GET` or `sessions` for `SESSIONS` is a typo worth naming.
    let lowered = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (strsim::jaro_winkler(&lowered, &candidate.to_lowercase()), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

/// `a`, `a or b`, `a, b or c`: how a sentence lists alternatives.
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Help text listing the accepted names, with a "did you mean" first when one is close.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let known: Vec<&str> = candidates.clone().into_iter().collect();
    let listing = if known.is_empty() {
        "none are declared".to_owned()
    } else {
        format!("expected one of: {}", known.join(", "))
    };
    match did_you_mean(name, candidates) {
        Some(guess) => format!("{guess} ({listing})"),
        None => listing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_accessors() {
        let path = YamlPath::root().key("routes").index(3).key("scopes").index(0);
        assert_eq!(path.to_string(), "routes[3].scopes[0]");
        let dotted = YamlPath::root().key("oauth").key("scopes").key("search.read");
        assert_eq!(dotted.to_string(), r#"oauth.scopes["search.read"]"#);
        let status = YamlPath::root().key("routes").index(0).key("errors").key("400");
        assert_eq!(status.to_string(), r#"routes[0].errors["400"]"#);
        assert_eq!(YamlPath::root().to_string(), "(document)");
        assert_eq!(YamlPath::root().index(2).key("id").to_string(), "[2].id");
        assert_eq!(YamlPath::root().key("query").key("").to_string(), r#"query[""]"#);
        assert_eq!(YamlPath::root().key("header").key("X-Session-Id").to_string(), "header.X-Session-Id");
    }

    #[test]
    fn path_helpers() {
        let route = YamlPath::root().key("routes").index(1);
        assert_eq!(route.key("id").last_key(), Some("id"));
        assert_eq!(route.last_key(), None);
        assert!(route.key("id").starts_with(&route));
        assert!(!route.starts_with(&route.key("id")));
    }

    #[test]
    fn rendering_names_file_position_path_message_and_help() {
        let located = Diagnostic::new(YamlPath::root().key("worker").key("name"), "`X` is not a valid Worker name")
            .with_help("use lowercase letters")
            .at(Some(Location { line: 2, column: 3 }));
        assert_eq!(
            located.render("spec.yaml"),
            "spec.yaml:2:3: error at worker.name: `X` is not a valid Worker name\n    help: use lowercase letters"
        );
        let unlocated = Diagnostic::new(YamlPath::root(), "the spec is empty");
        assert_eq!(unlocated.render("spec.yaml"), "spec.yaml: error at (document): the spec is empty");
        assert_eq!(
            Diagnostics(vec![unlocated.clone()]).render("s.yaml"),
            "s.yaml: error at (document): the spec is empty\n1 error in s.yaml\n"
        );
        assert_eq!(
            Diagnostics(vec![unlocated.clone(), located]).render("s.yaml").lines().last(),
            Some("2 errors in s.yaml")
        );
    }

    #[test]
    fn sorting_orders_by_position_and_drops_repeats() {
        let at = |line| Some(Location { line, column: 1 });
        let a = Diagnostic::new(YamlPath::root().key("a"), "first").at(at(5));
        let b = Diagnostic::new(YamlPath::root().key("b"), "second").at(at(2));
        let nowhere = Diagnostic::new(YamlPath::root(), "no position");
        let mut diagnostics =
            Diagnostics(vec![nowhere.clone(), a.clone(), b.clone(), a.clone().with_help("same problem")]);
        diagnostics.sort();
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["second", "first", "no position"]);
    }

    #[test]
    fn suggestions_only_for_near_names() {
        assert_eq!(
            did_you_mean("search.reed", ["search.read", "docs.write"]).as_deref(),
            Some("did you mean `search.read`?")
        );
        assert_eq!(did_you_mean("get", ["GET", "POST"]).as_deref(), Some("did you mean `GET`?"));
        assert_eq!(did_you_mean("zzz", ["search.read", "docs.write"]), None);
        assert_eq!(did_you_mean("GET", ["GET"]), None);
    }

    #[test]
    fn help_lists_the_accepted_names() {
        assert_eq!(suggest("Helth", ["Health", "Run"]), "did you mean `Health`? (expected one of: Health, Run)");
        assert_eq!(suggest("zzz", ["Health", "Run"]), "expected one of: Health, Run");
        assert_eq!(suggest("zzz", []), "none are declared");
    }

    #[test]
    fn alternatives_join_with_or() {
        let items = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_or(&items(&[])), "");
        assert_eq!(join_or(&items(&["a"])), "a");
        assert_eq!(join_or(&items(&["a", "b", "c"])), "a, b or c");
    }
}
