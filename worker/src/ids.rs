//! Identifiers from the runtime's cryptographic random source (WebCrypto), never from a seeded generator:
//! session ids end up in cookies, so they must be unguessable.

use wasm_bindgen::JsCast;
use web_sys::{Crypto, WorkerGlobalScope};

/// A random version 4 UUID, lower case, from `crypto.randomUUID()`.
pub fn uuid() -> worker::Result<String> {
    Ok(crypto()?.random_uuid())
}

/// A W3C trace id: 16 random bytes as 32 hex digits.
pub fn trace_id() -> worker::Result<String> {
    random_hex::<16>()
}

/// A W3C span id: 8 random bytes as 16 hex digits.
pub fn span_id() -> worker::Result<String> {
    random_hex::<8>()
}

fn random_hex<const BYTES: usize>() -> worker::Result<String> {
    let mut bytes = [0u8; BYTES];
    crypto()?.get_random_values_with_u8_array(&mut bytes).map_err(worker::Error::from)?;
    Ok(hex(&bytes))
}

fn crypto() -> worker::Result<Crypto> {
    // Workers and Durable Objects both run in a worker global scope, which has `crypto`.
    js_sys::global().unchecked_into::<WorkerGlobalScope>().crypto().map_err(worker::Error::from)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
        // Writing to a String cannot fail.
        let _ = write!(text, "{byte:02x}");
        text
    })
}

#[cfg(test)]
mod tests {
    use super::hex;

    #[test]
    fn hex_is_lower_case_and_zero_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
