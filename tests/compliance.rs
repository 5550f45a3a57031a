//! `enkaku check --encounter` over the real binary and a real demo store: a stored encounter is
//! judged through the one fact model (`rules::facts::stored_case`), and gives the same findings as
//! `check --case` on the case exported from the same facts; bad ids are clear errors (exit 2).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::app::{App, test_day, test_now};
use enkaku::store::Store;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::Screen;
use ratatui::crossterm::event::KeyCode;

fn enkaku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env("HOME", dir)
        .output()
        .expect("run enkaku")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Findings JSON without anything that depends on the moment of evaluation.
fn findings(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn check_encounter_agrees_with_check_case_over_the_demo_clinic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seeded = enkaku(dir.path(), &["demo"]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));

    let (patient, clinic) = {
        let mut store = Store::open_dir(dir.path()).expect("open store");
        let clinic = store.clinic().expect("clinic").expect("demo clinic");
        let with_encounters = store
            .patient_summaries()
            .expect("patients")
            .into_iter()
            .map(|s| store.patient(&s.patient_id).expect("patient"))
            .find(|p| p.encounters.values().any(|e| e.doctor.is_some()))
            .expect("a demo patient with an encounter");
        (with_encounters, clinic)
    };
    let mut compared = 0;
    for encounter in patient.encounters.values().filter(|e| e.doctor.is_some()) {
        let day = encounter
            .started_at
            .map(|at| at.to_offset(time::macros::offset!(+9)).date())
            .expect("demo encounters have a start");
        let case =
            enkaku::rules::facts::stored_case(&patient, &encounter.id, Some(&clinic), day, false)
                .expect("stored case");
        let case_file = dir.path().join(format!("{}.json", encounter.id));
        std::fs::write(&case_file, serde_json::to_string(&case).expect("case json"))
            .expect("write case");

        let id = format!("{}/{}", patient.id, encounter.id);
        let by_encounter = enkaku(dir.path(), &["check", "--encounter", &id, "--json"]);
        let case_path = case_file.to_string_lossy().into_owned();
        let by_case = enkaku(dir.path(), &["check", "--case", &case_path, "--json"]);
        assert_eq!(
            by_encounter.status.code(),
            by_case.status.code(),
            "{id}: {}",
            stderr(&by_encounter)
        );
        assert!(matches!(by_encounter.status.code(), Some(0 | 1)), "{id}");
        assert_eq!(findings(&by_encounter), findings(&by_case), "{id}");

        let text = enkaku(dir.path(), &["check", "--encounter", &id]);
        assert_eq!(text.status.code(), by_case.status.code());
        assert!(!stdout(&text).is_empty());
        compared += 1;
    }
    assert!(compared > 0);
}

#[test]
fn check_encounter_names_what_is_wrong_with_the_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    for (id, needle) in [
        ("no-slash", "--encounter: expected PATIENT_ID/ENCOUNTER_ID"),
        ("p-0001/", "--encounter: expected PATIENT_ID/ENCOUNTER_ID"),
        ("p-9999/en-1", "--encounter: no patient p-9999"),
        ("p-0001/en-nope", "no such encounter"),
    ] {
        let o = enkaku(dir.path(), &["check", "--encounter", id]);
        assert_eq!(o.status.code(), Some(2), "{id}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{id}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{id}");
    }
    let neither = enkaku(dir.path(), &["check"]);
    assert!(!neither.status.success());
    let both = enkaku(
        dir.path(),
        &["check", "--case", "x.json", "--encounter", "p-0001/en-1"],
    );
    assert!(!both.status.success());
}

