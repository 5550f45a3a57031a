//! `enkaku check --encounter` over the real binary and a real demo store: a stored encounter is
//! judged through the one fact model (`rules::facts::stored_case`), and gives the same findings as
//! `check --case` on the case exported from the same facts; bad ids are clear errors (exit 2).

use std::path::Path;
use std::process::{Command, Output};

use enkaku::store::Store;

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
