//! Owner-only files: the data directory is created 0700 and every file the workstation writes
//! in it (store, WAL/SHM, log, key file) 0600 whatever the umask; a directory or file left
//! readable by others is tightened and the tightening logged. Small files are written
//! atomically (temporary file, fsync, rename).

use std::io::Write as _;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};

/// The mode of the data directory.
pub const DIR_MODE: u32 = 0o700;
/// The mode of every file in it.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and its parents) if needed and makes it the owner's alone. Returns the
/// directory if its mode had to be tightened.
pub fn private_dir(dir: &Path) -> std::io::Result<Option<PathBuf>> {
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(DIR_MODE);
        builder.create(dir)?;
        // The umask may have taken bits away from 0700, never added any; set it exactly.
        set_mode(dir, DIR_MODE)?;
        return Ok(None);
    }
    tighten(dir, DIR_MODE)
}

/// Creates `path` empty with mode 0600 if it does not exist, and tightens it if it does. SQLite
/// gives a database's WAL and shared-memory files the mode of the database file, so creating the
/// database 0600 before SQLite opens it keeps them private too; those present are tightened.
/// Returns what had to be tightened.
pub fn private_file(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options.open(path)?;
    let mut tightened = Vec::new();
    tightened.extend(tighten(path, FILE_MODE)?);
    Ok(tightened)
}

/// [`private_file`] for an SQLite database and its `-wal` and `-shm` files when present.
pub fn private_database(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut tightened = private_file(path)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            tightened.extend(tighten(&side, FILE_MODE)?);
        }
    }
    Ok(tightened)
}

/// Writes `bytes` to `path` with mode 0600, atomically: a reader (or a crash) sees the old
/// content or the new, never part of it.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(FILE_MODE);
        let mut file = options.open(&tmp)?;
        set_mode(&tmp, FILE_MODE)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(parent) = path.parent()
        && let Ok(d) = std::fs::File::open(parent)
    {
        // The rename is durable once the directory is; a failure here loses nothing written.
        let _ = d.sync_all();
    }
    Ok(())
}

/// Sets `path` to `want` if it grants anything `want` does not; returns it if it did.
fn tighten(path: &Path, want: u32) -> std::io::Result<Option<PathBuf>> {
    #[cfg(unix)]
    {
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & !want != 0 {
            set_mode(path, want)?;
            return Ok(Some(path.to_path_buf()));
        }
    }
    Ok(None)
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        write_private_atomic(&path, b"one").unwrap();
        write_private_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        #[cfg(unix)]
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            FILE_MODE
        );
    }
}
