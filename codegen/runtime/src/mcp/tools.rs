//! A tool call in terms of its route: arguments become the route's parameters or body, checked by the very
//! code that checks an HTTP request, and the route's answer becomes the tool result.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::{ApiError, Json};

/// Where the parameters of a tool call are put, so the route's generated extraction can read them.
/// The host is never contacted: only the path and query are read.
const ARGUMENTS_ORIGIN: &str = "https://tool-arguments.invalid";

/// The `arguments` of a `tools/call`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arguments(pub Map<String, Value>);

impl Arguments {
    /// The URL the route would have been called with: `{name}` segments of `path` filled in, every other
    /// argument in the query. Arguments the route does not take are refused, as the input schema says.
    pub fn into_url(self, path: &str, names: &[&str]) -> Result<crate::RequestUrl, ApiError> {
        self.refuse_unknown(names)?;
        let mut arguments = self.0;
        let mut filled = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            filled.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let value = arguments.remove(name).ok_or_else(|| invalid(name, "is required"))?;
                    let text = scalar_text(name, &value)?;
                    filled.extend(percent_encoding::utf8_percent_encode(&text, SEGMENT));
                }
                None => filled.push_str(segment),
            }
        }
        let mut url = url::Url::parse(ARGUMENTS_ORIGIN).map_err(|_| ApiError::internal("bad arguments origin"))?;
        url.set_path(&filled);
        if !arguments.is_empty() {
            let mut query = url.query_pairs_mut();
            for (name, value) in &arguments {
                query.append_pair(name, &scalar_text(name, value)?);
            }
        }
        Ok(url.into())
    }

    /// The route's body, decoded exactly as a request body is (with the same located errors).
    pub fn into_body<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let bytes = serde_json::to_vec(&Value::Object(self.0)).map_err(|_| ApiError::internal("unencodable"))?;
        crate::decode_json(&bytes)
    }

    /// For a route that takes no input.
    pub fn none(self) -> Result<(), ApiError> {
        self.refuse_unknown(&[])
    }

    fn refuse_unknown(&self, names: &[&str]) -> Result<(), ApiError> {
        match self.0.keys().find(|key| !names.contains(&key.as_str())) {
            Some(key) if names.is_empty() => Err(invalid(key, "is not an argument of this tool, which takes none")),
            Some(key) => Err(invalid(key, format!("is not an argument of this tool (expected {})", names.join(", ")))),
            None => Ok(()),
        }
    }
}

/// Path segment characters that must be escaped (RFC 3986 `pchar` keeps the rest).
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Parameters are scalars; the route's extraction then parses and checks the text as it would a query.
fn scalar_text(name: &str, value: &Value) -> Result<String, ApiError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => {
            Err(invalid(name, "must be a string, a number or a boolean"))
        }
    }
}

fn invalid(name: &str, message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::invalid_parameter(format!("arguments.{name}"), message)
}

/// A successful tool result: the route's answer as `structuredContent`, and as JSON text for clients that
/// only read `content`.
pub async fn tool_result<T: Serialize>(output: Json<T>) -> Result<String, ApiError> {
    let structured = output.into_document().await?;
    let text = structured.to_string();
    Ok(json!({
        "content": [{ "type": "text", "text": text }],
        "structuredContent": structured,
        "isError": false,
    })
    .to_string())
}

/// A failed tool call, reported to the model (not as a protocol error) so it can correct its arguments:
/// the route's error, with its location named in terms of the tool's arguments.
pub fn tool_error(error: &ApiError) -> String {
    let location = error.location.as_deref().map(argument_location);
    let text = match &location {
        Some(location) => format!("{location}: {}", error.message),
        None => error.message.to_string(),
    };
    json!({ "content": [{ "type": "text", "text": text }], "isError": true }).to_string()
}

/// `query.limit` and `body.run_id` are the tool's `arguments.limit` and `arguments.run_id`.
fn argument_location(location: &str) -> String {
    match location.split_once('.') {
        Some(("query" | "path" | "body", rest)) => format!("arguments.{rest}"),
        None if location == "body" => "arguments".to_owned(),
        _ => location.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::now;

    fn arguments(value: Value) -> Arguments {
        Arguments(value.as_object().unwrap().clone())
    }

    #[test]
    fn parameters_become_the_route_url() {
        let url = arguments(json!({"limit": 10, "since": 3, "flag": true}))
            .into_url("/api/logs", &["limit", "since", "flag"])
            .unwrap();
        assert_eq!(url.path(), "/api/logs");
        let query = crate::Query::parse(&url);
        let read = ["flag", "limit", "since"].map(|name| query.get(name));
        assert_eq!(read, [Some("true"), Some("10"), Some("3")]);
        let url = arguments(json!({"run_id": "a b/c", "verbose": "yes"}))
            .into_url("/api/runs/{run_id}", &["run_id", "verbose"])
            .unwrap();
        assert_eq!(url.path(), "/api/runs/a%20b%2Fc");
        assert_eq!(url.query(), Some("verbose=yes"));
    }

    #[test]
    fn arguments_the_route_does_not_take_are_refused() {
        let error = arguments(json!({"limt": 1})).into_url("/api/logs", &["limit", "since"]).unwrap_err();
        assert_eq!((error.status, error.location.as_deref()), (400, Some("arguments.limt")));
        assert!(error.message.contains("expected limit, since"), "{}", error.message);
        let error = arguments(json!({"x": 1})).none().unwrap_err();
        assert_eq!(error.location.as_deref(), Some("arguments.x"));
        assert_eq!(arguments(json!({})).none(), Ok(()));
        let error = arguments(json!({"limit": [1]})).into_url("/api/logs", &["limit"]).unwrap_err();
        assert_eq!(error.location.as_deref(), Some("arguments.limit"));
        let error = arguments(json!({})).into_url("/api/runs/{run_id}", &["run_id"]).unwrap_err();
        assert_eq!((error.location.as_deref(), &*error.message), (Some("arguments.run_id"), "is required"));
    }

    #[test]
    fn bodies_decode_with_located_errors() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Body {
            action: String,
        }
        assert_eq!(arguments(json!({"action": "pause"})).into_body::<Body>(), Ok(Body { action: "pause".into() }));
        let error = arguments(json!({"action": 3})).into_body::<Body>().unwrap_err();
        assert_eq!(error.location.as_deref(), Some("body.action"));
        assert!(tool_error(&error).contains("arguments.action: "), "{}", tool_error(&error));
    }

    #[test]
    fn results_carry_structured_content_and_text() {
        let result: Value =
            serde_json::from_str(&now(tool_result(Json::from(json!({"status": "ok"})))).unwrap()).unwrap();
        assert_eq!(result["structuredContent"], json!({"status": "ok"}));
        assert_eq!(result["content"][0]["text"], json!(r#"{"status":"ok"}"#));
        assert_eq!(result["isError"], json!(false));
        let encoded = now(tool_result(Json::<Value>::encoded(br#"{ "status": "ok" }"#.to_vec()))).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&encoded).unwrap(), result, "JSON made elsewhere, the same result");
        let failed: Value = serde_json::from_str(&tool_error(&ApiError::conflict("runs are paused"))).unwrap();
        assert_eq!(failed, json!({"content": [{"type": "text", "text": "runs are paused"}], "isError": true}));
    }
}
