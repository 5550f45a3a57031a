//! The facts the rules read, recorded through the store over a real SQLite file: each edit one
//! audited transaction at its own path, bad facts refused naming the field with nothing written,
//! and the rules seeing what was recorded (current medications confirmed, a PDE5 inhibitor
//! against a recorded nitrate, history known from a source lifting the 7-day limit).

use enkaku::domain::{
    Allergy, AllergySeverity, Date, Encounter, HistoryKnowledge, HistorySource, IdentityCheck,
    IdentityDocument, Instant, Medication, Patient, Prescription, Proxy, SessionChecks,
    VerificationMethod, VisitKind, parse_date,
};
use enkaku::drugs::DrugMaster;
use enkaku::rules::facts::{Visit, consultation};
use enkaku::store::{FactEdit, Store};

fn day() -> Date {
    parse_date("2026-11-21").unwrap_or_else(|e| panic!("{e}"))
}

fn now() -> Instant {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn ok<T>(r: Result<T, enkaku::store::StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A demo store with one new patient who has no facts recorded yet.
fn store_with_patient(dir: &std::path::Path) -> Store {
    let mut store = ok(Store::open_dir(dir));
    if let Err(e) = enkaku::demo::seed(&mut store, day()) {
        panic!("{e}");
    }
    let patient: Patient = serde_json::from_value(serde_json::json!({
        "id": "p-walkin",
        "demographics": {
            "name_kanji": "新井 春子", "name_kana": "アライ ハルコ",
            "date_of_birth": "1960-04-01", "sex": "male"
        }
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    ok(store.register_patient("fd-suzuki", &patient, day()));
    store
}

fn actions(store: &Store) -> Vec<(String, String)> {
    ok(store.audit_entries(Some("patient/p-walkin")))
        .into_iter()
        .map(|e| (e.staff_id, e.action))
        .collect()
}

#[test]
fn allergies_are_added_edited_and_removed_each_audited() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_with_patient(dir.path());
    let penicillin = Allergy {
        substance: "ペニシリン".into(),
        reaction: "発疹".into(),
        severity: AllergySeverity::Moderate,
    };
    ok(store.put_allergy("dr-sato", "p-walkin", "al-1", &penicillin));
    let worse = Allergy {
        severity: AllergySeverity::Severe,
        reaction: "アナフィラキシー".into(),
        ..penicillin.clone()
    };
    ok(store.put_allergy("ns-ito", "p-walkin", "al-1", &worse));
    // The same again changes and audits nothing.
    ok(store.put_allergy("ns-ito", "p-walkin", "al-1", &worse));
    let p = ok(store.patient("p-walkin"));
    assert_eq!(p.allergies.get("al-1"), Some(&worse));
    ok(store.remove_allergy("dr-sato", "p-walkin", "al-1"));
    assert!(ok(store.patient("p-walkin")).allergies.is_empty());

    // Refusals name the field and write nothing.
    let before = actions(&store);
    let empty = Allergy {
        substance: " ".into(),
        ..penicillin
    };
    let err = store
        .put_allergy("dr-sato", "p-walkin", "al-2", &empty)
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.starts_with("substance:")),
        "{err:?}"
    );
    let err = store.remove_allergy("dr-sato", "p-walkin", "al-9").err();
    assert!(err.is_some());
    assert_eq!(actions(&store), before);

    let audited: Vec<(String, String)> = actions(&store)
        .into_iter()
        .filter(|(_, a)| a.starts_with("patient.allergies"))
        .collect();
    assert_eq!(
        audited,
        [
            ("dr-sato".to_string(), "patient.allergies".to_string()),
            ("ns-ito".to_string(), "patient.allergies".to_string()),
            (
                "dr-sato".to_string(),
                "patient.allergies.remove".to_string()
            ),
        ]
    );
}

#[test]
fn history_kakaritsuke_proxy_and_identity_are_recorded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_with_patient(dir.path());
    let known_without_source = HistoryKnowledge {
        known: true,
        sources: Vec::new(),
        summary: String::new(),
    };
    let err = store
        .set_history("dr-sato", "p-walkin", &known_without_source)
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.starts_with("sources:")),
        "{err:?}"
    );
    let history = HistoryKnowledge {
        known: true,
        sources: vec![
            HistorySource::ReferralLetter,
            HistorySource::MedicationNotebook,
        ],
        summary: "高血圧 (降圧薬内服中)".into(),
    };
    ok(store.set_history("dr-sato", "p-walkin", &history));
    ok(store.set_kakaritsuke("dr-sato", "p-walkin", true));
    let proxy = Proxy {
        name: "新井 一郎".into(),
        relationship: "長男".into(),
        phone: "090-1111-2222".into(),
        reason: "難聴のため".into(),
    };
    ok(store.set_proxy("ns-ito", "p-walkin", Some(&proxy)));
    let check = IdentityCheck {
        id: "ic-video1".into(),
        documents: vec![IdentityDocument::MyNumberCard],
        checked_by: "dr-sato".into(),
        checked_at: now(),
        method: VerificationMethod::OnVideo,
    };
    ok(store.record_identity_seen("dr-sato", "p-walkin", &check));
    let at_counter = IdentityCheck {
        id: "ic-desk".into(),
        method: VerificationMethod::InPerson,
        ..check.clone()
    };
    assert!(
        store
            .record_identity_seen("dr-sato", "p-walkin", &at_counter)
            .is_err()
    );

    let p = ok(store.patient("p-walkin"));
    assert_eq!(p.history, history);
    assert!(p.kakaritsuke);
    assert_eq!(p.proxy.as_ref(), Some(&proxy));
    assert_eq!(p.identity_checks.get("ic-video1"), Some(&check));
    assert!(!p.identity_checks.contains_key("ic-desk"));
    let summary = ok(store.search_patients("アライ ハルコ", 5));
    assert!(
        summary
            .iter()
            .any(|s| s.patient_id == "p-walkin" && s.history_known && s.kakaritsuke)
    );

    ok(store.set_proxy("ns-ito", "p-walkin", None));
    assert_eq!(ok(store.patient("p-walkin")).proxy, None);
    let named: Vec<String> = actions(&store).into_iter().map(|(_, a)| a).collect();
    for action in [
        "patient.history",
        "patient.kakaritsuke",
        "patient.proxy",
        "identity.check.on_video",
    ] {
        assert!(named.iter().any(|a| a == action), "{action}: {named:?}");
    }
    // The same edits through the one entry point the workstation uses.
    ok(store.edit_fact("dr-sato", "p-walkin", &FactEdit::Kakaritsuke(false)));
    assert!(!ok(store.patient("p-walkin")).kakaritsuke);
}

