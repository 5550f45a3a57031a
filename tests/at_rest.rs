//! A stolen field laptop: what the workstation leaves on disk. The data directory and every file
//! the program writes are the owner's alone whatever the umask.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the real binary under `umask 022` (the usual default, which leaves new files 0644).
fn enkaku_umask_022(dir: &Path, args: &[&str]) -> Output {
    let mut line = String::from("umask 022; exec \"$0\" --data-dir \"$1\"");
    for i in 0..args.len() {
        line.push_str(&format!(" \"${}\"", i + 2));
    }
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .arg(env!("CARGO_BIN_EXE_enkaku"))
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env_remove("ENKAKU_STAFF")
        .env("HOME", dir)
        .output()
        .expect("the enkaku binary runs")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Every entry of the data directory, with its mode.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                mode(&e.path()),
            )
        })
        .collect();
    out.sort();
    out
}

fn assert_private(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "the data directory {}", dir.display());
    let files = modes(dir);
    for name in ["enkaku.sqlite3", "enkaku.log"] {
        assert!(
            files.iter().any(|(n, _)| n == name),
            "{name} was written: {files:?}"
        );
    }
    for (name, m) in &files {
        assert_eq!(*m, 0o600, "{name} is {m:o} in {files:?}");
    }
}

#[test]
fn the_data_directory_and_its_files_are_private_under_umask_022() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let out = enkaku_umask_022(&dir, &["demo", "--patients", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_private(&dir);
}

#[test]
fn a_directory_and_store_left_readable_by_others_are_tightened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let out = enkaku_umask_022(&dir, &["demo", "--patients", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (name, _) in modes(&dir) {
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = enkaku_umask_022(&dir, &["export"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_private(&dir);
    let log = std::fs::read_to_string(dir.join("enkaku.log")).unwrap();
    assert!(
        log.contains("tightened"),
        "the log says what was tightened: {log}"
    );
}
