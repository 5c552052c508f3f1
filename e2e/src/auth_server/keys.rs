//! The RSA key that signs access tokens, and its public half as a JWK.
//!
//! RS256 because the worker verifies tokens with WebCrypto's RSASSA-PKCS1-v1_5. Each server generates
//! its own 2048-bit key once at start; nothing is written to disk.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, Jwk, KeyAlgorithm, PublicKeyUse, RSAKeyParameters, RSAKeyType,
};
use jsonwebtoken::EncodingKey;
use rand::rngs::OsRng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};

/// The smallest size WebCrypto and current guidance accept for RS256.
const RSA_BITS: usize = 2048;

/// An RSA signing key with the identifier (`kid`) that token headers and the JWKS share.
pub struct SigningKey {
    kid: String,
    encoding_key: EncodingKey,
    /// Public modulus and exponent, base64url without padding, as a JWK carries them.
    modulus: String,
    exponent: String,
}

impl SigningKey {
    pub fn generate() -> Result<SigningKey, String> {
        let private_key =
            RsaPrivateKey::new(&mut OsRng, RSA_BITS).map_err(|e| format!("cannot generate an RSA key ({e})"))?;
        let der = private_key.to_pkcs1_der().map_err(|e| format!("cannot encode the RSA key ({e})"))?;
        let modulus = URL_SAFE_NO_PAD.encode(private_key.n().to_bytes_be());
        let exponent = URL_SAFE_NO_PAD.encode(private_key.e().to_bytes_be());
        Ok(SigningKey {
            kid: rfc7638_thumbprint(&modulus, &exponent),
            encoding_key: EncodingKey::from_rsa_der(der.as_bytes()),
            modulus,
            exponent,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding_key
    }

    /// The public key as a JWK: `kty` RSA, `n`, `e`, `kid`, `alg` RS256, `use` sig.
    pub fn public_jwk(&self) -> Jwk {
        Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::RS256),
                key_id: Some(self.kid.clone()),
                ..CommonParameters::default()
            },
            algorithm: AlgorithmParameters::RSA(RSAKeyParameters {
                key_type: RSAKeyType::RSA,
                n: self.modulus.clone(),
                e: self.exponent.clone(),
            }),
        }
    }
}

/// A key that no server publishes, for tokens whose signature must not verify. One per process:
/// generating an RSA key is the slowest thing these servers do (seconds in an unoptimised build), and
/// "not in the JWKS" holds for every server alike.
pub fn foreign_key() -> Result<&'static SigningKey, String> {
    static FOREIGN_KEY: OnceLock<SigningKey> = OnceLock::new();
    if let Some(key) = FOREIGN_KEY.get() {
        return Ok(key);
    }
    let key = SigningKey::generate()?;
    Ok(FOREIGN_KEY.get_or_init(|| key))
}

/// The JWK thumbprint (RFC 7638) as the key id: stable for a key and different for every other key, so
/// a verifier that picks keys by `kid` can never confuse two servers' keys.
fn rfc7638_thumbprint(modulus: &str, exponent: &str) -> String {
    // The members in lexicographic order, no whitespace, exactly as §3.2 requires.
    let canonical = format!(r#"{{"e":"{exponent}","kty":"RSA","n":"{modulus}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 7638 §3.1.
    #[test]
    fn thumbprint_matches_the_rfc_example() {
        let modulus = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(rfc7638_thumbprint(modulus, "AQAB"), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }
}
