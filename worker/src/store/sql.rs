//! Runs a statement on the Durable Object's SQLite database in one call into JavaScript, its arguments
//! and its rows crossing as JSON text.
//!
//! `worker::SqlStorage::exec` pushes each argument into a JavaScript array one call at a time, and
//! `to_array` then walks every row into Rust field by field (`serde_wasm_bindgen`), several calls per
//! field. A metrics read or a control action runs several statements, so those calls were a large part of
//! each store request. Here the runtime's native `JSON.parse` and `JSON.stringify` do that work, and
//! `serde_json` reads the rows in one pass.

use js_sys::JsString;
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::{SqlStorage, SqlStorageValue};

#[wasm_bindgen(inline_js = r#"
export function sqlRun(sql, query, args) {
  sql.exec(query, ...JSON.parse(args));
}
export function sqlRows(sql, query, args) {
  return JSON.stringify(sql.exec(query, ...JSON.parse(args)).toArray());
}
export function sqlText(sql, query, args) {
  for (const [value] of sql.exec(query, ...JSON.parse(args)).raw()) return value;
  return null;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = sqlRun, catch)]
    fn sql_run(sql: &JsValue, query: &str, args: &str) -> Result<(), JsValue>;

    /// The rows as a JSON array of objects keyed by column name.
    #[wasm_bindgen(js_name = sqlRows, catch)]
    fn sql_rows(sql: &JsValue, query: &str, args: &str) -> Result<String, JsValue>;

    /// The first column of the first row, text or null.
    #[wasm_bindgen(js_name = sqlText, catch)]
    fn sql_text(sql: &JsValue, query: &str, args: &str) -> Result<Option<JsString>, JsValue>;
}

/// Runs `query` with `args` bound to its `?` placeholders, for its effect.
pub fn execute(sql: &SqlStorage, query: &str, args: &[SqlStorageValue]) -> worker::Result<()> {
    Ok(sql_run(sql.as_ref(), query, &arguments(args)?)?)
}

/// Runs `query` with `args` bound to its `?` placeholders and reads every row it yields as a `T`.
pub fn rows<T: DeserializeOwned>(sql: &SqlStorage, query: &str, args: &[SqlStorageValue]) -> worker::Result<Vec<T>> {
    let rows = sql_rows(sql.as_ref(), query, &arguments(args)?)?;
    serde_json::from_str(&rows).map_err(|error| worker::Error::RustError(format!("rows of `{query}`: {error}")))
}

/// Runs `query`, which yields one row whose first column is text, and returns that text as it is, still a
/// JavaScript string: a caller that only passes it on never copies it into wasm. A document SQLite writes
/// (`json_object`) is one long text: read through [`rows`] it would be escaped by `JSON.stringify` and
/// unescaped by `serde_json` on the way.
pub fn text(sql: &SqlStorage, query: &str, args: &[SqlStorageValue]) -> worker::Result<JsString> {
    sql_text(sql.as_ref(), query, &arguments(args)?)?
        .ok_or_else(|| worker::Error::RustError(format!("no text from `{query}`")))
}

/// The arguments as a JSON array. They become the same JavaScript values `SqlStorage::exec` would pass:
/// integers become numbers either way. Blobs have no JSON form; no statement here binds one.
fn arguments(args: &[SqlStorageValue]) -> worker::Result<String> {
    serde_json::to_string(&Arguments(args)).map_err(|error| worker::Error::RustError(error.to_string()))
}

/// Writes the arguments straight into the JSON text, without copying them into `serde_json::Value`s first.
struct Arguments<'a>(&'a [SqlStorageValue]);

impl Serialize for Arguments<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut array = serializer.serialize_seq(Some(self.0.len()))?;
        for arg in self.0 {
            match arg {
                SqlStorageValue::Null => array.serialize_element(&())?,
                SqlStorageValue::Boolean(value) => array.serialize_element(value)?,
                SqlStorageValue::Integer(value) => array.serialize_element(value)?,
                SqlStorageValue::Float(value) => array.serialize_element(value)?,
                SqlStorageValue::String(value) => array.serialize_element(value)?,
                SqlStorageValue::Blob(_) => return Err(S::Error::custom("a blob cannot be bound as JSON")),
            }
        }
        array.end()
    }
}

#[cfg(test)]
mod tests {
    use worker::SqlStorageValue;

    use super::arguments;

    #[test]
    fn arguments_are_a_json_array_in_order() {
        let args = [
            SqlStorageValue::from("it's \"quoted\""),
            SqlStorageValue::from(42_i64),
            SqlStorageValue::from(1.5),
            SqlStorageValue::Null,
            SqlStorageValue::from(true),
        ];
        assert_eq!(arguments(&args).unwrap(), r#"["it's \"quoted\"",42,1.5,null,true]"#);
        assert_eq!(arguments(&[]).unwrap(), "[]");
        assert!(arguments(&[SqlStorageValue::Blob(vec![1])]).is_err());
    }
}