/// The rule ids the rules find for `patient` at an online first visit prescribing `lines`.
fn findings(store: &mut Store, drugs: &DrugMaster, lines: &[(&str, &str, u32)]) -> Vec<String> {
    let patient = ok(store.patient("p-walkin"));
    let clinic = ok(store.clinic());
    let Some(doctor) = clinic
        .as_ref()
        .and_then(|c| c.staff.get("dr-sato"))
        .cloned()
    else {
        panic!("no dr-sato in the demo clinic");
    };
    let mut encounter = Encounter::new("en-1", VisitKind::OnlineInitial);
    encounter.doctor = Some("dr-sato".into());
    encounter.started_at = Some(now());
    for (i, (code, name, days)) in lines.iter().enumerate() {
        let rx = Prescription {
            id: format!("rx-{i}"),
            drug_code: (*code).into(),
            drug_name: (*name).into(),
            dose: "1錠".into(),
            days: *days,
            prescribed_by: "dr-sato".into(),
        };
        encounter.prescriptions.insert(rx.id.clone(), rx);
    }
    let checks = SessionChecks::default();
    let case = consultation(&Visit {
        patient: &patient,
        encounter: &encounter,
        clinic: clinic.as_ref(),
        doctor: &doctor,
        day: day(),
        checks: &checks,
        pre_consult_done: true,
        doctor_in_other_session: false,
        note_drafted: false,
    });
    enkaku::rules::evaluate(&case, drugs, now())
        .into_iter()
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn the_rules_see_what_the_chart_records() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store_with_patient(dir.path());
    let mut drugs = DrugMaster::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = drugs.ensure_demo() {
        panic!("{e}");
    }
    let sildenafil = [("2590018F1020", "バイアグラ錠25mg", 4)];
    let fexofenadine_8_days = [("4490023F1027", "アレグラ錠60mg", 8)];

    // Nothing recorded: the medications are unconfirmed and the history unknown.
    let before = findings(&mut store, &drugs, &fexofenadine_8_days);
    assert!(
        before.iter().any(|r| r == "rx.current_medications"),
        "{before:?}"
    );
    assert!(
        before.iter().any(|r| r == "rx.initial.long_course"),
        "{before:?}"
    );
    let before = findings(&mut store, &drugs, &sildenafil);
    assert!(
        !before.iter().any(|r| r == "rx.pde5.contraindicated"),
        "{before:?}"
    );

    // A nitrate from the drug master, confirmed with the patient today.
    let nitro = Medication {
        drug_code: Some("2171018K1039".into()),
        name: "ニトロペン舌下錠0.3mg".into(),
        dose: "発作時1錠".into(),
        source: Some(HistorySource::MedicationNotebook),
    };
    ok(store.put_medication("dr-sato", "p-walkin", "md-1", &nitro));
    ok(store.confirm_medications("dr-sato", "p-walkin", now()));
    let after = findings(&mut store, &drugs, &sildenafil);
    assert!(
        !after.iter().any(|r| r == "rx.current_medications"),
        "{after:?}"
    );
    assert!(
        after.iter().any(|r| r == "rx.pde5.contraindicated"),
        "{after:?}"
    );

    // The history known from a referral letter: 8 days are no longer limited.
    let history = HistoryKnowledge {
        known: true,
        sources: vec![HistorySource::ReferralLetter],
        summary: "狭心症".into(),
    };
    ok(store.set_history("dr-sato", "p-walkin", &history));
    let after = findings(&mut store, &drugs, &fexofenadine_8_days);
    assert!(
        !after.iter().any(|r| r == "rx.initial.long_course"),
        "{after:?}"
    );

    // Free text for what the master lacks is kept, and removing a medication is audited.
    let supplement = Medication {
        drug_code: None,
        name: "市販の漢方薬".into(),
        dose: String::new(),
        source: None,
    };
    ok(store.put_medication("ns-ito", "p-walkin", "md-2", &supplement));
    ok(store.remove_medication("ns-ito", "p-walkin", "md-1"));
    let p = ok(store.patient("p-walkin"));
    assert_eq!(p.medications.len(), 1);
    assert_eq!(p.medications_confirmed_at, Some(now()));
    let named: Vec<String> = actions(&store).into_iter().map(|(_, a)| a).collect();
    for action in [
        "patient.medications",
        "patient.medications.confirmed",
        "patient.medications.remove",
    ] {
        assert!(named.iter().any(|a| a == action), "{action}: {named:?}");
    }
}
