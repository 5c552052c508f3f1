//! The request's URL, read only as far as routing needs it.

use std::cell::OnceCell;
use std::ops::Range;

use worker::url::Position;
use worker::Url;

/// The URL of the incoming request, as the runtime serialized it.
///
/// Routing and parameter extraction need only the path and the query, which sit at known places in a
/// serialized URL: the path starts at the first `/` after `://` (the host cannot contain one) and runs to
/// the first `?`. Parsing the whole URL with the `url` crate (scheme, host, port, normalisation) on every
/// request was 3% of the CPU samples of `/api/health` in workerd, so that parse happens only when a handler
/// asks for it ([`RequestUrl::parsed`]).
#[derive(Debug)]
pub struct RequestUrl {
    text: String,
    path: Range<usize>,
    query: Option<Range<usize>>,
    parsed: OnceCell<Url>,
}

impl RequestUrl {
    /// Reads `text`, an absolute URL. The runtime hands over URLs in serialized form; anything else is
    /// parsed and serialized first, so the positions are those of its serialized form.
    pub fn new(text: String) -> worker::Result<Self> {
        match Self::locate(&text) {
            Some((path, query)) => Ok(Self { text, path, query, parsed: OnceCell::new() }),
            None => Ok(Self::from(Url::parse(&text)?)),
        }
    }

    /// The path's and the query's places in a serialized URL with an authority (`scheme://host/...`).
    fn locate(text: &str) -> Option<(Range<usize>, Option<Range<usize>>)> {
        let authority_start = text.find("://")? + 3;
        let path_start = authority_start + text[authority_start..].find(['/', '?', '#'])?;
        if !text[path_start..].starts_with('/') {
            return None;
        }
        let end_of = |from: usize, stops: &[char]| text[from..].find(stops).map_or(text.len(), |end| from + end);
        let path_end = end_of(path_start, &['?', '#']);
        let query = text[path_end..].starts_with('?').then(|| path_end + 1..end_of(path_end, &['#']));
        Some((path_start..path_end, query))
    }

    /// The path, still percent-encoded, e.g. `/api/logs`.
    pub fn path(&self) -> &str {
        &self.text[self.path.clone()]
    }

    /// The query without its `?`, still percent-encoded; `None` when the URL has no `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.clone().map(|query| &self.text[query])
    }

    /// The whole URL, as the runtime gave it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL parsed by the `url` crate, on first use.
    pub fn parsed(&self) -> worker::Result<&Url> {
        if let Some(parsed) = self.parsed.get() {
            return Ok(parsed);
        }
        let parsed = Url::parse(&self.text)?;
        Ok(self.parsed.get_or_init(|| parsed))
    }
}

/// A URL already parsed (an MCP tool call's arguments, say), with its places as the `url` crate found them.
impl From<Url> for RequestUrl {
    fn from(parsed: Url) -> Self {
        let offset = |position: Position| parsed[..position].len();
        let path = offset(Position::BeforePath)..offset(Position::AfterPath);
        let query = parsed.query().map(|_| offset(Position::BeforeQuery)..offset(Position::AfterQuery));
        Self { text: parsed.to_string(), path, query, parsed: OnceCell::from(parsed) }
    }
}

#[cfg(test)]
mod tests {
    use super::RequestUrl;
    use worker::Url;

    /// The path and query found by position are the ones the `url` crate parses.
    #[test]
    fn path_and_query_are_those_the_url_crate_finds() {
        for text in [
            "http://127.0.0.1:8787/api/health",
            "https://dash.example.com/api/logs?limit=100&since=5",
            "https://dash.example.com/?",
            "https://dash.example.com/a/b%2Fc/?q=/x?y#frag",
            "http://[::1]:8787/api/runs/abc",
            "https://user:pa%2Fss@dash.example.com/x",
            "https://dash.example.com/x#only-a-fragment",
        ] {
            let url = RequestUrl::new(text.to_owned()).expect(text);
            let parsed = Url::parse(text).expect(text);
            assert_eq!(url.path(), parsed.path(), "{text}");
            assert_eq!(url.query(), parsed.query(), "{text}");
            assert_eq!(url.parsed().expect(text), &parsed, "{text}");
            let from_parsed = RequestUrl::from(parsed.clone());
            assert_eq!((from_parsed.path(), from_parsed.query()), (parsed.path(), parsed.query()), "{text}");
        }
    }

    #[test]
    fn an_unserialized_url_is_serialized_first() {
        let url = RequestUrl::new("HTTPS://Dash.Example.com?x=1".to_owned()).unwrap();
        assert_eq!((url.path(), url.query()), ("/", Some("x=1")));
        assert_eq!(url.as_str(), "https://dash.example.com/?x=1");
        // A `/` in the query is not where the path starts.
        let url = RequestUrl::new("https://dash.example.com?next=/api".to_owned()).unwrap();
        assert_eq!((url.path(), url.query()), ("/", Some("next=/api")));
    }

    #[test]
    fn a_relative_url_is_an_error() {
        assert!(RequestUrl::new("/api/health".to_owned()).is_err());
    }
}
