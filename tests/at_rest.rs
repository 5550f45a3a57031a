//! A stolen field laptop: what the workstation leaves on disk. The data directory and every file
//! the program writes are the owner's alone whatever the umask; staff PINs are kept as Argon2id
//! hashes, and an old salted SHA-256 hash still signs in and is replaced.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use common::app::App;
use enkaku::store::Store;
use enkaku::tui::i18n::Lang;
use sha2::{Digest as _, Sha256};

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

#[test]
fn pins_are_stored_as_argon2id_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    drop(App::new(tmp.path(), Lang::En, "true {room}"));
    let clinic = Store::open_dir(tmp.path())
        .unwrap()
        .clinic()
        .unwrap()
        .unwrap();
    let hashes: Vec<&str> = clinic
        .staff
        .values()
        .filter_map(|s| s.pin_hash.as_deref())
        .collect();
    assert!(!hashes.is_empty());
    for h in hashes {
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }
}

#[test]
fn an_old_sha256_pin_still_signs_in_and_is_rehashed_to_argon2id() {
    let tmp = tempfile::tempdir().unwrap();
    drop(App::new(tmp.path(), Lang::En, "true {room}"));
    // The form earlier versions stored: `salt$hex(sha256(salt:pin))`.
    let salt = "5f0c2a9e";
    let old = format!(
        "{salt}${}",
        hex::encode(Sha256::digest(format!("{salt}:2468").as_bytes()))
    );
    let mut store = Store::open_dir(tmp.path()).unwrap();
    store
        .set_staff_pin_hash("system:cli", "dr-tanaka", &old)
        .unwrap();
    drop(store);

    let mut a = App::reopen(tmp.path(), Lang::En, "true {room}");
    a.sign_in_with("dr-tanaka", "2468");
    drop(a);

    let mut store = Store::open_dir(tmp.path()).unwrap();
    let tanaka = store.clinic().unwrap().unwrap().staff["dr-tanaka"].clone();
    let now = tanaka.pin_hash.clone().unwrap();
    assert!(now.starts_with("$argon2id$"), "rehashed: {now}");
    assert!(tanaka.verify_pin("2468") && !tanaka.verify_pin("2469"));
    let rehashes: Vec<_> = store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "staff.pin_rehash")
        .collect();
    assert_eq!(rehashes.len(), 1, "{rehashes:?}");
    assert_eq!(rehashes[0].staff_id, "dr-tanaka");

    // The new hash signs in as well, and is not rehashed again.
    let mut a = App::reopen(tmp.path(), Lang::En, "true {room}");
    a.sign_in_with("dr-tanaka", "2468");
    drop(a);
    let mut store = Store::open_dir(tmp.path()).unwrap();
    assert_eq!(
        store.clinic().unwrap().unwrap().staff["dr-tanaka"].pin_hash,
        Some(now)
    );
}
