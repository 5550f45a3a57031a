//! The `enkaku` binary end to end over real files: seeding, export, queue import, audit
//! verification, and clear errors (naming file and line) for damaged or malformed input.

use std::path::Path;
use std::process::{Command, Output};

fn enkaku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env("HOME", dir) // keep the platform config directory inside the test
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_failure(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success; stderr: {err}"
    );
    assert!(!err.contains("panicked"), "panicked: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
}

#[test]
fn the_demo_is_one_command_away_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = enkaku(dir.path(), &["demo"]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    assert!(
        stdout(&seeded).contains("demo clinic: created; 30 patients added"),
        "{}",
        stdout(&seeded)
    );
    // Not on a terminal: the bare command prints today's queue instead of drawing the screen.
    let first = enkaku(dir.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let queue = stdout(&first);
    assert!(
        queue.contains("15 entries") && queue.contains("山田　太郎"),
        "{queue}"
    );
    let before = stdout(&enkaku(dir.path(), &["export", "--json"]));
    let again = enkaku(dir.path(), &["demo"]);
    assert!(
        stdout(&again).contains("0 patients added; 0 queue entries added"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        before,
        stdout(&enkaku(dir.path(), &["export", "--json"])),
        "re-seeding changed data"
    );
    let export: serde_json::Value = serde_json::from_str(&before).unwrap();
    let docs = export["documents"].as_object().unwrap();
    assert!(docs.contains_key("clinic"));
    assert_eq!(
        docs.keys().filter(|k| k.starts_with("patient/")).count(),
        30
    );
    // The clinic's queue of the day, and team-kita's for its home-care patients.
    let queues: Vec<&String> = docs
        .keys()
        .filter(|k| k.starts_with("queue/demo-clinic/"))
        .collect();
    assert_eq!(queues.len(), 2, "{queues:?}");
    assert!(queues.iter().any(|k| k.ends_with("/team-kita")));
    let roles: Vec<&str> = docs["clinic"]["staff"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert!(roles.iter().filter(|r| **r == "doctor").count() >= 2);
    for role in ["front_desk", "nurse"] {
        assert!(roles.contains(&role), "no {role}");
    }
    // Logs go to the data directory, not the terminal.
    assert!(dir.path().join("enkaku.log").exists());
}

#[test]
fn synthetic_patients_are_deterministic_and_added_after_existing_ones() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(
        enkaku(a.path(), &["demo", "--patients", "25"])
            .status
            .success()
    );
    assert!(
        enkaku(b.path(), &["demo", "--patients", "10"])
            .status
            .success()
    );
    assert!(
        enkaku(b.path(), &["demo", "--patients", "15"])
            .status
            .success()
    );
    let export = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&stdout(&enkaku(d, &["export", "--json"]))).unwrap()
    };
    let (ea, eb) = (export(a.path()), export(b.path()));
    let synthetic = |e: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        e["documents"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("patient/s-"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (sa, sb) = (synthetic(&ea), synthetic(&eb));
    assert_eq!(sa.len(), 25);
    assert_eq!(
        sa, sb,
        "the same synthetic patients whether added at once or in two runs"
    );
    let p = &sa[0].1;
    assert!(!p["encounters"].as_object().unwrap().is_empty());
    let enc = p["encounters"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert!(!enc["notes"].as_object().unwrap().is_empty());
}

#[test]
fn reservations_import_once_and_bad_rows_are_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let csv = dir.path().join("bookings.csv");
    std::fs::write(
        &csv,
        "date,time,patient_id,name,date_of_birth,visit\n\
         2026-12-01,09:00,p-0001,,,online_followup\n\
         2026-12-01,25:00,p-0002,,,online_followup\n\
         2026-12-01,09:30,,ヤマダ　タロウ,,online_followup\n\
         2026-12-01,10:00,p-9999,,,online_followup\n\
         2026-12-01,10:30,p-0003,,,video_chat\n\
         2026-12-01,11:00,,ﾔﾏﾀﾞ ﾀﾛｳ,1958-04-12,online_followup\n",
    )
    .unwrap();
    let dob = {
        let export: serde_json::Value =
            serde_json::from_str(&stdout(&enkaku(dir.path(), &["export", "--json"]))).unwrap();
        export["documents"]["patient/p-0001"]["demographics"]["date_of_birth"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("1958-04-12", &dob);
    std::fs::write(&csv, text).unwrap();

    let first = enkaku(dir.path(), &["queue", "import", csv.to_str().unwrap()]);
    let path = csv.display().to_string();
    assert_clean_failure(
        &first,
        &[
            &format!("{path}: line 3: time \"25:00\""),
            &format!("{path}: line 4: date_of_birth"),
            &format!("{path}: line 5: no patient with id \"p-9999\""),
            &format!("{path}: line 6: visit \"video_chat\""),
        ],
    );
    assert!(
        stdout(&first).contains("2 added, 0 already queued, 4 rejected"),
        "{}",
        stdout(&first)
    );
    let second = enkaku(dir.path(), &["queue", "import", csv.to_str().unwrap()]);
    assert!(
        stdout(&second).contains("0 added, 2 already queued, 4 rejected"),
        "{}",
        stdout(&second)
    );
    let listed: serde_json::Value = serde_json::from_str(&stdout(&enkaku(
        dir.path(),
        &["queue", "list", "--date", "2026-12-01", "--json"],
    )))
    .unwrap();
    let entries = listed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e["patient_id"] == "p-0001" && e["status"] == "reserved")
    );
}

#[test]
fn a_csv_with_an_unknown_column_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let csv = dir.path().join("x.csv");
    std::fs::write(&csv, "time,patient,visit\n09:00,p-0001,online_followup\n").unwrap();
    let out = enkaku(dir.path(), &["queue", "import", csv.to_str().unwrap()]);
    assert_clean_failure(
        &out,
        &[
            &csv.display().to_string(),
            "line 1",
            "unknown column \"patient\"",
        ],
    );
}

#[test]
fn a_tampered_audit_row_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let ok = enkaku(dir.path(), &["audit", "verify"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let db = rusqlite::Connection::open(dir.path().join("enkaku.sqlite3")).unwrap();
    db.execute("UPDATE audit SET staff_id = 'dr-nobody' WHERE seq = 5", [])
        .unwrap();
    drop(db);
    assert_clean_failure(
        &enkaku(dir.path(), &["audit", "verify"]),
        &["audit entry 5 does not verify"],
    );

    let dir = tempfile::tempdir().unwrap();
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let db = rusqlite::Connection::open(dir.path().join("enkaku.sqlite3")).unwrap();
    db.execute("DELETE FROM audit WHERE seq = 7", []).unwrap();
    drop(db);
    assert_clean_failure(
        &enkaku(dir.path(), &["audit", "verify"]),
        &["audit entry 7 does not verify", "missing"],
    );
}

fn seeded_db(dir: &Path) -> std::path::PathBuf {
    assert!(enkaku(dir, &["demo", "--patients", "200"]).status.success());
    dir.join("enkaku.sqlite3")
}

#[test]
fn a_truncated_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    for args in [&["queue", "list"][..], &["export", "--json"][..], &[][..]] {
        assert_clean_failure(
            &enkaku(dir.path(), args),
            &[&db.display().to_string(), "truncated"],
        );
    }
}

#[test]
fn a_corrupted_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for (i, b) in bytes[4096..len - 4096].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(&db, bytes).unwrap();
    let out = enkaku(dir.path(), &["export", "--json"]);
    assert_clean_failure(&out, &[&db.display().to_string()]);
    assert!(
        stderr(&out).contains("malformed") || stderr(&out).contains("damaged"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("enkaku.sqlite3");
    std::fs::write(&db, "date,time\n".repeat(50)).unwrap();
    assert_clean_failure(
        &enkaku(dir.path(), &["queue", "list"]),
        &[&db.display().to_string(), "not an SQLite database"],
    );
}

#[test]
fn an_invalid_config_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "language = \"ja\"\n[video]\ncommand = \"xdg-open https://meet.example/\"\n",
    )
    .unwrap();
    let out = enkaku(
        dir.path(),
        &["--config", config.to_str().unwrap(), "queue", "list"],
    );
    assert_clean_failure(
        &out,
        &[&config.display().to_string(), "key `video.command`"],
    );
}

