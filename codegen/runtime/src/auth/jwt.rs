//! JWT access tokens: decoding and claim checks (pure, tested natively) and RS256 signature verification
//! against the authorization server's JWKS (WebCrypto, with the imported keys cached per isolate).

use std::cell::RefCell;
use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

use super::{webcrypto, Principal};

/// Seconds of clock difference tolerated between this worker and the authorization server.
const CLOCK_LEEWAY: i64 = 30;
/// How long fetched signing keys are trusted before the JWKS is read again.
const JWKS_MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// A token naming an unknown key triggers a JWKS fetch (the server may have rotated keys), but at most this
/// often: otherwise every forged token would cost a subrequest to the authorization server.
const JWKS_MIN_REFRESH_MS: f64 = 60.0 * 1000.0;

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// The claims this resource checks; others are ignored.
#[derive(Debug, Deserialize)]
pub struct Claims {
    pub iss: String,
    #[serde(default)]
    pub sub: Option<String>,
    pub aud: Audience,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(one) => one == audience,
            Audience::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

/// A token split into its parts, before any check.
pub struct Token<'a> {
    header: Header,
    pub claims: Claims,
    signed: &'a str,
    signature: Vec<u8>,
}

/// Whether `text` has the three-part shape of a JWT (and so is not a session id).
pub fn looks_like_jwt(text: &str) -> bool {
    text.split('.').count() == 3
}

pub fn decode(token: &str) -> Result<Token<'_>, String> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the token is not a JWT".to_owned());
    };
    let signed = &token[..header.len() + 1 + payload.len()];
    let json = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| "the token is not base64url".to_owned());
    let header: Header =
        serde_json::from_slice(&json(header)?).map_err(|_| "the token header is malformed".to_owned())?;
    let claims: Claims =
        serde_json::from_slice(&json(payload)?).map_err(|e| format!("the token claims are malformed: {e}"))?;
    Ok(Token { header, claims, signed, signature: json(signature)? })
}

/// Checks issuer, audience and lifetime; `now` is Unix seconds.
pub fn check_claims(claims: &Claims, issuer: &str, audience: &str, now: i64) -> Result<(), String> {
    if claims.iss != issuer {
        return Err(format!("the token was issued by `{}`, not this resource's authorization server", claims.iss));
    }
    if !claims.aud.contains(audience) {
        return Err(format!("the token is not meant for `{audience}`"));
    }
    if claims.exp + CLOCK_LEEWAY <= now {
        return Err("the token has expired".to_owned());
    }
    if claims.nbf.is_some_and(|nbf| nbf - CLOCK_LEEWAY > now) {
        return Err("the token is not valid yet".to_owned());
    }
    Ok(())
}

pub fn principal(claims: &Claims) -> Principal {
    Principal {
        subject: claims.sub.clone().unwrap_or_default(),
        scopes: claims.scope.as_deref().unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
    }
}

/// Verifies the token's RS256 signature with the key its `kid` names in the JWKS at `jwks_uri`.
pub async fn verify_signature(token: &Token<'_>, jwks_uri: &str) -> Result<(), String> {
    if token.header.alg != "RS256" {
        return Err(format!("tokens signed with `{}` are not accepted", token.header.alg));
    }
    let kid = token.header.kid.clone().unwrap_or_default();
    let key = match cached_key(jwks_uri, &kid) {
        Some(key) => key,
        None => {
            if !refreshed_recently(jwks_uri) {
                refresh_keys(jwks_uri).await?;
            }
            cached_key(jwks_uri, &kid).ok_or_else(|| "the token is signed by an unknown key".to_owned())?
        }
    };
    if webcrypto::verify_rs256(&key, &token.signature, token.signed.as_bytes()).await? {
        Ok(())
    } else {
        Err("the token signature is invalid".to_owned())
    }
}

struct KeySet {
    jwks_uri: String,
    fetched_at_ms: f64,
    keys: BTreeMap<String, web_sys::CryptoKey>,
}

thread_local! {
    // One isolate serves many requests: keep the imported keys instead of fetching the JWKS every time.
    static KEYS: RefCell<Option<KeySet>> = const { RefCell::new(None) };
}

