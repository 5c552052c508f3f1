//! The checks the spec declares for a value, and request parameters read through them.
//!
//! Generated code states each value's checks once, as a `Checks` built from `Checks::NONE`, and hands the
//! work to one call per parameter or field: the generated files stay short, and so does the compiler's work
//! on them.

use std::borrow::Cow;

use crate::extract::{check_allowed, check_format, check_length, check_range, field_error, path_segment, Query};
use crate::{ApiError, Format};

/// Bounds, lengths, format and allowed values of one parameter or body field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checks {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub format: Option<Format>,
    pub allowed: Option<&'static [&'static str]>,
}

impl Checks {
    /// No checks; the builder methods below add the declared ones.
    pub const NONE: Self =
        Self { minimum: None, maximum: None, min_length: None, max_length: None, format: None, allowed: None };

    pub const fn minimum(self, minimum: f64) -> Self {
        Self { minimum: Some(minimum), ..self }
    }

    pub const fn maximum(self, maximum: f64) -> Self {
        Self { maximum: Some(maximum), ..self }
    }

    pub const fn min_length(self, min_length: usize) -> Self {
        Self { min_length: Some(min_length), ..self }
    }

    pub const fn max_length(self, max_length: usize) -> Self {
        Self { max_length: Some(max_length), ..self }
    }

    pub const fn format(self, format: Format) -> Self {
        Self { format: Some(format), ..self }
    }

    pub const fn allowed(self, allowed: &'static [&'static str]) -> Self {
        Self { allowed: Some(allowed), ..self }
    }

    /// Checks a body field; a failure is a 400 located at `at.field` (`body.items[2].name`).
    pub fn field<V: Checked + ?Sized>(&self, value: &V, at: &str, field: &str) -> Result<(), ApiError> {
        value.check(self).map_err(|message| field_error(at, field, message))
    }
}

/// A value checks apply to: numbers have bounds; strings have lengths, a format and allowed values, checked
/// in that order. The message names the first check that failed.
pub trait Checked {
    fn check(&self, checks: &Checks) -> Result<(), String>;
}

impl Checked for i64 {
    fn check(&self, checks: &Checks) -> Result<(), String> {
        check_range(*self as f64, checks.minimum, checks.maximum)
    }
}

impl Checked for f64 {
    fn check(&self, checks: &Checks) -> Result<(), String> {
        check_range(*self, checks.minimum, checks.maximum)
    }
}

impl Checked for bool {
    fn check(&self, _checks: &Checks) -> Result<(), String> {
        Ok(())
    }
}

impl Checked for str {
    fn check(&self, checks: &Checks) -> Result<(), String> {
        if checks.min_length.is_some() || checks.max_length.is_some() {
            check_length(self, checks.min_length, checks.max_length)?;
        }
        if let Some(format) = checks.format {
            check_format(self, format)?;
        }
        match checks.allowed {
            Some(allowed) => check_allowed(self, allowed),
            None => Ok(()),
        }
    }
}

impl Checked for String {
    fn check(&self, checks: &Checks) -> Result<(), String> {
        self.as_str().check(checks)
    }
}

/// An absent optional value passes every check.
impl<T: Checked> Checked for Option<T> {
    fn check(&self, checks: &Checks) -> Result<(), String> {
        self.as_ref().map_or(Ok(()), |value| value.check(checks))
    }
}

/// Where a parameter is read from; error locations start with it (`query.limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

impl ParamIn {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

/// One request parameter as it arrived, absent or as raw text, to be parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Param<'a> {
    source: ParamIn,
    name: &'static str,
    raw: Option<Cow<'a, str>>,
}

impl<'a> Param<'a> {
    /// The query parameter `name`, percent-decoded; the first occurrence wins.
    pub fn query(query: &'a Query<'_>, name: &'static str) -> Self {
        Self { source: ParamIn::Query, name, raw: query.get(name).map(Cow::Borrowed) }
    }

    /// The header `name`.
    pub fn header(request: &crate::IncomingRequest, name: &'static str) -> Result<Self, ApiError> {
        Ok(Self { source: ParamIn::Header, name, raw: request.headers().get(name)?.map(Cow::Owned) })
    }

