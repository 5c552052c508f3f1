//! PKCE (RFC 7636) with the S256 method only: OAuth 2.1 drops `plain`, and the worker sends S256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The S256 code challenge of a verifier: base64url (no padding) of its SHA-256 digest.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A verifier as RFC 7636 §4.1 allows: 43 to 128 characters from `[A-Za-z0-9-._~]`.
pub fn is_well_formed_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len()) && verifier.bytes().all(is_unreserved)
}

/// An S256 challenge is always the 43-character base64url form of a 32-byte digest.
pub fn is_well_formed_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` hashes to `challenge`; both are public values, so a plain comparison is fine.
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    s256_challenge(verifier) == challenge
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 7636 Appendix B.
    #[test]
    fn rfc_7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(s256_challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(verifier_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(is_well_formed_verifier(verifier));
        assert!(is_well_formed_s256_challenge(&s256_challenge(verifier)));
    }

    #[test]
    fn malformed_verifiers_and_challenges_are_refused() {
        assert!(!is_well_formed_verifier("too-short"));
        assert!(!is_well_formed_verifier(&"a".repeat(129)));
        assert!(!is_well_formed_verifier(&format!("{}+", "a".repeat(43))));
        assert!(is_well_formed_verifier(&"a~._-".repeat(20)));
        assert!(!is_well_formed_s256_challenge("abc"));
        assert!(!is_well_formed_s256_challenge(&"=".repeat(43)));
    }
}