fn refreshed_recently(jwks_uri: &str) -> bool {
    KEYS.with(|keys| {
        keys.borrow().as_ref().is_some_and(|set| {
            set.jwks_uri == jwks_uri && js_sys::Date::now() - set.fetched_at_ms < JWKS_MIN_REFRESH_MS
        })
    })
}

fn cached_key(jwks_uri: &str, kid: &str) -> Option<web_sys::CryptoKey> {
    KEYS.with(|keys| {
        let keys = keys.borrow();
        let set = keys.as_ref()?;
        let fresh = js_sys::Date::now() - set.fetched_at_ms < JWKS_MAX_AGE_MS;
        (set.jwks_uri == jwks_uri && fresh).then(|| set.keys.get(kid).cloned()).flatten()
    })
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<serde_json::Value>,
}

async fn refresh_keys(jwks_uri: &str) -> Result<(), String> {
    let unavailable = |_| "the authorization server's keys are unavailable".to_owned();
    let mut response = worker::Fetch::Url(jwks_uri.parse().map_err(|_| "the JWKS URI is invalid".to_owned())?)
        .send()
        .await
        .map_err(unavailable)?;
    if response.status_code() != 200 {
        return Err("the authorization server's keys are unavailable".to_owned());
    }
    let jwks: Jwks = response.json().await.map_err(unavailable)?;
    let mut keys = BTreeMap::new();
    for jwk in jwks.keys {
        if jwk.get("kty").and_then(|v| v.as_str()) != Some("RSA") {
            continue;
        }
        let kid = jwk.get("kid").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        // WebCrypto rejects JWK members it does not expect for the algorithm; keep only the key itself.
        let public = serde_json::json!({ "kty": "RSA", "n": jwk["n"], "e": jwk["e"], "alg": "RS256", "ext": true });
        match webcrypto::import_rs256_jwk(&public.to_string()).await {
            Ok(key) => {
                keys.insert(kid, key);
            }
            // Tokens signed with this key will be refused as signed by an unknown key; say why here.
            Err(error) => worker::console_warn!("JWKS key `{kid}` from {jwks_uri} cannot be imported: {error}"),
        }
    }
    KEYS.with(|cache| {
        *cache.borrow_mut() = Some(KeySet { jwks_uri: jwks_uri.to_owned(), fetched_at_ms: js_sys::Date::now(), keys });
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    fn token(claims: serde_json::Value) -> String {
        format!(
            "{}.{}.{}",
            encode(serde_json::json!({"alg": "RS256", "kid": "k1"})),
            encode(claims),
            URL_SAFE_NO_PAD.encode(b"sig")
        )
    }

    #[test]
    fn claims_are_checked() {
        let text = token(serde_json::json!({
            "iss": "https://auth.example.com", "aud": "https://api.example.com", "exp": 2000, "sub": "u1",
            "scope": "search.read docs.write"
        }));
        let token = decode(&text).unwrap();
        assert!(check_claims(&token.claims, "https://auth.example.com", "https://api.example.com", 1000).is_ok());
        assert_eq!(
            check_claims(&token.claims, "https://other.example.com", "https://api.example.com", 1000).unwrap_err(),
            "the token was issued by `https://auth.example.com`, not this resource's authorization server"
        );
        assert_eq!(
            check_claims(&token.claims, "https://auth.example.com", "https://evil.example.com", 1000).unwrap_err(),
            "the token is not meant for `https://evil.example.com`"
        );
        assert_eq!(
            check_claims(&token.claims, "https://auth.example.com", "https://api.example.com", 3000).unwrap_err(),
            "the token has expired"
        );
        let principal = principal(&token.claims);
        assert_eq!(principal.subject, "u1");
        assert_eq!(principal.scopes, ["search.read", "docs.write"]);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(decode("a.b").is_err());
        assert!(decode("!!.??.##").is_err());
        assert!(looks_like_jwt("a.b.c"));
        assert!(!looks_like_jwt("6f1b0d3e-8a43-4d5e-9c1f-1234567890ab"));
    }
}