/// `enkaku check` over a scenario's case file: zolpidem 14 days at a first online visit blocks
/// with its clause (exit 1); an antihistamine for 7 days passes (exit 0); a wrong type is exit 2
/// naming the field.
#[test]
fn check_blocks_zolpidem_by_clause_and_rejects_invalid_cases() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(format!(
            "{}/tests/scenarios/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["case"].clone()
    };
    let case = dir.path().join("case.json");

    std::fs::write(
        &case,
        scenario("zolpidem_14_days_first_online_visit").to_string(),
    )
    .unwrap();
    let out = enkaku(
        dir.path(),
        &["check", "--case", case.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let psychotropic = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "rx.initial.psychotropic")
        .expect("zolpidem is flagged as a psychotropic");
    assert_eq!(psychotropic["severity"], "block");
    assert!(
        psychotropic["clause"]
            .as_str()
            .unwrap()
            .starts_with("指針 V.1(5)")
    );
    assert!(
        !psychotropic["message_ja"].as_str().unwrap().is_empty()
            && !psychotropic["message_en"].as_str().unwrap().is_empty()
    );

    let mut ok = scenario("zolpidem_14_days_first_online_visit");
    ok["prescriptions"] = serde_json::json!([{ "drug": "4490023F1024", "days": 7 }]);
    std::fs::write(&case, ok.to_string()).unwrap();
    let out = enkaku(
        dir.path(),
        &["check", "--case", case.to_str().unwrap(), "--json"],
    );
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "block"),
        "{findings}"
    );
    assert_eq!(out.status.code(), Some(0));

    let mut bad = scenario("zolpidem_14_days_first_online_visit");
    bad["patient"]["age"] = serde_json::json!("sixty");
    std::fs::write(&case, bad.to_string()).unwrap();
    let out = enkaku(dir.path(), &["check", "--case", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("patient.age"), "{}", stderr(&out));
}

#[test]
fn a_pin_is_set_from_stdin_under_the_configured_policy_and_stored_hashed() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[pin]\nmin_length = 6\n").unwrap();
    let set = |pin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_enkaku"))
            .args([
                "--data-dir",
                dir.path().to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
                "--staff",
                "admin-watanabe",
            ])
            .args(["staff", "set-pin", "dr-sato"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{pin}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_clean_failure(&set("1234"), &["6 to 12 digits"]);
    let ok = set("246810");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let export = stdout(&enkaku(dir.path(), &["export", "--json"]));
    assert!(!export.contains("246810"), "the PIN itself is never stored");
    let v: serde_json::Value = serde_json::from_str(&export).unwrap();
    let staff: enkaku::domain::Staff =
        serde_json::from_value(v["documents"]["clinic"]["staff"]["dr-sato"].clone()).unwrap();
    assert!(staff.verify_pin("246810") && !staff.verify_pin("0000"));
    let log = stdout(&enkaku(dir.path(), &["audit", "log"]));
    assert!(
        log.lines()
            .any(|l| l.contains("admin-watanabe") && l.contains("staff.set_pin")),
        "{log}"
    );
}
