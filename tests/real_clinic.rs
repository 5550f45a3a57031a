//! A real clinic's first day, from an empty data directory, over the real binary and a real
//! store: the clinic is set up from a TOML file, the administrator adds two doctors, a
//! front-desk clerk and a nurse, the clerk imports 50 patients from a Shift_JIS レセコン list;
//! at the workstation the clerk registers a walk-in, a doctor records her allergies and current
//! medications, and the clerk checks her in. The export then holds exactly that, no demo data,
//! and the audit log names the staff member behind every step.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::app::App;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{FormKind, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;
use serde_json::Value as Json;

const ADMIN: (&str, &str) = ("admin-ono", "4821");
const DOCTOR: (&str, &str) = ("dr-hayashi", "2468");
const CLERK: (&str, &str) = ("fd-ito", "1357");

const CLINIC_TOML: &str = r#"
id = "c-5e1f0a2b3c4d5e6f"
name = "医療法人 ひかり会 ひかり内科クリニック"
institution_code = "1310345671"
address = "東京都板橋区本町1-2-3"
phone = "03-5555-0101"

[[partner_hospitals]]
id = "ph-itabashi"
name = "板橋中央総合病院"
phone = "03-3967-1181"
accepts = "内科・循環器の救急 (24時間)"
emergency_agreement = true

[[care_teams]]
id = "team-honcho"
name = "本町訪問チーム"

[admin]
id = "admin-ono"
name = "小野 誠"
kana = "オノ マコト"
pin = "4821"
"#;