#[test]
fn report_compliance_lists_the_periods_online_encounters_with_totals() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    let args = [
        "report",
        "compliance",
        "--from",
        "2025-01-01",
        "--to",
        "2026-12-31",
    ];
    let o = enkaku(dir.path(), &[&args[..], &["--json"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json report");
    let encounters = report["encounters"].as_array().expect("encounters");
    assert!(!encounters.is_empty());
    for e in encounters {
        assert_ne!(e["visit"], "in_person", "{e}");
        assert!(
            e["signed"].is_boolean() && e["open_blocks"].is_array(),
            "{e}"
        );
        assert!(e["overrides"].is_array() && e["missing_billing"].is_array());
    }
    // Per-doctor totals add up to the encounter list, and per-rule counts to the open blocks.
    let per_doctor = report["per_doctor"].as_object().expect("per doctor");
    let total: u64 = per_doctor
        .values()
        .map(|t| t["encounters"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total as usize, encounters.len());
    let blocks: usize = encounters
        .iter()
        .map(|e| e["open_blocks"].as_array().map_or(0, Vec::len))
        .sum();
    let per_rule: u64 = report["per_rule"]
        .as_object()
        .expect("per rule")
        .values()
        .map(|n| n.as_u64().unwrap_or(0))
        .sum();
    assert_eq!(per_rule as usize, blocks);

    // Each open block is what check --encounter says about the same encounter.
    let first = &encounters[0];
    let id = format!(
        "{}/{}",
        first["patient"].as_str().unwrap_or(""),
        first["encounter"].as_str().unwrap_or("")
    );
    let checked = findings(&enkaku(
        dir.path(),
        &["check", "--encounter", &id, "--json"],
    ));
    let blocks: Vec<&str> = checked["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "block")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    let listed: Vec<&str> = first["open_blocks"]
        .as_array()
        .expect("open blocks")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert_eq!(listed, blocks, "{id}");

    let text = enkaku(dir.path(), &args);
    assert!(text.status.success());
    let text = stdout(&text);
    assert!(
        text.contains("per doctor") && text.contains("open blocks per rule"),
        "{text}"
    );

    // Nothing in an empty period, but still the header and totals.
    let empty = enkaku(
        dir.path(),
        &[
            "report",
            "compliance",
            "--from",
            "2000-01-01",
            "--to",
            "2000-01-31",
        ],
    );
    assert!(empty.status.success());
    assert!(stdout(&empty).contains(": 0 encounters"));
}

#[test]
fn report_compliance_names_the_bad_date_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(enkaku(dir.path(), &["demo"]).status.success());
    for (from, to, needle) in [
        (
            "2026-13-01",
            "2026-12-31",
            "--from: expected a date YYYY-MM-DD",
        ),
        (
            "2026-01-01",
            "31/12/2026",
            "--to: expected a date YYYY-MM-DD",
        ),
        (
            "2026-02-01",
            "2026-01-01",
            "--from 2026-02-01 is after --to 2026-01-01",
        ),
    ] {
        let o = enkaku(
            dir.path(),
            &["report", "compliance", "--from", from, "--to", to],
        );
        assert!(!o.status.success(), "{from} {to}");
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

/// The consultation screen and the stored encounter it saved give the same findings: the screen
/// builds its case with `rules::facts::consultation`, `check --encounter` with `stored_case` over
/// the same record, and `check --case` reads that case back from its JSON.
#[test]
fn the_screen_check_encounter_and_check_case_agree_over_the_demo_clinic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(dir.path(), Lang::En, "true {room}");
    app.sign_in("fd-suzuki");
    app.select_visit("p-0013");
    app.key(KeyCode::Char('i'));
    app.keys(&[KeyCode::Down, KeyCode::Char(' '), KeyCode::Enter]);
    app.ctrl('o');
    app.sign_in("dr-sato");
    app.select_visit("p-0013");
    app.key(KeyCode::Char('c'));
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Consult);
    let untouched: Vec<&str> = app
        .state
        .consult
        .as_ref()
        .expect("consultation open")
        .findings
        .iter()
        .map(|f| f.rule)
        .collect();
    // What the doctor records on the screen: ticks, the complaint, the place, someone present
    // without consent yet, and a note. Each is saved as it is made.
    for i in [0, 1, 2, 3, 9, enkaku::domain::SessionChecks::MEDICATIONS] {
        app.state.consult.as_mut().expect("consulting").selected = i;
        app.key(KeyCode::Char(' '));
    }
    app.key(KeyCode::Char('k'));
    app.type_text("2週間続く咳");
    app.key(KeyCode::Enter);
    app.key(KeyCode::Char('l'));
    app.key(KeyCode::Char(' '));
    app.key(KeyCode::Tab);
    app.type_text("在宅 (東京都杉並区)");
    app.key(KeyCode::Enter);
    app.key(KeyCode::Char('w'));
    app.key(KeyCode::Tab);
    app.type_text("清水 花子");
    app.key(KeyCode::Tab);
    app.type_text("妻");
    app.key(KeyCode::Enter);
    app.key(KeyCode::Char('e'));
    app.type_text("夜間に増悪");
    app.key(KeyCode::Esc);
    assert!(app.state.overlay.is_none(), "{:?}", app.state.overlay);
    let consult = app.state.consult.as_ref().expect("consultation open");
    let ticked: Vec<&str> = consult.findings.iter().map(|f| f.rule).collect();
    assert_ne!(ticked, untouched, "what was recorded changes the findings");
    assert!(ticked.contains(&"method.attendee_consent"), "{ticked:?}");
    let on_screen: Vec<(&str, String)> = consult
        .findings
        .iter()
        .map(|f| (f.rule, f.message_en.clone()))
        .collect();
    assert!(!on_screen.is_empty());
    let encounter_id = consult.encounter.id.clone();
    let pre_consult = consult.pre_consult_done;
    assert!(!consult.doctor_busy);

    let patient = app.worker.store.patient("p-0013").expect("patient");
    let clinic = app.worker.store.clinic().expect("clinic");
    let case = enkaku::rules::facts::stored_case(
        &patient,
        &encounter_id,
        clinic.as_ref(),
        test_day(),
        pre_consult,
    )
    .expect("stored case");
    let stored = enkaku::rules::evaluate(&case, &app.worker.drugs, test_now());
    let stored: Vec<(&str, String)> = stored
        .iter()
        .map(|f| (f.rule, f.message_en.clone()))
        .collect();
    assert_eq!(on_screen, stored);

    // The case as a file, through `check --case`, says the same rules (judged now, not at the
    // test's instant, so only rule ids are compared).
    let case_file = dir.path().join("case.json");
    std::fs::write(&case_file, serde_json::to_string(&case).expect("json")).expect("write");
    let by_case = enkaku(
        dir.path(),
        &["check", "--case", &case_file.to_string_lossy(), "--json"],
    );
    let rules: Vec<String> = findings(&by_case)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    let screen_rules: Vec<String> = on_screen.iter().map(|f| f.0.to_string()).collect();
    assert_eq!(rules, screen_rules);

    // And `check --encounter` on the stored encounter, from the binary, says the same rules.
    drop(app);
    let id = format!("p-0013/{encounter_id}");
    let by_encounter = enkaku(dir.path(), &["check", "--encounter", &id, "--json"]);
    assert!(
        matches!(by_encounter.status.code(), Some(0 | 1)),
        "{}",
        stderr(&by_encounter)
    );
    let rules: Vec<String> = findings(&by_encounter)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    assert_eq!(rules, screen_rules, "check --encounter {id}");
}
