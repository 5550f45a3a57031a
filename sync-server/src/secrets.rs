//! Secrets: device tokens, one-time enrolment codes and random ids — how they are made, how
//! they are hashed for storage, and how a presented one is compared.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomError(String);

fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(bytes)
}

/// A new device token: 32 random bytes in unpadded base64url (43 characters; hex would be 64,
/// and the token rides on every request over links of 64 kbps). Shown once, stored only as its
/// hash.
pub fn new_token() -> Result<String, RandomError> {
    Ok(base64url(&random_bytes::<32>()?))
}

/// Unpadded base64url (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A short random id with a prefix saying what it names (`c-` clinic, `d-` device). Ids pass
/// `enkaku::protocol::check_id`, so a clinic id can appear inside a queue document id.
pub fn new_id(prefix: &str) -> Result<String, RandomError> {
    Ok(format!("{prefix}{}", hex::encode(random_bytes::<8>()?)))
}

/// Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS: usize = 16;

/// A one-time enrolment code: 80 random bits as `XXXX-XXXX-XXXX-XXXX`.
pub fn new_enrolment_code() -> Result<String, RandomError> {
    let bytes = random_bytes::<CODE_CHARS>()?;
    let mut code = String::with_capacity(CODE_CHARS + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(CODE_ALPHABET[usize::from(b & 31)]));
    }
    Ok(code)
}

/// The canonical form of a typed enrolment code: case, dashes and spaces ignored, and the
/// letters people confuse with digits read as those digits.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

pub fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// What is stored for an enrolment code.
pub fn code_hash(code: &str) -> [u8; 32] {
    sha256(&normalize_code(code))
}

/// Whether two hashes are equal, in time that does not depend on where they differ.
pub fn hashes_match(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_survive_retyping() {
        let code = new_enrolment_code().unwrap();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let retyped = code.to_lowercase().replace('-', " ");
        assert_eq!(code_hash(&code), code_hash(&retyped));
        assert_eq!(normalize_code("ab-Io l"), "AB101");
        assert_ne!(new_enrolment_code().unwrap(), code);
    }

    #[test]
    fn tokens_are_43_base64url_characters_and_ids_are_valid_store_ids() {
        let token = new_token().unwrap();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(token, new_token().unwrap());
        // RFC 4648 test vectors, unpadded.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(plain.as_bytes()), encoded);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        let id = new_id("c-").unwrap();
        assert!(enkaku::protocol::check_id(&id).is_ok(), "{id}");
        assert!(hashes_match(&sha256("x"), &sha256("x")));
        assert!(!hashes_match(&sha256("x"), &sha256("y")));
    }
}