fn enkaku(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
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

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "failed: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The administrator adds a member of staff from the command line, PIN on standard input.
fn add_staff(dir: &Path, id: &str, pin: &str, fields: &[&str]) {
    let mut args = vec!["--staff", ADMIN.0, "staff", "add", "--id", id];
    args.extend_from_slice(fields);
    args.push("--pin-stdin");
    ok(&enkaku(dir, &args, Some(&format!("{pin}\n"))));
}

const SURNAMES: [(&str, &str); 10] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("髙橋", "タカハシ"),
    ("田中", "タナカ"),
    ("渡邉", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
];
const GIVEN: [(&str, &str); 5] = [
    ("一郎", "イチロウ"),
    ("花子", "ハナコ"),
    ("﨑子", "サキコ"),
    ("健太", "ケンタ"),
    ("美咲", "ミサキ"),
];

/// A レセコン export of 50 patients, Japanese headers, 和暦 and western dates, in Shift_JIS.
fn rececon_list() -> Vec<u8> {
    let mut text = String::from(
        "患者番号,氏名,カナ氏名,生年月日,性別,電話番号,住所,保険種別,保険者番号,記号,番号,負担割合\r\n",
    );
    for i in 0..50 {
        let (s, sk) = SURNAMES[i % 10];
        let (g, gk) = GIVEN[i / 10];
        let dob = if i % 2 == 0 {
            format!("S{}.{}.{}", 10 + i, 1 + i % 12, 1 + i % 28)
        } else {
            format!("{}/{:02}/{:02}", 1960 + i, 1 + i % 12, 1 + i % 28)
        };
        text.push_str(&format!(
            "{},{s} {g},{sk} {gk},{dob},{},03-3961-{:04},東京都板橋区本町{}-1,社保,0613{:04},{},{},3割\r\n",
            20_001 + i,
            if i % 2 == 0 { "男" } else { "女" },
            i,
            1 + i,
            i,
            100 + i,
            i
        ));
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "the list is written in Shift_JIS");
    bytes.into_owned()
}

fn status(app: &App) -> (String, bool) {
    app.state
        .status
        .as_ref()
        .map(|s| (s.text.clone(), s.error))
        .unwrap_or_default()
}

fn sign_out(app: &mut App) {
    app.ctrl('o');
    assert_eq!(app.state.screen, Screen::SignIn);
}

/// Moves the queue selection to the row of `patient_id`.
fn select(app: &mut App, patient_id: &str) {
    app.select_visit(patient_id);
    assert_eq!(
        app.state.queue.current().map(|r| r.patient_id.as_str()),
        Some(patient_id)
    );
}

#[test]
fn a_real_clinic_runs_its_first_day_from_an_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // The clinic, from its file, by the administrator it names.
    let file = dir.join("clinic.toml");
    std::fs::write(&file, CLINIC_TOML).unwrap();
    ok(&enkaku(
        dir,
        &["clinic", "init", "--from", file.to_str().unwrap()],
        None,
    ));

    // Staff: two doctors (one without the designated training yet), a clerk, a nurse.
    add_staff(
        dir,
        DOCTOR.0,
        DOCTOR.1,
        &[
            "--role",
            "doctor",
            "--name",
            "林 直樹",
            "--kana",
            "ハヤシ ナオキ",
            "--licence",
            "601234",
            "--registration-year",
            "2010",
            "--online-training",
            "2023-05-01",
        ],
    );
    add_staff(
        dir,
        "dr-mori",
        "8642",
        &[
            "--role",
            "doctor",
            "--name",
            "森 さくら",
            "--kana",
            "モリ サクラ",
            "--licence",
            "612345",
            "--registration-year",
            "2019",
        ],
    );
    add_staff(
        dir,
        CLERK.0,
        CLERK.1,
        &[
            "--role",
            "front_desk",
            "--name",
            "伊東 愛",
            "--kana",
            "イトウ アイ",
        ],
    );
    add_staff(
        dir,
        "ns-kudo",
        "9753",
        &[
            "--role",
            "nurse",
            "--name",
            "工藤 由美",
            "--kana",
            "クドウ ユミ",
            "--care-team",
            "team-honcho",
        ],
    );
    let list = ok(&enkaku(dir, &["staff", "list", "--json"], None));
    let staff: Json = serde_json::from_str(&list).unwrap();
    assert_eq!(staff.as_array().map(Vec::len), Some(5), "{list}");

    // 50 patients from the レセコン, imported by the clerk.
    let csv = dir.join("rececon.csv");
    std::fs::write(&csv, rececon_list()).unwrap();
    ok(&enkaku(
        dir,
        &[
            "--staff",
            CLERK.0,
            "patients",
            "import",
            csv.to_str().unwrap(),
        ],
        None,
    ));

    // The workstation over the same store, as `enkaku` opens it.
    let mut app = App::open(dir, Lang::Ja);
    assert_eq!(app.state.staff().len(), 5);

    // The clerk registers a walk-in, then books her as one.
    app.sign_in_with(CLERK.0, CLERK.1);
    app.key(KeyCode::Char('n'));
    for text in ["青木　美穂", "アオキ　ミホ", "1985-07-14"] {
        app.type_text(text);
        app.key(KeyCode::Down);
    }
    app.key(KeyCode::Down); // sex: female, as it is
    app.type_text("090-1234-5678");
    app.key(KeyCode::Down);
    app.type_text("東京都板橋区本町9-9");
    app.key(KeyCode::Down);
    app.key(KeyCode::Right); // employee insurance
    app.key(KeyCode::Down);
    app.type_text("06139999");
    app.key(KeyCode::Enter);
    assert!(!status(&app).1, "{:?}", status(&app));
    let Some(Overlay::Form(form)) = &app.state.overlay else {
        panic!("the walk-in form opens: {:?}", app.state.overlay)
    };
    let FormKind::BookVisit(walk_in) = &form.kind else {
        panic!("{:?}", form.kind)
    };
    let patient_id = walk_in.patient.value().cloned().unwrap();
    app.key(KeyCode::Enter);
    assert!(app.state.overlay.is_none(), "{:?}", app.state.overlay);
    assert!(!status(&app).1, "{:?}", status(&app));
    sign_out(&mut app);

    // The doctor records her allergy and what she takes, confirmed with her today.
    app.sign_in_with(DOCTOR.0, DOCTOR.1);
    select(&mut app, &patient_id);
    app.key(KeyCode::Enter);
    assert_eq!(app.state.screen, Screen::Chart);
    app.key(KeyCode::Char('g'));
    app.type_text("ペニシリン");
    app.key(KeyCode::Down);
    app.type_text("じんましん");
    app.key(KeyCode::Down);
    app.keys(&[KeyCode::Char(' '), KeyCode::Char(' ')]); // moderate
    app.key(KeyCode::Enter);
    assert!(!status(&app).1, "{:?}", status(&app));
    app.key(KeyCode::Char('m'));
    app.type_text("アムロジピン");
    app.key(KeyCode::Tab);
    app.type_text("1日1回朝");
    app.key(KeyCode::Enter);
    assert!(!status(&app).1, "{:?}", status(&app));
    app.key(KeyCode::Char('M'));
    app.type_text("市販の葛根湯");
    app.key(KeyCode::Enter);
    app.key(KeyCode::Char('k'));
    assert!(!status(&app).1, "{:?}", status(&app));
    app.key(KeyCode::Esc);
    sign_out(&mut app);

    // The clerk checks her in: driving licence seen, doctor 林 assigned, in one step.
    app.sign_in_with(CLERK.0, CLERK.1);
    select(&mut app, &patient_id);
    app.key(KeyCode::Char('i'));
    let Some(Overlay::Form(form)) = &app.state.overlay else {
        panic!("the check-in form opens")
    };
    let FormKind::CheckIn(check_in) = &form.kind else {
        panic!("{:?}", form.kind)
    };
    let hayashi = check_in
        .doctor
        .options
        .iter()
        .position(|(id, _)| id == DOCTOR.0)
        .unwrap();
    let selected = check_in.doctor.selected;
    app.keys(&[KeyCode::Down, KeyCode::Char(' ')]); // driving licence
    for _ in 0..7 {
        app.key(KeyCode::Down);
    }
    for _ in selected..hayashi {
        app.key(KeyCode::Right);
    }
    app.key(KeyCode::Enter);
    assert!(!status(&app).1, "{:?}", status(&app));
    drop(app);

    // The record, through the real binary.
    let export: Json =
        serde_json::from_str(&ok(&enkaku(dir, &["export", "--json"], None))).unwrap();
    let docs = export["documents"].as_object().unwrap();
    let ids: BTreeSet<&str> = docs.keys().map(String::as_str).collect();
    let patients: Vec<&&str> = ids.iter().filter(|i| i.starts_with("patient/")).collect();
    let queues: Vec<&&str> = ids.iter().filter(|i| i.starts_with("queue/")).collect();
    assert_eq!(patients.len(), 51, "50 imported and the walk-in");
    assert_eq!(queues.len(), 1, "{queues:?}");
    // The clinic's one care team has its roster, for the team's devices to sign in with.
    assert!(ids.contains("team/team-honcho"), "{ids:?}");
    let roster = &docs["team/team-honcho"];
    assert_eq!(roster["care_team"], "team-honcho");
    assert_eq!(
        ids.len(),
        54,
        "the clinic, the team's roster, the patients, today's queue: {ids:?}"
    );
    assert!(
        !ids.iter()
            .any(|i| i.contains("demo") || *i == "patient/p-0001"),
        "no demo data: {ids:?}"
    );

    let clinic = &docs["clinic"];
    assert_eq!(clinic["id"], "c-5e1f0a2b3c4d5e6f");
    assert_eq!(clinic["institution_code"], "1310345671");
    let staff_ids: BTreeSet<&str> = clinic["staff"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        staff_ids,
        BTreeSet::from([ADMIN.0, CLERK.0, DOCTOR.0, "dr-mori", "ns-kudo"])
    );
    assert_eq!(clinic["staff"][DOCTOR.0]["licence_number"], "601234");
    assert_eq!(clinic["staff"]["ns-kudo"]["care_team"], "team-honcho");

    // One imported patient, as the list had it.
    let first = patients
        .iter()
        .map(|id| &docs[**id])
        .find(|p| p["patient_number"] == "20001")
        .expect("patient 20001");
    assert_eq!(first["demographics"]["name_kanji"], "佐藤 一郎");
    assert_eq!(first["demographics"]["date_of_birth"], "1935-01-01");
    assert_eq!(first["insurance"]["insurer_number"], "06130000");
    assert_eq!(first["insurance"]["copay_percent"], 30);

    // The walk-in: who she is, what she is allergic to, what she takes, how she was checked in.
    let her = &docs[&format!("patient/{patient_id}")];
    assert_eq!(her["demographics"]["name_kanji"], "青木　美穂");
    // The reading is stored folded, as `patients import` stores it.
    assert_eq!(her["demographics"]["name_kana"], "アオキ ミホ");
    assert_eq!(her["demographics"]["date_of_birth"], "1985-07-14");
    assert_eq!(her["demographics"]["sex"], "female");
    assert_eq!(her["demographics"]["phone"], "090-1234-5678");
    assert_eq!(her["insurance"]["kind"], "employee");
    assert_eq!(her["insurance"]["insurer_number"], "06139999");
    let allergies: Vec<&Json> = her["allergies"].as_object().unwrap().values().collect();
    assert_eq!(allergies.len(), 1);
    assert_eq!(allergies[0]["substance"], "ペニシリン");
    assert_eq!(allergies[0]["reaction"], "じんましん");
    assert_eq!(allergies[0]["severity"], "moderate");
    let meds: BTreeMap<&str, &Json> = her["medications"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| (m["name"].as_str().unwrap(), m))
        .collect();
    assert_eq!(meds.len(), 2, "{meds:?}");
    // Found by its ingredient (アムロジピン), recorded under the product's name and code.
    let listed = meds
        .values()
        .find(|m| m["drug_code"].is_string())
        .copied()
        .unwrap_or_else(|| panic!("the drug picked from the master: {meds:?}"));
    assert!(
        listed["name"]
            .as_str()
            .is_some_and(|n| n.contains("ノルバスク")),
        "{listed}"
    );
    assert_eq!(listed["dose"], "1日1回朝");
    assert!(meds["市販の葛根湯"]["drug_code"].is_null());
    assert!(her["medications_confirmed_at"].is_string());
    let checks: Vec<&Json> = her["identity_checks"]
        .as_object()
        .unwrap()
        .values()
        .collect();
    assert_eq!(checks.len(), 1);
    assert_eq!(
        checks[0]["documents"],
        serde_json::json!(["drivers_licence"])
    );
    assert_eq!(checks[0]["checked_by"], CLERK.0);

    let queue = &docs[*queues[0]];
    let entries: Vec<&Json> = queue["entries"].as_object().unwrap().values().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["patient_id"], patient_id.as_str());
    assert_eq!(entries[0]["source"], "walk_in");
    assert_eq!(entries[0]["status"], "checked_in");
    assert_eq!(entries[0]["doctor"], DOCTOR.0);
    assert_eq!(
        entries[0]["identity_check"], checks[0]["id"],
        "the visit points at the check made at the counter"
    );

    // The audit log names who did each step, and its chain holds.
    let log: Json =
        serde_json::from_str(&ok(&enkaku(dir, &["audit", "log", "--json"], None))).unwrap();
    let by = |action: &str| -> BTreeSet<String> {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .map(|e| e["staff_id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let count = |action: &str, staff: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action && e["staff_id"] == staff)
            .count()
    };
    assert_eq!(count("staff.add", ADMIN.0), 4);
    assert_eq!(count("patient.import", CLERK.0), 50);
    assert_eq!(
        by("patient.register"),
        BTreeSet::from([CLERK.0.to_string()])
    );
    assert_eq!(by("queue.walk_in"), BTreeSet::from([CLERK.0.to_string()]));
    assert_eq!(
        by("patient.allergies"),
        BTreeSet::from([DOCTOR.0.to_string()])
    );
    assert_eq!(
        by("patient.medications"),
        BTreeSet::from([DOCTOR.0.to_string()])
    );
    assert_eq!(count("patient.medications", DOCTOR.0), 2);
    assert_eq!(
        by("patient.medications.confirmed"),
        BTreeSet::from([DOCTOR.0.to_string()])
    );
    assert_eq!(by("identity.check"), BTreeSet::from([CLERK.0.to_string()]));
    assert_eq!(
        by("queue.status.checked_in"),
        BTreeSet::from([CLERK.0.to_string()])
    );
    let verified = ok(&enkaku(dir, &["audit", "verify"], None));
    assert!(verified.contains("intact"), "{verified}");

    // The demo stays out of this clinic's store.
    let demo = enkaku(dir, &["demo"], None);
    assert!(!demo.status.success());
    let again: Json = serde_json::from_str(&ok(&enkaku(dir, &["export", "--json"], None))).unwrap();
    assert_eq!(again, export, "a refused demo writes nothing");
}
