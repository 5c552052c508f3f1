//! The answer of a JSON route: a value, or JSON already encoded for one.

use worker::web_sys;

use crate::{ApiError, OutgoingResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a `Service` method answers for a route whose response is a `T`.
///
/// Most handlers build a `T` and return it with `.into()`. A handler whose data already arrives as JSON
/// for a `T` (a store that answers in JSON) passes it on with [`Json::encoded`] or, still unread, with
/// [`Json::streamed`]: those bytes become the response body as they are, instead of being decoded into a
/// `T` only to be encoded again.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<T> {
    body: Body<T>,
}

#[derive(Debug, Clone, PartialEq)]
enum Body<T> {
    Value(T),
    Encoded(Vec<u8>),
    Streamed(web_sys::ReadableStream),
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Self { body: Body::Value(value) }
    }
}

impl<T> Json<T> {
    /// JSON text that encodes a `T`. It is sent unchecked, so it must come from a source that is typed to
    /// answer a `T`, such as a store reply checked against its query's reply type.
    pub fn encoded(json: Vec<u8>) -> Self {
        Self { body: Body::Encoded(json) }
    }

    /// JSON text that encodes a `T`, as a stream not yet read (another `Response`'s body), on the same
    /// terms as [`Json::encoded`]. An HTTP answer hands the stream to the runtime, which copies it to the
    /// client without it ever entering JavaScript or wasm; only a caller that needs the text reads it.
    pub fn streamed(json: web_sys::ReadableStream) -> Self {
        Self { body: Body::Streamed(json) }
    }

    /// The answer as a `status` response.
    pub fn into_response(self, status: u16) -> Result<OutgoingResponse, ApiError>
    where
        T: Serialize,
    {
        let json = match self.body {
            Body::Value(value) => serde_json::to_vec(&value).map_err(unencodable)?,
            Body::Encoded(json) => json,
            Body::Streamed(json) => return Ok(OutgoingResponse::streamed_json(status, json)),
        };
        Ok(OutgoingResponse::json(status, json))
    }
}

impl<T: Serialize> Json<T> {
    /// The JSON text.
    pub async fn into_bytes(self) -> Result<Vec<u8>, ApiError> {
        match self.body {
            Body::Value(value) => serde_json::to_vec(&value).map_err(unencodable),
            Body::Encoded(json) => Ok(json),
            Body::Streamed(json) => read(json).await,
        }
    }

    /// The answer as a JSON document, for embedding in another (an MCP tool result).
    pub async fn into_document(self) -> Result<serde_json::Value, ApiError> {
        match self.body {
            Body::Value(value) => serde_json::to_value(&value).map_err(unencodable),
            Body::Encoded(json) => serde_json::from_slice(&json).map_err(unencodable),
            Body::Streamed(json) => serde_json::from_slice(&read(json).await?).map_err(unencodable),
        }
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// The answer as a value; encoded JSON is decoded.
    pub async fn into_value(self) -> Result<T, ApiError> {
        match self.body {
            Body::Value(value) => Ok(value),
            Body::Encoded(json) => serde_json::from_slice(&json).map_err(unencodable),
            Body::Streamed(json) => serde_json::from_slice(&read(json).await?).map_err(unencodable),
        }
    }
}

/// Reads a stream to its end, as the runtime's `Response` reads a body. A failure is the runtime's: a 500.
async fn read(stream: web_sys::ReadableStream) -> Result<Vec<u8>, ApiError> {
    let read = async {
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&stream))?;
        let bytes = wasm_bindgen_futures::JsFuture::from(response.array_buffer()?).await?;
        Ok::<_, wasm_bindgen::JsValue>(js_sys::Uint8Array::new(&bytes).to_vec())
    };
    read.await.map_err(|error| ApiError::from(worker::Error::from(error)))
}

/// A value that cannot be encoded, or encoded JSON that does not hold a `T`, is a bug on the answering
/// side: logged where operators look, and answered as a 500.
pub(crate) fn unencodable(error: serde_json::Error) -> ApiError {
    worker::console_error!("an answer that is not its type's JSON: {error}");
    ApiError::internal("internal error")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::now;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Page {
        entries: Vec<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<u32>,
    }

    #[test]
    fn a_value_and_its_encoding_answer_alike() {
        let page = Page { entries: vec![1, 2], next: Some(2) };
        let text = serde_json::to_vec(&page).expect("serializes");
        let (value, encoded) = (Json::from(page.clone()), Json::<Page>::encoded(text.clone()));
        assert_eq!(now(value.clone().into_bytes()), Ok(text.clone()));
        assert_eq!(now(encoded.clone().into_bytes()), Ok(text.clone()));
        let document = json!({"entries": [1, 2], "next": 2});
        assert_eq!(now(value.clone().into_document()), Ok(document.clone()));
        assert_eq!(now(encoded.clone().into_document()), Ok(document));
        assert_eq!(value.clone().into_response(200).expect("encodes").bytes(), Some(&text[..]));
        assert_eq!(encoded.clone().into_response(200).expect("encodes").bytes(), Some(&text[..]));
        assert_eq!(now(value.into_value()), Ok(page.clone()));
        assert_eq!(now(encoded.into_value()), Ok(page));
    }

    #[test]
    fn encoded_json_is_sent_as_it_is() {
        // Byte for byte, spacing included: the encoding is never decoded on the way out.
        let text = br#"{"entries": [3],"next":null}"#.to_vec();
        assert_eq!(now(Json::<Page>::encoded(text.clone()).into_bytes()), Ok(text));
    }
}
