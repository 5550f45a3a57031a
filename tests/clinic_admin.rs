//! A real clinic from the command line, over the real binary and a real store: `clinic init`
//! from a TOML file (and its refusals), `staff add | edit | list | deactivate` with the error of
//! each bad field, the demo refused over a real clinic, and a fresh directory that is never
//! seeded behind the user's back.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn enkaku_with(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env_remove("ENKAKU_STAFF")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn enkaku(dir: &Path, args: &[&str]) -> Output {
    enkaku_with(dir, args, None)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}{}", out(o), err(o));
    out(o)
}

/// Fails cleanly (no panic), saying each of `needles` on stderr.
fn refused(o: &Output, needles: &[&str]) {
    let e = err(o);
    assert!(
        !o.status.success(),
        "expected a failure; stdout: {}",
        out(o)
    );
    assert!(!e.contains("panicked"), "{e}");
    for n in needles {
        assert!(e.contains(n), "stderr lacks {n:?}: {e}");
    }
}

/// Everything the store holds that a refusal must leave alone: the documents and the audit log.
fn state_of(dir: &Path) -> (String, String) {
    (
        ok(&enkaku(dir, &["export", "--json"])),
        ok(&enkaku(dir, &["audit", "log", "--json"])),
    )
}

const CLINIC_TOML: &str = r#"
id = "c-0123456789abcdef"
name = "医療法人社団みなみ会 みなみクリニック"
institution_code = "1310345671"
address = "東京都北区王子本町1-2-3"
phone = "03-1111-2222"

[[partner_hospitals]]
id = "ph-chuo"
name = "東京中央総合病院"
phone = "03-3905-1101"
accepts = "内科・循環器の救急 (24時間)"
emergency_agreement = true

[[care_teams]]
id = "team-kita"
name = "北訪問チーム"

[admin]
id = "admin-mori"
name = "森 誠"
kana = "モリ マコト"
pin = "4821"

[[staff]]
id = "dr-aoki"
name = "青木 健"
kana = "アオキ ケン"
role = "doctor"
licence_number = "512384"
registration_year = 2008
online_training = 2024-04-15
pin = "1357"
"#;

fn init(dir: &Path) {
    let file = dir.join("clinic.toml");
    std::fs::write(&file, CLINIC_TOML).unwrap();
    let said = ok(&enkaku(
        dir,
        &["clinic", "init", "--from", file.to_str().unwrap()],
    ));
    assert!(
        said.contains("clinic c-0123456789abcdef (医療法人社団みなみ会 みなみクリニック) set up: 2 staff, 1 care teams, 1 partner hospitals"),
        "{said}"
    );
}

fn export(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&enkaku(dir, &["export", "--json"]))).unwrap()
}

#[test]
fn a_clinic_is_set_up_from_a_file_in_one_audited_step_and_its_admin_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let docs = export(dir.path())["documents"].clone();
    assert_eq!(
        docs.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["clinic", "team/team-kita"],
        "the clinic and its one team's roster: {docs}"
    );
    assert_eq!(
        docs["team/team-kita"]["clinic_name"],
        docs["clinic"]["name"]
    );
    let clinic = &docs["clinic"];
    assert_eq!(clinic["id"], "c-0123456789abcdef");
    assert_eq!(clinic["institution_code"], "1310345671");
    assert_eq!(
        clinic["partner_hospitals"]["ph-chuo"]["accepts"],
        "内科・循環器の救急 (24時間)"
    );
    assert_eq!(
        clinic["partner_hospitals"]["ph-chuo"]["emergency_agreement"],
        true
    );
    assert_eq!(clinic["care_teams"]["team-kita"]["name"], "北訪問チーム");
    assert_eq!(clinic["staff"]["admin-mori"]["role"], "admin");
    assert_eq!(
        clinic["staff"]["dr-aoki"]["online_training_completed"],
        "2024-04-15"
    );
    // Only salted hashes of the PINs are kept; the admin's verifies.
    let hash = clinic["staff"]["admin-mori"]["pin_hash"].as_str().unwrap();
    assert!(!hash.contains("4821"));
    let staff: enkaku::domain::Staff =
        serde_json::from_value(clinic["staff"]["admin-mori"].clone()).unwrap();
    assert!(staff.verify_pin("4821"));
    // One audited transaction: the clinic and the team's roster written with it.
    let log: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&enkaku(dir.path(), &["audit", "log", "--json"]))).unwrap();
    let actions: Vec<&str> = log.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["clinic.init", "team.roster"], "{log:?}");
    assert!(log.iter().all(|e| e["staff_id"] == "system:cli"));
    // Queue documents will carry the clinic's id.
    let listed = ok(&enkaku(dir.path(), &["queue", "list"]));
    assert!(listed.contains("0 entries"), "{listed}");
}

