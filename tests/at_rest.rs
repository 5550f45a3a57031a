//! A stolen field laptop: what the workstation leaves on disk. The data directory and every file
//! the program writes are the owner's alone whatever the umask; staff PINs are kept as Argon2id
//! hashes, and an old salted SHA-256 hash still signs in and is replaced; an encrypted store
//! (SQLCipher, key wrapped under a passphrase in `enkaku.key`) shows no patient data in its
//! files and opens only with its passphrase.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

const PASSPHRASE: &str = "correct horse battery staple";

/// Runs the real binary with these passphrase variables (and no terminal to ask on).
fn enkaku_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_enkaku"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env_remove("ENKAKU_STAFF")
        .env_remove("ENKAKU_PASSPHRASE")
        .env_remove("ENKAKU_NEW_PASSPHRASE")
        .env("HOME", dir)
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the enkaku binary runs")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The raw bytes of the store and, when present, its WAL.
fn raw_store(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["enkaku.sqlite3", "enkaku.sqlite3-wal"]
        .iter()
        .filter_map(|name| {
            std::fs::read(dir.join(name))
                .ok()
                .map(|b| (name.to_string(), b))
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_encrypted_store_shows_no_patient_data_and_opens_only_with_its_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut p = common::patient("p-secret");
    p.demographics.name_kanji = "暗号 花子".into();
    p.demographics.name_kana = "アンゴウ ハナコ".into();
    p.demographics.phone = "090-7777-1234".into();
    p.demographics.date_of_birth = enkaku::domain::parse_date("1971-03-14").unwrap();
    let mut store = Store::open_dir(dir).unwrap();
    store.add_patient("system:cli", &p).unwrap();
    drop(store);
    let needles = [
        "暗号 花子",
        "アンゴウ ハナコ",
        "090-7777-1234",
        "1971-03-14",
    ];
    let clear: Vec<u8> = raw_store(dir).into_iter().flat_map(|(_, b)| b).collect();
    let seen: Vec<&str> = needles
        .iter()
        .copied()
        .filter(|n| contains(&clear, n))
        .collect();
    assert!(
        seen.contains(&"暗号 花子"),
        "the clear store shows the name: {seen:?}"
    );

    let out = enkaku_with(dir, &["store", "status"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("not encrypted"));
    let out = enkaku_with(
        dir,
        &["store", "encrypt"],
        &[("ENKAKU_NEW_PASSPHRASE", "too short")],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("at least 12"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("enkaku.key").exists(), "nothing written");

    let out = enkaku_with(
        dir,
        &["store", "encrypt"],
        &[("ENKAKU_NEW_PASSPHRASE", PASSPHRASE)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&dir.join("enkaku.key")), 0o600);
    for (name, bytes) in raw_store(dir) {
        for needle in needles {
            assert!(!contains(&bytes, needle), "{name} shows {needle:?}");
        }
        assert!(
            !contains(&bytes, "SQLite format 3"),
            "{name} has a clear header"
        );
    }
    let out = enkaku_with(dir, &["store", "status"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("store: encrypted"));

    // Without the passphrase, or with a wrong one: a clear error, and nothing written.
    let before = (
        std::fs::read(dir.join("enkaku.sqlite3")).unwrap(),
        std::fs::read(dir.join("enkaku.key")).unwrap(),
    );
    let out = enkaku_with(dir, &["export"], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ENKAKU_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    let out = enkaku_with(
        dir,
        &["export"],
        &[("ENKAKU_PASSPHRASE", "the wrong passphrase")],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("passphrase is wrong"),
        "{}",
        stderr(&out)
    );
    assert!(matches!(
        Store::open_dir(dir),
        Err(enkaku::store::StoreError::Locked { .. })
    ));
    let after = (
        std::fs::read(dir.join("enkaku.sqlite3")).unwrap(),
        std::fs::read(dir.join("enkaku.key")).unwrap(),
    );
    assert!(before == after, "a refused open wrote nothing");

    // With it, the data is there.
    let out = enkaku_with(dir, &["export"], &[("ENKAKU_PASSPHRASE", PASSPHRASE)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("暗号 花子"));

    // An edit goes through the WAL encrypted too.
    let key = enkaku::store::at_rest::unlock(dir, PASSPHRASE)
        .unwrap()
        .unwrap();
    let mut store = Store::open_with_key(&dir.join("enkaku.sqlite3"), Some(&key)).unwrap();
    store
        .update_demographics("system:cli", "p-secret", |d| {
            d.phone = "090-5555-0000".into()
        })
        .unwrap();
    let files = raw_store(dir);
    assert!(
        files.iter().any(|(n, _)| n.ends_with("-wal")),
        "the edit is in the WAL"
    );
    for (name, bytes) in files {
        assert!(
            !contains(&bytes, "090-5555-0000"),
            "{name} shows the new phone"
        );
    }
    drop(store);
    assert_eq!(mode(&dir.join("enkaku.sqlite3")), 0o600);
}

#[test]
fn a_new_passphrase_rewraps_the_key_and_a_wrong_old_one_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut store = Store::open_dir(dir).unwrap();
    store
        .add_patient("system:cli", &common::patient("p-1"))
        .unwrap();
    drop(store);
    let out = enkaku_with(
        dir,
        &["store", "encrypt"],
        &[("ENKAKU_NEW_PASSPHRASE", PASSPHRASE)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let store_bytes = std::fs::read(dir.join("enkaku.sqlite3")).unwrap();
    let key_file = std::fs::read(dir.join("enkaku.key")).unwrap();

    let new = "a quite different passphrase";
    let out = enkaku_with(
        dir,
        &["store", "passphrase"],
        &[
            ("ENKAKU_PASSPHRASE", "not the passphrase"),
            ("ENKAKU_NEW_PASSPHRASE", new),
        ],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("passphrase is wrong"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(dir.join("enkaku.key")).unwrap(), key_file);

    let out = enkaku_with(
        dir,
        &["store", "passphrase"],
        &[
            ("ENKAKU_PASSPHRASE", PASSPHRASE),
            ("ENKAKU_NEW_PASSPHRASE", new),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.join("enkaku.sqlite3")).unwrap(),
        store_bytes,
        "not re-encrypted"
    );
    assert_eq!(mode(&dir.join("enkaku.key")), 0o600);
    let out = enkaku_with(dir, &["export"], &[("ENKAKU_PASSPHRASE", PASSPHRASE)]);
    assert!(
        !out.status.success(),
        "the old passphrase no longer opens it"
    );
    let out = enkaku_with(dir, &["export"], &[("ENKAKU_PASSPHRASE", new)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("山田 太郎"));
}

#[test]
fn the_status_line_says_when_the_store_is_not_encrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = App::new(tmp.path(), Lang::En, "true {room}");
    a.sign_in("dr-tanaka");
    a.state.store_encrypted = Some(false);
    assert!(a.render(120, 30).contains("store: not encrypted"));
    a.state.store_encrypted = Some(true);
    assert!(!a.render(120, 30).contains("not encrypted"));
    a.state.lang = Lang::Ja;
    a.state.store_encrypted = Some(false);
    assert!(a.render(120, 30).contains("暗号化なし"));
}
