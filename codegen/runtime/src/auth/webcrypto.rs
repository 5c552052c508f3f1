//! The few WebCrypto calls authentication needs. Cryptography is the runtime's, never this crate's own.

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto, WorkerGlobalScope};

fn crypto() -> Result<Crypto, String> {
    // An unchecked cast: workerd's global object has `crypto` but is no `WorkerGlobalScope` instance to
    // `instanceof`, so a checked cast fails there.
    js_sys::global().unchecked_into::<WorkerGlobalScope>().crypto().map_err(describe)
}

fn subtle() -> Result<SubtleCrypto, String> {
    Ok(crypto()?.subtle())
}

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| JSON::stringify(&error).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "WebCrypto error".to_owned())
}

/// `length` cryptographically random bytes.
pub fn random_bytes(length: usize) -> Result<Vec<u8>, String> {
    let mut bytes = vec![0; length];
    crypto()?.get_random_values_with_u8_array(&mut bytes).map_err(describe)?;
    Ok(bytes)
}

pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, String> {
    let promise = subtle()?.digest_with_str_and_u8_array("SHA-256", data).map_err(describe)?;
    let buffer = JsFuture::from(promise).await.map_err(describe)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `{name: "RSASSA-PKCS1-v1_5", hash: {name: "SHA-256"}}`: the algorithm of RS256 tokens.
fn rs256() -> Result<Object, String> {
    let hash = Object::new();
    Reflect::set(&hash, &"name".into(), &"SHA-256".into()).map_err(describe)?;
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"RSASSA-PKCS1-v1_5".into()).map_err(describe)?;
    Reflect::set(&algorithm, &"hash".into(), &hash).map_err(describe)?;
    Ok(algorithm)
}

/// Imports an RSA public key given as a JWK (JSON text) for RS256 verification.
pub async fn import_rs256_jwk(jwk_json: &str) -> Result<CryptoKey, String> {
    let jwk = JSON::parse(jwk_json)
        .map_err(describe)?
        .dyn_into::<Object>()
        .map_err(|_| "a JWK must be an object".to_owned())?;
    let usages = Array::of1(&"verify".into());
    let promise = subtle()?.import_key_with_object("jwk", &jwk, &rs256()?, false, &usages).map_err(describe)?;
    JsFuture::from(promise)
        .await
        .map_err(describe)?
        .dyn_into::<CryptoKey>()
        .map_err(|_| "importKey returned no key".to_owned())
}

/// Whether `signature` is a valid RS256 signature of `data` by `key`.
pub async fn verify_rs256(key: &CryptoKey, signature: &[u8], data: &[u8]) -> Result<bool, String> {
    let promise =
        subtle()?.verify_with_object_and_u8_array_and_u8_array(&rs256()?, key, signature, data).map_err(describe)?;
    Ok(JsFuture::from(promise).await.map_err(describe)?.as_bool().unwrap_or(false))
}