#[test]
fn init_refuses_a_store_that_holds_a_clinic_real_or_demo_and_changes_nothing() {
    let real = tempfile::tempdir().unwrap();
    init(real.path());
    let before = state_of(real.path());
    let file = real.path().join("clinic.toml");
    refused(
        &enkaku(
            real.path(),
            &["clinic", "init", "--from", file.to_str().unwrap()],
        ),
        &[
            "already holds the clinic c-0123456789abcdef",
            "nothing was changed",
        ],
    );
    assert_eq!(state_of(real.path()), before);

    let demo = tempfile::tempdir().unwrap();
    ok(&enkaku(demo.path(), &["demo"]));
    let before = state_of(demo.path());
    std::fs::write(demo.path().join("clinic.toml"), CLINIC_TOML).unwrap();
    let file = demo.path().join("clinic.toml");
    refused(
        &enkaku(
            demo.path(),
            &["clinic", "init", "--from", file.to_str().unwrap()],
        ),
        &["holds the demo clinic", "nothing was changed"],
    );
    assert_eq!(state_of(demo.path()), before);
}

#[test]
fn a_bad_clinic_file_names_the_key_and_line_and_writes_nothing() {
    // (change to the good file, what the error must say)
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            "licence_number = \"512384\"",
            "licence = \"512384\"",
            &["key `staff[0].licence`", "unknown field"],
        ),
        (
            "institution_code = \"1310345671\"",
            "institution_code = \"1310345672\"",
            &["key `institution_code`", "check digit", ":4:"],
        ),
        (
            "institution_code = \"1310345671\"",
            "institution_code = \"13103\"",
            &["key `institution_code`", "not 10 digits"],
        ),
        (
            "registration_year = 2008",
            "registration_year = 1850",
            &["key `staff[0].registration_year`", "plausible", ":25:"],
        ),
        (
            "online_training = 2024-04-15",
            "online_training = \"2024-13-01\"",
            &["key `staff[0].online_training`", "not a date"],
        ),
        (
            "role = \"doctor\"",
            "role = \"surgeon\"",
            &["key `staff[0].role`", "not a role"],
        ),
        (
            "pin = \"4821\"",
            "pin = \"48a1\"",
            &["key `admin.pin`", "digits"],
        ),
        (
            "[admin]",
            "[administrator]",
            &["unknown field `administrator`"],
        ),
    ];
    for (from, to, needles) in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clinic.toml");
        assert!(CLINIC_TOML.contains(from), "{from}");
        std::fs::write(&file, CLINIC_TOML.replacen(from, to, 1)).unwrap();
        let o = enkaku(
            dir.path(),
            &["clinic", "init", "--from", file.to_str().unwrap()],
        );
        let mut all = vec!["clinic.toml"];
        all.extend_from_slice(needles);
        refused(&o, &all);
        let docs = export(dir.path())["documents"].clone();
        assert_eq!(docs, serde_json::json!({}), "{to}: something was written");
    }
    // A care team the file does not define, and a licence number used twice.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clinic.toml");
    let twice = format!(
        "{CLINIC_TOML}\n[[staff]]\nname = \"加藤 一\"\nkana = \"カトウ ハジメ\"\nrole = \"doctor\"\nlicence_number = \"512384\"\n"
    );
    std::fs::write(&file, twice).unwrap();
    refused(
        &enkaku(
            dir.path(),
            &["clinic", "init", "--from", file.to_str().unwrap()],
        ),
        &[
            "key `staff[1].licence_number`",
            "already the licence number of staff[0]",
        ],
    );
    std::fs::write(
        &file,
        CLINIC_TOML.replacen("pin = \"1357\"", "care_team = \"team-nishi\"", 1),
    )
    .unwrap();
    refused(
        &enkaku(
            dir.path(),
            &["clinic", "init", "--from", file.to_str().unwrap()],
        ),
        &["key `staff[0].care_team`", "team-nishi"],
    );
}

