//! The store's data key and the key file that keeps it: a random 256-bit key, never on disk in
//! clear, wrapped with XChaCha20-Poly1305 under a key derived by Argon2id from the clinic's
//! passphrase. The file (`enkaku.key`, 0600, TOML) is versioned and holds the KDF parameters
//! and salt; they and the version are authenticated with the wrapped key, so an edited file
//! fails to unwrap. The key unlocked at start is kept for the process, for every connection.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::Aead as _;
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The key file's name inside a data directory.
pub const KEY_FILE: &str = "enkaku.key";
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE: usize = 12;
/// The key file format written today.
const FORMAT: u32 = 1;
/// Argon2id memory (KiB), passes and lanes for new key files: 64 MiB, three passes.
const M_KIB: u32 = 64 * 1024;
const T_COST: u32 = 3;
const P_COST: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}: the passphrase is wrong (or the key file was altered)", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("the passphrase must be at least {MIN_PASSPHRASE} characters")]
    TooShort,
    #[error("{}: not an Enkaku key file: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// The key SQLCipher encrypts the store with. Wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A fresh random key.
    pub fn generate() -> Result<DataKey, KeyError> {
        let mut key = Zeroizing::new([0u8; 32]);
        random(key.as_mut())?;
        Ok(DataKey(key))
    }

    /// The `PRAGMA key` value: a raw key, so SQLCipher runs no KDF of its own on each open.
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

/// What `enkaku.key` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: u32,
    pub kdf: String,
    pub m_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    /// Hex: the Argon2id salt (16 bytes), the XChaCha20 nonce (24) and the wrapped key with its
    /// tag (48).
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

impl KeyFile {
    /// Wraps `key` under `passphrase` with a fresh salt and nonce.
    pub fn wrap(key: &DataKey, passphrase: &str) -> Result<KeyFile, KeyError> {
        check_passphrase(passphrase)?;
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        random(&mut salt)?;
        random(&mut nonce)?;
        let mut file = KeyFile {
            format: FORMAT,
            kdf: "argon2id".into(),
            m_kib: M_KIB,
            t_cost: T_COST,
            p_cost: P_COST,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: String::new(),
        };
        let cipher = file.cipher(passphrase)?;
        let wrapped = cipher
            .encrypt(
                &XNonce::from(nonce),
                chacha20poly1305::aead::Payload {
                    msg: key.0.as_ref(),
                    aad: file.header().as_bytes(),
                },
            )
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        file.wrapped = hex::encode(wrapped);
        Ok(file)
    }

    /// The data key, if `passphrase` is the one it was wrapped under. `path` names the file in
    /// errors.
    pub fn unwrap(&self, passphrase: &str, path: &Path) -> Result<DataKey, KeyError> {
        let malformed = |reason: &str| KeyError::Malformed {
            path: path.to_path_buf(),
            reason: reason.into(),
        };
        if self.format != FORMAT {
            return Err(malformed(&format!(
                "format {} (this version reads {FORMAT})",
                self.format
            )));
        }
        if self.kdf != "argon2id" {
            return Err(malformed(&format!("unknown KDF {:?}", self.kdf)));
        }
        let nonce: [u8; 24] = hex::decode(&self.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| malformed("the nonce is not 24 bytes of hex"))?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| malformed("the key is not hex"))?;
        let cipher = self.cipher(passphrase).map_err(|e| match e {
            KeyError::Kdf(reason) => malformed(&reason),
            other => other,
        })?;
        let key = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(nonce),
                    chacha20poly1305::aead::Payload {
                        msg: &wrapped,
                        aad: self.header().as_bytes(),
                    },
                )
                .map_err(|_| KeyError::WrongPassphrase {
                    path: path.to_path_buf(),
                })?,
        );
        let key: [u8; 32] = key
            .as_slice()
            .try_into()
            .map_err(|_| malformed("the wrapped key is not 32 bytes"))?;
        Ok(DataKey(Zeroizing::new(key)))
    }

    /// Everything but the wrapped key, authenticated with it.
    fn header(&self) -> String {
        format!(
            "enkaku.key format={} kdf={} m={} t={} p={} salt={}",
            self.format, self.kdf, self.m_kib, self.t_cost, self.p_cost, self.salt
        )
    }

    /// The wrapping cipher under the key Argon2id derives from `passphrase`.
    fn cipher(&self, passphrase: &str) -> Result<XChaCha20Poly1305, KeyError> {
        let salt =
            hex::decode(&self.salt).map_err(|_| KeyError::Kdf("the salt is not hex".into()))?;
        let params = Params::new(self.m_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        let mut kek = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, kek.as_mut())
            .map_err(|e| KeyError::Kdf(e.to_string()))?;
        XChaCha20Poly1305::new_from_slice(kek.as_ref()).map_err(|e| KeyError::Kdf(e.to_string()))
    }

    /// Reads the key file of the data directory `dir`; `None` if there is none (a clear store).
    pub fn read(dir: &Path) -> Result<Option<KeyFile>, KeyError> {
        let path = dir.join(KEY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(KeyError::Io { path, source }),
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| KeyError::Malformed {
                path,
                reason: e.to_string(),
            })
    }

    /// Writes the key file of `dir`, 0600, atomically.
    pub fn write(&self, dir: &Path) -> Result<(), KeyError> {
        let path = dir.join(KEY_FILE);
        let text = toml::to_string(self).map_err(|e| KeyError::Malformed {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        crate::private_files::write_private_atomic(&path, text.as_bytes())
            .map_err(|source| KeyError::Io { path, source })
    }
}

/// Refuses a passphrase shorter than [`MIN_PASSPHRASE`] characters.
pub fn check_passphrase(passphrase: &str) -> Result<(), KeyError> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(KeyError::TooShort);
    }
    Ok(())
}

fn random(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Random(e.to_string()))
}

static UNLOCKED: OnceLock<DataKey> = OnceLock::new();

/// Keeps `key` as this process's store key: every store and connection opened afterwards uses
/// it. Unlocked once per start; a second call keeps the first key.
pub fn set_unlocked(key: DataKey) {
    let _ = UNLOCKED.set(key);
}

/// The key unlocked at start, if any.
pub fn unlocked() -> Option<&'static DataKey> {
    UNLOCKED.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_unwraps_with_its_passphrase_only() {
        let key = DataKey::generate().unwrap();
        let file = KeyFile::wrap(&key, "correct horse battery").unwrap();
        let p = Path::new("enkaku.key");
        let back = file.unwrap("correct horse battery", p).unwrap();
        assert_eq!(back.0.as_ref(), key.0.as_ref());
        assert!(matches!(
            file.unwrap("correct horse batterx", p),
            Err(KeyError::WrongPassphrase { .. })
        ));
        let mut edited = file.clone();
        edited.t_cost = 1;
        assert!(edited.unwrap("correct horse battery", p).is_err());
        assert!(
            !toml::to_string(&file)
                .unwrap()
                .contains(&hex::encode(key.0.as_ref()))
        );
    }

    #[test]
    fn a_short_passphrase_is_refused() {
        let key = DataKey::generate().unwrap();
        assert!(matches!(
            KeyFile::wrap(&key, "elevenchars"),
            Err(KeyError::TooShort)
        ));
    }
}
