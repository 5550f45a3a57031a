//! Encryption at rest of a data directory: converting a clear store to an SQLCipher one under a
//! new random data key (kept in `enkaku.key`, wrapped under the passphrase), changing the
//! passphrase without re-encrypting, and unlocking at start.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::key::{DataKey, KEY_FILE, KeyFile, check_passphrase};
use super::{DB_FILE, Store, StoreError, schema};

/// Whether the store of `dir` is encrypted (it has a key file).
pub fn is_encrypted(dir: &Path) -> bool {
    dir.join(KEY_FILE).exists()
}

/// The data key of `dir` under `passphrase`; `None` if the store is not encrypted. Nothing is
/// written either way.
pub fn unlock(dir: &Path, passphrase: &str) -> Result<Option<DataKey>, StoreError> {
    let Some(file) = KeyFile::read(dir)? else {
        return Ok(None);
    };
    Ok(Some(file.unwrap(passphrase, &dir.join(KEY_FILE))?))
}

/// Encrypts the clear store of `dir` under a new random data key wrapped under `passphrase`.
/// The encrypted copy is written beside the store, checked (integrity, same documents) and only
/// then put in its place by a rename: until then the clear store is untouched, and an
/// interruption leaves it as it was. Returns how many documents the store holds.
pub fn encrypt(dir: &Path, passphrase: &str) -> Result<i64, StoreError> {
    check_passphrase(passphrase)?;
    let db = dir.join(DB_FILE);
    if is_encrypted(dir) {
        return Err(match schema::has_clear_header(&db) {
            Some(true) => StoreError::NotEncrypted { path: db },
            _ => StoreError::AlreadyEncrypted { path: db },
        });
    }
    // Bring the schema up to date and everything into the main file.
    let docs = {
        let store = Store::open_with_key(&db, None)?;
        store.integrity_check()?;
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(StoreError::sqlite(&db))?;
        count_docs(&store.conn, &db)?
    };

    let key = DataKey::generate()?;
    let tmp = sibling(&db, ".encrypting");
    remove_database(&tmp)?;
    crate::private_files::private_database(&tmp).map_err(|source| StoreError::Private {
        path: tmp.clone(),
        source,
    })?;
    {
        let conn = Connection::open(&db).map_err(StoreError::sqlite(&db))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(StoreError::sqlite(&db))?;
        let target = tmp.to_string_lossy().replace('\'', "''");
        let pragma = key.pragma();
        let sql = zeroize::Zeroizing::new(format!(
            "ATTACH DATABASE '{target}' AS encrypted KEY \"{}\";
             SELECT sqlcipher_export('encrypted');
             PRAGMA encrypted.user_version = {version};
             DETACH DATABASE encrypted;",
            pragma.as_str()
        ));
        conn.execute_batch(&sql).map_err(StoreError::sqlite(&tmp))?;
    }
    {
        let check = Store::open_with_key(&tmp, Some(&key))?;
        check.integrity_check()?;
        let copied = count_docs(&check.conn, &tmp)?;
        if copied != docs {
            return Err(StoreError::Damaged {
                path: tmp,
                reason: format!("the encrypted copy holds {copied} documents, the store {docs}"),
            });
        }
    }
    KeyFile::wrap(&key, passphrase)?.write(dir)?;
    // The clear store's WAL and shared memory must not be read against the encrypted file.
    for suffix in ["-wal", "-shm"] {
        remove(&sibling(&db, suffix))?;
    }
    std::fs::rename(&tmp, &db).map_err(|source| StoreError::Private {
        path: db.clone(),
        source,
    })?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    tracing::info!(store = %db.display(), docs, "store encrypted");
    Ok(docs)
}

/// Rewraps the data key of `dir` under `new`, if `old` unwraps it: the store itself is not
/// touched. A wrong `old` writes nothing.
pub fn change_passphrase(dir: &Path, old: &str, new: &str) -> Result<(), StoreError> {
    check_passphrase(new)?;
    let path = dir.join(KEY_FILE);
    let file = KeyFile::read(dir)?.ok_or_else(|| StoreError::NotEncryptedYet {
        path: dir.join(DB_FILE),
    })?;
    let key = file.unwrap(old, &path)?;
    KeyFile::wrap(&key, new)?.write(dir)?;
    tracing::info!(key_file = %path.display(), "passphrase changed");
    Ok(())
}

fn count_docs(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.query_row("SELECT count(*) FROM docs", [], |r| r.get(0))
        .map_err(StoreError::sqlite(path))
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Private {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn remove_database(path: &Path) -> Result<(), StoreError> {
    remove(path)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        remove(&sibling(path, suffix))?;
    }
    Ok(())
}