#[test]
fn staff_are_added_edited_listed_and_deactivated_and_each_bad_field_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let add = |args: &[&str], pin: Option<&str>| {
        let mut all = vec!["--staff", "admin-mori", "staff", "add"];
        all.extend_from_slice(args);
        enkaku_with(d, &all, pin)
    };
    // A doctor without the designated training, with a PIN from standard input.
    let said = ok(&add(
        &[
            "--role",
            "doctor",
            "--name",
            "木村 拓也",
            "--kana",
            "キムラ タクヤ",
            "--licence",
            "633051",
            "--registration-year",
            "2021",
            "--pin-stdin",
        ],
        Some("2468\n"),
    ));
    assert!(
        said.contains("added dr-") && said.contains("指針 V.3(1)"),
        "{said}"
    );
    let kimura = said.split_whitespace().nth(1).unwrap().to_string();
    assert!(kimura.starts_with("dr-"), "{said}");
    // A nurse of the north team, a clerk with an id of the clinic's choosing.
    ok(&add(
        &[
            "--role",
            "nurse",
            "--name",
            "伊藤 由美",
            "--kana",
            "イトウ ユミ",
            "--licence",
            "1128746",
            "--care-team",
            "team-kita",
        ],
        None,
    ));
    ok(&add(
        &[
            "--id",
            "fd-suzuki",
            "--role",
            "front_desk",
            "--name",
            "鈴木 花子",
            "--kana",
            "スズキ ハナコ",
        ],
        None,
    ));

    // Each bad field, named; nothing written by any of them.
    let before = state_of(d);
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &[
                "--role",
                "doctor",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
                "--licence",
                "512384",
            ],
            &["licence_number", "already the licence number of dr-aoki"],
        ),
        (
            &[
                "--role",
                "nurse",
                "--name",
                "小林 茜",
                "--kana",
                "コバヤシ アカネ",
                "--care-team",
                "team-nishi",
            ],
            &["care_team", "no care team \"team-nishi\""],
        ),
        (
            &[
                "--role",
                "doctor",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
                "--online-training",
                "2024-02-30",
            ],
            &["online_training", "not a date"],
        ),
        (
            &[
                "--role",
                "doctor",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
                "--registration-year",
                "1850",
            ],
            &["registration_year", "1850 is not a plausible 医籍登録年"],
        ),
        (
            &[
                "--role",
                "doctor",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
                "--registration-year",
                "H20",
            ],
            &["registration_year", "\"H20\" is not a year"],
        ),
        (
            &[
                "--role",
                "surgeon",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
            ],
            &["role", "not a role"],
        ),
        (
            &[
                "--id",
                "dr-aoki",
                "--role",
                "doctor",
                "--name",
                "加藤 一",
                "--kana",
                "カトウ ハジメ",
            ],
            &["id", "dr-aoki is already 青木 健"],
        ),
    ];
    for (args, needles) in cases {
        refused(&add(args, None), needles);
    }
    refused(
        &enkaku(d, &["staff", "edit", "dr-nobody", "--hpki", "X"]),
        &[
            "staff edit dr-nobody",
            "staff_id: no staff member dr-nobody",
        ],
    );
    refused(
        &enkaku(d, &["staff", "deactivate", "dr-nobody"]),
        &["no staff member dr-nobody"],
    );
    refused(
        &enkaku(d, &["staff", "edit", &kimura, "--ec-training", "tomorrow"]),
        &["ec_training", "not a date"],
    );
    refused(
        &enkaku(d, &["staff", "edit", &kimura]),
        &["nothing to change"],
    );
    refused(
        &enkaku(d, &["staff", "deactivate", "admin-mori"]),
        &["last active administrator"],
    );
    assert_eq!(state_of(d), before, "a refused command wrote something");

    // Edit writes only the fields given and audits who did it.
    let said = ok(&enkaku(
        d,
        &[
            "--staff",
            "admin-mori",
            "staff",
            "edit",
            &kimura,
            "--online-training",
            "2025-06-01",
            "--hpki",
            "HPKI-D-0001",
        ],
    ));
    assert!(
        said.contains("changed hpki_card, online_training_completed of"),
        "{said}"
    );
    assert!(!said.contains("V.3(1)"), "trained now: {said}");

    ok(&enkaku(
        d,
        &["--staff", "admin-mori", "staff", "deactivate", "fd-suzuki"],
    ));
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&enkaku(d, &["staff", "list", "--json"]))).unwrap();
    let by_id = |id: &str| list.iter().find(|s| s["id"] == id).cloned().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(by_id("fd-suzuki")["active"], false, "kept, inactive");
    assert_eq!(by_id(&kimura)["online_training_completed"], "2025-06-01");
    assert_eq!(by_id(&kimura)["hpki_card"], "HPKI-D-0001");
    assert_eq!(by_id(&kimura)["licence_number"], "633051", "untouched");
    assert_eq!(by_id(&kimura)["pin_set"], true);
    assert!(
        list.iter().all(|s| s.get("pin_hash").is_none()),
        "no hash printed"
    );
    let text = ok(&enkaku(d, &["staff", "list"]));
    assert!(
        text.contains("inactive") && text.contains("active"),
        "{text}"
    );

    // A doctor without the training is marked in the list.
    ok(&add(
        &[
            "--id",
            "dr-new",
            "--role",
            "doctor",
            "--name",
            "新井 医",
            "--kana",
            "アライ イ",
        ],
        None,
    ));
    let text = ok(&enkaku(d, &["staff", "list"]));
    let line = text.lines().find(|l| l.starts_with("dr-new")).unwrap();
    assert!(line.contains("NONE ! 指針 V.3(1)"), "{text}");
    assert!(
        text.contains("1 active doctor(s) without the MHLW-designated"),
        "{text}"
    );

    let log: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&enkaku(d, &["audit", "log", "--json"]))).unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["staff_id"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("staff.add", "admin-mori"),
        ("staff.edit", "admin-mori"),
        ("staff.deactivate", "admin-mori"),
    ] {
        assert!(actions.contains(&expected), "{actions:?}");
    }
}