    /// The path segment at `index` (the route matched, so it is there), percent-decoded.
    pub fn path(segments: &[&'a str], index: usize, name: &'static str) -> Result<Self, ApiError> {
        let raw = segments.get(index).copied().unwrap_or_default();
        let decoded =
            path_segment(raw).map_err(|message| ApiError::invalid_parameter(location(ParamIn::Path, name), message))?;
        Ok(Self { source: ParamIn::Path, name, raw: Some(decoded) })
    }

    /// The parsed and checked value, or `None` when the parameter is absent.
    pub fn optional<T: FromParam>(self, checks: &Checks) -> Result<Option<T>, ApiError> {
        let Some(raw) = self.raw.as_deref() else { return Ok(None) };
        let fail = |message| ApiError::invalid_parameter(location(self.source, self.name), message);
        let value = T::from_param(raw).map_err(fail)?;
        value.check(checks).map_err(fail)?;
        Ok(Some(value))
    }

    /// The parsed and checked value; an absent parameter is a 400.
    pub fn required<T: FromParam>(self, checks: &Checks) -> Result<T, ApiError> {
        let (source, name) = (self.source, self.name);
        self.optional(checks)?.ok_or_else(|| {
            let message = format!("the {} parameter `{name}` is required", source.as_str());
            ApiError::invalid_parameter(location(source, name), message)
        })
    }

    /// The parsed and checked value, or `default` when the parameter is absent.
    pub fn or<T: FromParam>(self, default: T, checks: &Checks) -> Result<T, ApiError> {
        Ok(self.optional(checks)?.unwrap_or(default))
    }
}

/// `query.limit`, `path.run_id`, `header.X-Session-Id`; built only for an error answer.
fn location(source: ParamIn, name: &str) -> String {
    format!("{}.{name}", source.as_str())
}

/// A parameter type: parsed from the raw text, with a message saying what was expected otherwise.
pub trait FromParam: Checked + Sized {
    fn from_param(raw: &str) -> Result<Self, String>;
}

impl FromParam for String {
    fn from_param(raw: &str) -> Result<Self, String> {
        Ok(raw.to_owned())
    }
}

impl FromParam for i64 {
    fn from_param(raw: &str) -> Result<Self, String> {
        crate::extract::parse_integer(raw)
    }
}

impl FromParam for f64 {
    fn from_param(raw: &str) -> Result<Self, String> {
        crate::extract::parse_number(raw)
    }
}

impl FromParam for bool {
    fn from_param(raw: &str) -> Result<Self, String> {
        crate::extract::parse_bool(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_param(raw: Option<&'static str>) -> Param<'static> {
        Param { source: ParamIn::Query, name: "limit", raw: raw.map(Cow::Borrowed) }
    }

    #[test]
    fn parameters_are_parsed_checked_and_located() {
        let bounds = Checks::NONE.minimum(1.0).maximum(1000.0);
        assert_eq!(query_param(Some("12")).or(100, &bounds), Ok(12));
        assert_eq!(query_param(None).or(100, &bounds), Ok(100));
        let error = query_param(Some("5000")).or(100i64, &bounds).unwrap_err();
        assert_eq!(error.location.as_deref(), Some("query.limit"));
        assert_eq!(error.message, "must be at most 1000, got 5000");
        let error = query_param(Some("12x")).optional::<i64>(&Checks::NONE).unwrap_err();
        assert_eq!(error.message, "expected an integer, got `12x`");
        let error = query_param(None).required::<i64>(&Checks::NONE).unwrap_err();
        assert_eq!((error.status, error.message.as_ref()), (400, "the query parameter `limit` is required"));
        assert_eq!(query_param(None).optional::<bool>(&Checks::NONE), Ok(None));
    }

    #[test]
    fn path_segments_are_decoded() {
        let param = Param::path(&["api", "runs", "a%20b"], 2, "run_id").unwrap();
        assert_eq!(param.required::<String>(&Checks::NONE), Ok("a b".to_owned()));
        let error = Param::path(&["%ff"], 0, "run_id").unwrap_err();
        assert_eq!(error.location.as_deref(), Some("path.run_id"));
    }

    #[test]
    fn string_checks_run_in_order() {
        let checks = Checks::NONE.max_length(3).allowed(&["ab", "abcd"]);
        assert_eq!("abcd".check(&checks).unwrap_err(), "must be at most 3 characters long, got 4");
        assert_eq!("abc".check(&checks).unwrap_err(), "must be one of ab, abcd, got `abc`");
        assert_eq!("ab".check(&checks), Ok(()));
        assert_eq!(None::<String>.check(&checks), Ok(()));
        let error = Checks::NONE.format(Format::Uuid).field("x", "body", "id").unwrap_err();
        assert_eq!(error.location.as_deref(), Some("body.id"));
    }
}
