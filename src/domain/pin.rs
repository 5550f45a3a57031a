//! How a staff PIN is kept: an Argon2id hash in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$
//! salt$hash`). The salted SHA-256 form of earlier versions (`salt$hex(sha256(salt:pin))`) still
//! verifies, so that a store written by them keeps working, and is reported as due for rehashing.
//! Pure computation, no I/O.

use argon2::{Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _};
use sha2::{Digest as _, Sha256};

/// The start of a hash made with today's algorithm and parameters (Argon2id, 19 MiB, two passes,
/// one lane: the OWASP minimum for Argon2id). A stored hash that starts otherwise is rehashed on
/// the next good sign-in.
pub const CURRENT_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// The stored form of `pin` under `salt` (any text, random per hash: the Argon2 salt is the first
/// 16 bytes of its SHA-256, so that short or non-base64 salts are fine).
pub fn hash(salt: &str, pin: &str) -> String {
    let digest = Sha256::digest(salt.as_bytes());
    Argon2::default()
        .hash_password_with_salt(pin.as_bytes(), &digest[..16])
        .map(|h| h.to_string())
        // The parameters are the crate's defaults and the salt 16 bytes: both always valid.
        .expect("Argon2id with default parameters and a 16-byte salt")
}

/// Whether `pin` is the PIN `stored` was made from, in either form. A stored value that is
/// neither form matches no PIN.
pub fn verify(stored: &str, pin: &str) -> bool {
    if stored.starts_with("$argon2") {
        return match PasswordHash::new(stored) {
            Ok(parsed) => Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
    }
    verify_sha256(stored, pin)
}

/// Whether `stored` was made with another algorithm or other parameters than [`hash`] uses.
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with(CURRENT_PREFIX)
}

/// The earlier form, kept to verify stores written before Argon2id: `salt$hex(sha256(salt:pin))`.
pub fn legacy_sha256(salt: &str, pin: &str) -> String {
    let digest = Sha256::digest(format!("{salt}:{pin}").as_bytes());
    format!("{salt}${}", hex::encode(digest))
}

fn verify_sha256(stored: &str, pin: &str) -> bool {
    let Some((salt, _)) = stored.split_once('$') else {
        return false;
    };
    // Compare every byte so that the time taken does not tell how much matched.
    let candidate = legacy_sha256(salt, pin);
    candidate.len() == stored.len()
        && candidate
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_argon2id_hash_verifies_its_pin_only() {
        let h = hash("a-salt", "2468");
        assert!(h.starts_with(CURRENT_PREFIX), "{h}");
        assert!(verify(&h, "2468"));
        assert!(!verify(&h, "2469"));
        assert!(!needs_rehash(&h));
        assert_ne!(h, hash("another-salt", "2468"));
    }

    #[test]
    fn an_old_sha256_hash_still_verifies_and_is_due_for_rehashing() {
        let old = legacy_sha256("0f1e2d3c", "1357");
        assert!(verify(&old, "1357"));
        assert!(!verify(&old, "1358"));
        assert!(needs_rehash(&old));
    }

    #[test]
    fn garbage_matches_nothing() {
        for stored in [
            "",
            "$",
            "$argon2id$",
            "$argon2id$v=19$m=1,t=1,p=1$x$y",
            "nosalt",
        ] {
            assert!(!verify(stored, ""), "{stored:?}");
            assert!(!verify(stored, "0000"), "{stored:?}");
        }
    }
}