/// `--staff` names the author of a change in the audit log: an id that is nobody in the clinic,
/// or a member who has been deactivated, is refused before anything is written, naming the
/// option; a member of staff and the default `system:cli` are recorded.
#[test]
fn a_change_is_refused_under_a_staff_id_that_is_nobody_in_the_clinic() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let add = |by: Option<&str>, name: &str| {
        let mut args: Vec<&str> = Vec::new();
        if let Some(by) = by {
            args.extend(["--staff", by]);
        }
        args.extend(["staff", "add", "--role", "front_desk", "--name", name]);
        args.extend(["--kana", "スズキ"]);
        enkaku(dir.path(), &args)
    };
    let before = state_of(dir.path());
    refused(
        &add(Some("admin-mroi"), "鈴木"),
        &["--staff \"admin-mroi\"", "staff list"],
    );
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "患者番号,氏名,カナ氏名,生年月日\n1,山田 太郎,ヤマダ タロウ,1970-01-01\n",
    )
    .unwrap();
    refused(
        &enkaku(
            dir.path(),
            &[
                "--staff",
                "nobody",
                "patients",
                "import",
                csv.to_str().unwrap(),
            ],
        ),
        &["--staff \"nobody\""],
    );
    assert_eq!(state_of(dir.path()), before, "nothing written");

    ok(&add(Some("admin-mori"), "鈴木"));
    ok(&add(None, "佐々木"));
    ok(&enkaku(
        dir.path(),
        &["--staff", "admin-mori", "staff", "deactivate", "dr-aoki"],
    ));
    refused(&add(Some("dr-aoki"), "田中"), &["--staff \"dr-aoki\""]);
    let log: serde_json::Value =
        serde_json::from_str(&ok(&enkaku(dir.path(), &["audit", "log", "--json"]))).unwrap();
    let adders: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "staff.add")
        .filter_map(|e| e["staff_id"].as_str())
        .collect();
    assert_eq!(adders, ["admin-mori", "system:cli"]);
}

/// A new clinic that imports its patient list before `clinic init` must not lose the data
/// directory to it: `clinic init` wants an empty store, so the import is refused, saying what
/// to run first, and the clinic can still be set up there.
#[test]
fn patients_are_not_imported_before_the_clinic_is_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "患者番号,氏名,カナ氏名,生年月日,性別\n1,山田 太郎,ヤマダ タロウ,1970-01-01,男\n",
    )
    .unwrap();
    refused(
        &enkaku(dir.path(), &["patients", "import", csv.to_str().unwrap()]),
        &[
            "no clinic here yet",
            "enkaku clinic init",
            "nothing was imported",
        ],
    );
    assert!(ok(&enkaku(dir.path(), &["patients", "list"])).contains("0 patients"));
    init(dir.path());
    let said = ok(&enkaku(
        dir.path(),
        &["patients", "import", csv.to_str().unwrap()],
    ));
    assert!(said.contains("1 added"), "{said}");
}

#[test]
fn the_demo_is_refused_over_a_real_clinic_and_the_store_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let before = state_of(dir.path());
    for args in [&["demo"][..], &["demo", "--patients", "5"][..]] {
        refused(
            &enkaku(dir.path(), args),
            &["c-0123456789abcdef", "not the demo", "nothing was written"],
        );
    }
    assert_eq!(state_of(dir.path()), before);
    let docs = export(dir.path())["documents"].clone();
    assert!(
        !docs.as_object().unwrap().keys().any(|k| k.contains("demo")),
        "{docs}"
    );
}

#[test]
fn a_fresh_directory_piped_says_what_to_run_and_seeds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = enkaku(dir.path(), &[]);
    refused(
        &o,
        &["no clinic here yet", "enkaku clinic init", "enkaku demo"],
    );
    assert!(out(&o).is_empty(), "{}", out(&o));
    assert_eq!(export(dir.path())["documents"], serde_json::json!({}));
    // clinic init without a file and without a terminal says how to give one.
    refused(
        &enkaku(dir.path(), &["clinic", "init"]),
        &["--from FILE.toml"],
    );
    assert_eq!(export(dir.path())["documents"], serde_json::json!({}));
}
