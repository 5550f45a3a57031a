//! The doctor's side of the home-care day, driven by key events over a real temporary store
//! seeded with the demo clinic: the 訪問看護指示書 written from the chart (refusals naming the
//! field, then saved, audited and shown; a nurse reads it and may not write it), the nurse's D to
//! P with N request on the board, `c` opening the consultation on her record with her vitals
//! and a value past the doctor's limit flagged, the rules of 指針 V.2(3) reading what is stored
//! (the screen and the stored case agree), and an order to the nurse recorded and audited while
//! her record stays as she wrote it. Snapshots at 80×24 and 100×30 in Japanese and English.
//! The nurse's data is made with the store calls her screens make.

mod common;

use std::collections::BTreeMap;

use common::app::{App, test_day, test_now};
use enkaku::domain::{
    ConsultRequest, Limits, MedicationTaken, NursingInstructions, NursingVisit, VisitKind, Vital,
    parse_date,
};
use enkaku::store::Store;
use enkaku::tui::forms::{FormError, FormKind};
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Effect, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;

/// 石川 トメ: a home-care patient of 北訪問チーム, on today's demo queue as a D to P with N visit
/// (q-07, 11:00, 佐藤 医師).
const PATIENT: &str = "p-0022";
const ENTRY: &str = "q-07";
const DOCTOR: &str = "dr-sato";
/// 伊藤 由美, 北訪問チーム.
const NURSE: &str = "ns-ito";
const CLINIC: &str = "demo-clinic";
/// A harmless video command: `true` ignores its arguments.
const VIDEO: &str = "true https://meet.example/{room}";
const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];
const SIZES: [(u16, u16); 2] = [(80, 24), (100, 30)];

fn snap(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            (r"enkaku-[0-9a-f]{1,32}", "[room]"),
            (r"\b(en|rx|cs|cp|ic|ov|nt|ni|or)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn at(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

fn actions(store: &Store) -> Vec<String> {
    store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn status(a: &App) -> (String, bool) {
    let s = a.state.status.as_ref().expect("a status line");
    (s.text.clone(), s.error)
}

fn form_error(a: &App) -> Option<FormError> {
    match &a.state.overlay {
        Some(Overlay::Form(f)) => f.error,
        _ => None,
    }
}

fn form_selected(a: &App) -> usize {
    match &a.state.overlay {
        Some(Overlay::Form(f)) => f.selected,
        other => panic!("no form: {other:?}"),
    }
}

/// The instructions 佐藤 医師 wrote for the team: observe breathing and oedema, report SpO2
/// under 90 % or a fever over 37.5 ℃.
fn instructions(doctor: &str) -> NursingInstructions {
    NursingInstructions {
        id: "ni-0022".into(),
        doctor: doctor.into(),
        valid_from: parse_date("2026-11-01").unwrap(),
        valid_to: parse_date("2027-04-30").unwrap(),
        observe: "呼吸状態、下腿浮腫、食事量".into(),
        report: "SpO2 90% 未満、37.5℃ 超の発熱は直ちに電話".into(),
        thresholds: BTreeMap::from([
            (
                Vital::Spo2,
                Limits {
                    min: Some(90.0),
                    max: None,
                },
            ),
            (
                Vital::Temperature,
                Limits {
                    min: None,
                    max: Some(37.5),
                },
            ),
            (
                Vital::SystolicBp,
                Limits {
                    min: Some(90.0),
                    max: Some(170.0),
                },
            ),
        ]),
        written_at: at("2026-11-01T00:00:00Z"),
    }
}

/// 伊藤 さん's record of today's visit and her request that the doctor join: SpO2 88 % (under
/// the doctor's 90), a temperature within the limit, a missed morning dose.
fn nurse_visit() -> NursingVisit {
    let mut v = NursingVisit::new("nv-0022", test_day(), NURSE);
    v.queue_entry = Some(ENTRY.into());
    v.arrived_at = Some(at("2026-11-21T00:50:00Z"));
    v.vitals = BTreeMap::from([
        (Vital::SystolicBp, 148.0),
        (Vital::DiastolicBp, 82.0),
        (Vital::Pulse, 96.0),
        (Vital::Temperature, 37.2),
        (Vital::Spo2, 88.0),
        (Vital::RespiratoryRate, 22.0),
    ]);
    v.note = "下腿浮腫が増強、階段で息切れ。酸素は使用していない".into();
    v.medications = BTreeMap::from([(
        "md-0022-1".to_string(),
        MedicationTaken {
            taken: false,
            note: "朝の分".into(),
        },
    )]);
    v.photos = vec!["leg-left-20261121.jpg".into()];
    v.request = Some(ConsultRequest {
        by: NURSE.into(),
        at: at("2026-11-21T00:58:00Z"),
        reason: "SpO2 88%、息切れの訴え".into(),
    });
    v
}

/// The nurse's side, through the store calls her screens make: the doctor's instructions are
/// already on the record, and she asks for the doctor from the visit.
fn nurse_asks(a: &mut App) {
    let store = &mut a.worker.store;
    store
        .save_nursing_instructions(DOCTOR, PATIENT, &instructions(DOCTOR))
        .unwrap();
    let visit = nurse_visit();
    store
        .request_consult(
            NURSE,
            CLINIC,
            test_day(),
            ENTRY,
            PATIENT,
            &visit,
            at("2026-11-21T00:58:00Z"),
        )
        .unwrap();
    // Another device's sync would bring this; the board reads the store again.
    a.run(vec![Effect::LoadQueue { day: test_day() }]);
}

fn doctor_app(dir: &std::path::Path, lang: Lang) -> App {
    let mut a = App::new(dir, lang, VIDEO);
    a.sign_in(DOCTOR);
    a
}

fn open_chart(a: &mut App) {
    // A nurse of a team starts on her team's visits; the board is one key away.
    if a.state.screen == Screen::Visits {
        a.key(KeyCode::Char('Q'));
    }
    a.select_visit(PATIENT);
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Chart);
}

fn consult_requested(a: &mut App) {
    a.select_visit(PATIENT);
    a.key(KeyCode::Char('c'));
    assert_eq!(a.state.screen, Screen::Consult, "{:?}", a.state.status);
}

/// Replaces the text of the selected form field.
fn retype(a: &mut App, text: &str) {
    for _ in 0..40 {
        a.key(KeyCode::Backspace);
    }
    a.type_text(text);
}

#[test]
fn the_doctor_writes_the_instructions_and_the_nurse_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = doctor_app(dir.path(), Lang::En);
    open_chart(&mut a);
    let screen = a.render(100, 30);
    assert!(
        screen.contains("Visiting-nurse instructions (I)"),
        "{screen}"
    );
    assert!(screen.contains("none in force"), "{screen}");

    a.key(KeyCode::Char('I'));
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("the instructions form: {:?}", a.state.status);
    };
    let FormKind::Instructions(f) = &form.kind else {
        panic!("{:?}", form.kind);
    };
    // Six months from today by default.
    assert_eq!(f.valid_from.value(), "2026-11-21");
    assert_eq!(f.valid_to.value(), "2027-05-21");

    // Nothing to observe: refused, naming the field, the cursor on it.
    a.key(KeyCode::Enter);
    assert_eq!(form_error(&a), Some(FormError::NoObserve));
    assert_eq!(form_selected(&a), 2);
    a.type_text("呼吸状態、下腿浮腫");
    a.key(KeyCode::Down);
    a.type_text("SpO2 90% 未満は電話");
    // SpO2 min (the first limit) is not a number.
    a.key(KeyCode::Down);
    a.type_text("九十");
    a.key(KeyCode::Enter);
    assert_eq!(
        form_error(&a),
        Some(FormError::Limit {
            vital: Vital::Spo2,
            max: false
        })
    );
    assert_eq!(form_selected(&a), 4);
    let screen = a.render(100, 30);
    assert!(
        screen.contains("SpO2 min: a number from 0 to 100, or empty for no limit"),
        "{screen}"
    );
    retype(&mut a, "90");
    a.key(KeyCode::Down);
    a.type_text("37.5");
    // A period that ends before it begins.
    for _ in 0..4 {
        a.key(KeyCode::Up);
    }
    assert_eq!(form_selected(&a), 1);
    retype(&mut a, "2026-11-01");
    a.key(KeyCode::Enter);
    assert_eq!(form_error(&a), Some(FormError::InstructionsPeriod));
    assert_eq!(form_selected(&a), 1);
    retype(&mut a, "2027-05-20");
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
    assert_eq!(
        status(&a),
        ("Visiting-nurse instructions saved".to_string(), false)
    );

    // Stored and audited, by the doctor, as written.
    let mut store = Store::open_dir(dir.path()).unwrap();
    let p = store.patient(PATIENT).unwrap();
    let saved = p.instructions_on(test_day()).expect("in force today");
    assert_eq!(saved.doctor, DOCTOR);
    assert_eq!(saved.observe, "呼吸状態、下腿浮腫");
    assert_eq!(saved.report, "SpO2 90% 未満は電話");
    assert_eq!(saved.valid_to, parse_date("2027-05-20").unwrap());
    assert_eq!(saved.thresholds[&Vital::Spo2].min, Some(90.0));
    assert_eq!(saved.thresholds[&Vital::Temperature].max, Some(37.5));
    assert!(actions(&store).contains(&"nursing.instructions".to_string()));

    // The overview shows them; `I` again opens on them.
    let screen = a.render(100, 30);
    assert!(
        screen.contains("2026-11-21〜2027-05-20 · 佐藤　健一"),
        "{screen}"
    );
    assert!(screen.contains("observe: 呼吸状態、下腿浮腫"), "{screen}");
    assert!(
        screen.contains("limits: temperature ≤37.5℃ · SpO2 ≥90%"),
        "{screen}"
    );
    a.key(KeyCode::Char('I'));
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("the instructions form");
    };
    let FormKind::Instructions(f) = &form.kind else {
        panic!("{:?}", form.kind);
    };
    assert_eq!(f.observe.value(), "呼吸状態、下腿浮腫");
    assert_eq!(f.valid_to.value(), "2027-05-20");
    a.key(KeyCode::Esc);

    // The nurse reads them on the overview; writing them is the doctor's.
    a.key(KeyCode::Esc);
    a.ctrl('o');
    a.sign_in(NURSE);
    open_chart(&mut a);
    let screen = a.render(100, 30);
    assert!(screen.contains("observe: 呼吸状態、下腿浮腫"), "{screen}");
    assert!(!screen.contains("instructions (I)"), "{screen}");
    a.key(KeyCode::Char('I'));
    assert!(a.state.overlay.is_none());
    let (text, error) = status(&a);
    assert!(error && text.starts_with("Only a doctor writes"), "{text}");
    let count = |s: &mut Store| s.patient(PATIENT).unwrap().nursing_instructions.len();
    assert_eq!(count(&mut store), 1);
}

#[test]
fn a_request_on_the_board_opens_a_d_to_p_with_n_on_the_nurses_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = doctor_app(dir.path(), Lang::En);
    nurse_asks(&mut a);

    // The board: the visit waits for the doctor, with the request on it.
    let row = a
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.entry_id == ENTRY)
        .expect("the visit")
        .clone();
    assert_eq!(row.visit_kind, VisitKind::DToPWithN);
    assert_eq!(row.status, enkaku::domain::QueueStatus::Waiting);
    assert_eq!(
        row.consult_request.as_ref().map(|r| r.by.as_str()),
        Some(NURSE)
    );
    a.select_visit(PATIENT);
    let board = a.render(100, 30);
    let line = board.lines().find(|l| l.contains("石川")).expect("the row");
    assert!(line.contains("req. waiting"), "{board}");
    assert!(
        board.contains(
            "D to P with N request 伊藤　由美 09:58: SpO2 88%、息切れの訴え — c to consult"
        ),
        "{board}"
    );

    // `c`: the consultation is a D to P with N with her, on her record.
    a.key(KeyCode::Char('c'));
    assert_eq!(a.state.screen, Screen::Consult, "{:?}", a.state.status);
    let c = a.state.consult.as_ref().unwrap();
    assert_eq!(c.encounter.kind, VisitKind::DToPWithN);
    assert_eq!(c.encounter.nurse.as_deref(), Some(NURSE));
    assert_eq!(c.encounter.nursing_visit.as_deref(), Some("nv-0022"));
    let encounter_id = c.encounter.id.clone();
    let stored = a.worker.store.patient(PATIENT).unwrap();
    let e = &stored.encounters[&encounter_id];
    assert_eq!(e.nurse.as_deref(), Some(NURSE));
    assert_eq!(e.nursing_visit.as_deref(), Some("nv-0022"));

    // Her vitals with their units, SpO2 flagged against the doctor's limit, her note and the
    // missed dose.
    for (w, h) in SIZES {
        let screen = a.render(w, h);
        assert!(screen.contains("Nurse's record: 伊藤　由美"), "{screen}");
        assert!(
            screen.contains("⚠ past the limits: SpO2 88% (min 90)"),
            "{screen}"
        );
    }
    let screen = a.render(100, 30);
    for shown in [
        "arrived 09:50",
        "BP 148/82mmHg",
        "pulse 96/min",
        "temperature 37.2℃",
        "respiratory rate 22/min",
        "note: 下腿浮腫が増強",
        "missed:",
    ] {
        assert!(screen.contains(shown), "{shown}: {screen}");
    }
    assert!(!screen.contains("37.2℃ (max"), "within its limit: {screen}");

    // 指針 V.2(3) from what is stored: the nurse is present, the instructions in force say what
    // to observe, she is on the clinic's staff and works under this doctor's instructions; only
    // the doctor's regular home visits are not on record.
    let c = a.state.consult.as_ref().unwrap();
    let rules: Vec<&str> = c.findings.iter().map(|f| f.rule).collect();
    assert!(!rules.contains(&"dpn.nurse_present"), "{rules:?}");
    assert!(!rules.contains(&"dpn.instructions"), "{rules:?}");
    let team = c
        .findings
        .iter()
        .find(|f| f.rule == "dpn.team")
        .expect("regular home visits are not recorded");
    assert!(
        team.message_en.contains("not recorded")
            && team.message_en.contains("regular home visits")
            && !team.message_en.contains("nurse belongs"),
        "{}",
        team.message_en
    );

    // The stored encounter gives the same findings (what `check --encounter` judges).
    let on_screen: Vec<(&str, String)> = c
        .findings
        .iter()
        .map(|f| (f.rule, f.message_en.clone()))
        .collect();
    let clinic = a.worker.store.clinic().unwrap();
    let case = enkaku::rules::facts::stored_case(
        &stored,
        &encounter_id,
        clinic.as_ref(),
        test_day(),
        false,
    )
    .unwrap();
    assert_eq!(case.nurse.present, Some(true));
    assert_eq!(case.nurse.same_clinic, Some(true));
    assert_eq!(case.nurse.visiting_nurse_order, Some(true));
    assert_eq!(
        case.nurse.instructions.as_deref(),
        Some("呼吸状態、下腿浮腫、食事量")
    );
    let from_store: Vec<(&str, String)> =
        enkaku::rules::evaluate(&case, &a.worker.drugs, test_now())
            .iter()
            .map(|f| (f.rule, f.message_en.clone()))
            .collect();
    assert_eq!(on_screen, from_store);
}

#[test]
fn instructions_by_another_doctor_or_none_in_force_are_said_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = doctor_app(dir.path(), Lang::En);
    // The nurse asks, under instructions 木村 医師 wrote.
    a.worker
        .store
        .save_nursing_instructions("dr-kimura", PATIENT, &instructions("dr-kimura"))
        .unwrap();
    a.worker
        .store
        .request_consult(
            NURSE,
            CLINIC,
            test_day(),
            ENTRY,
            PATIENT,
            &nurse_visit(),
            at("2026-11-21T00:58:00Z"),
        )
        .unwrap();
    a.run(vec![Effect::LoadQueue { day: test_day() }]);
    consult_requested(&mut a);
    let c = a.state.consult.as_ref().unwrap();
    let rules: Vec<&str> = c.findings.iter().map(|f| f.rule).collect();
    // She is on the clinic's staff: the team is as 指針 V.2(3)③ asks on the nurse's side.
    assert!(!rules.contains(&"dpn.instructions"), "{rules:?}");
    let patient = a.worker.store.patient(PATIENT).unwrap();
    let clinic = a.worker.store.clinic().unwrap();
    let id = c.encounter.id.clone();
    let case = enkaku::rules::facts::stored_case(&patient, &id, clinic.as_ref(), test_day(), false)
        .unwrap();
    assert_eq!(case.nurse.visiting_nurse_order, Some(false));
    assert_eq!(case.nurse.same_clinic, Some(true));
    // On a day no instructions are in force, nothing is said to be instructed.
    let later = parse_date("2027-06-01").unwrap();
    let case =
        enkaku::rules::facts::stored_case(&patient, &id, clinic.as_ref(), later, false).unwrap();
    assert_eq!(case.nurse.instructions, None);
    assert_eq!(case.nurse.visiting_nurse_order, None);
    let findings = enkaku::rules::evaluate(&case, &a.worker.drugs, test_now());
    let instructed = findings
        .iter()
        .find(|f| f.rule == "dpn.instructions")
        .expect("no instructions in force");
    assert!(
        instructed.message_en.contains("are recorded") && instructed.message_en.starts_with("No "),
        "{}",
        instructed.message_en
    );
}

#[test]
fn an_order_to_the_nurse_is_recorded_audited_and_shown_and_her_record_stays_hers() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = doctor_app(dir.path(), Lang::En);
    nurse_asks(&mut a);
    let before = a.worker.store.patient(PATIENT).unwrap().nursing_visits;
    consult_requested(&mut a);

    a.key(KeyCode::Char('d'));
    assert!(
        matches!(&a.state.overlay, Some(Overlay::Form(f)) if matches!(f.kind, FormKind::Order(_))),
        "{:?}",
        a.state.status
    );
    a.key(KeyCode::Enter);
    assert_eq!(form_error(&a), Some(FormError::NoOrderText));
    a.type_text("15分後に SpO2 再検、90% 未満なら酸素 1L/分 開始");
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
    assert_eq!(
        status(&a),
        ("Order to the nurse recorded".to_string(), false)
    );

    let c = a.state.consult.as_ref().unwrap();
    let id = c.encounter.id.clone();
    assert_eq!(c.encounter.orders.len(), 1);
    let store = &mut a.worker.store;
    let p = store.patient(PATIENT).unwrap();
    let order = p.encounters[&id].orders.values().next().expect("stored");
    assert_eq!(
        order.text,
        "15分後に SpO2 再検、90% 未満なら酸素 1L/分 開始"
    );
    assert_eq!(order.by, DOCTOR);
    assert_eq!(order.at, test_now());
    let audit = store.audit_entries(None).unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "encounter.order")
        .expect("audited");
    assert_eq!(entry.staff_id, DOCTOR);
    // The nurse's record is exactly as she wrote it.
    assert_eq!(p.nursing_visits, before);

    let screen = a.render(100, 30);
    assert!(
        screen.contains("order 10:00 15分後に SpO2 再検"),
        "{screen}"
    );

    // In the chart's encounter history, with the nurse.
    a.key(KeyCode::Esc);
    assert_eq!(a.state.screen, Screen::Chart);
    for _ in 0..4 {
        a.key(KeyCode::Tab);
    }
    let mut list: Vec<_> = a
        .state
        .chart
        .as_ref()
        .unwrap()
        .patient
        .encounters
        .values()
        .cloned()
        .collect();
    list.sort_by_key(|e| std::cmp::Reverse(e.started_at));
    let at = list.iter().position(|e| e.id == id).expect("listed");
    for _ in 0..at {
        a.key(KeyCode::Down);
    }
    let screen = a.render(100, 30);
    assert!(
        screen.contains("nurse 伊藤　由美 · with the nurse's record"),
        "{screen}"
    );
    assert!(
        screen.contains("order 10:00 15分後に SpO2 再検、90% 未満なら酸素 1L/分 開始 (佐藤　健一)"),
        "{screen}"
    );
}

#[test]
fn snapshots_of_the_instructions_form_the_request_and_the_consultation() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor_app(dir.path(), lang);
        open_chart(&mut a);
        a.key(KeyCode::Char('I'));
        a.keys(&[KeyCode::Down, KeyCode::Down]);
        a.type_text("呼吸状態、下腿浮腫");
        for (w, h) in SIZES {
            snap(
                &format!("dpn_instructions_form_{w}x{h}_{tag}"),
                &a.render(w, h),
            );
        }
        a.key(KeyCode::Esc);
        a.key(KeyCode::Esc);

        nurse_asks(&mut a);
        open_chart(&mut a);
        for (w, h) in SIZES {
            snap(
                &format!("dpn_overview_instructions_{w}x{h}_{tag}"),
                &a.render(w, h),
            );
        }
        a.key(KeyCode::Esc);
        a.select_visit(PATIENT);
        for (w, h) in SIZES {
            snap(&format!("dpn_board_request_{w}x{h}_{tag}"), &a.render(w, h));
        }
        a.key(KeyCode::Char('c'));
        assert_eq!(a.state.screen, Screen::Consult);
        a.key(KeyCode::Char('d'));
        a.type_text("15分後に SpO2 再検");
        a.key(KeyCode::Enter);
        for (w, h) in SIZES {
            let screen = a.render(w, h);
            for line in screen.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= w as usize,
                    "{line}"
                );
            }
            snap(&format!("dpn_consult_nurse_record_{w}x{h}_{tag}"), &screen);
        }
    }
}

/// The doctor records on the chart that he makes regular home visits to the patient (`H`):
/// audited, shown on the overview, and the D to P with N team rule (指針 V.2(3)③) then finds
/// the team recorded. A nurse cannot record it; `H` again takes it back.
#[test]
fn the_doctor_records_his_regular_home_visits_and_the_team_rule_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut nurse = App::new(dir.path(), Lang::En, VIDEO);
    nurse.sign_in(NURSE);
    open_chart(&mut nurse);
    nurse.key(KeyCode::Char('H'));
    let (text, error) = status(&nurse);
    assert!(error && text.contains("Only a doctor"), "{text}");
    drop(nurse);

    let mut a = App::reopen(dir.path(), Lang::En, VIDEO);
    a.sign_in(DOCTOR);
    nurse_asks(&mut a);
    open_chart(&mut a);
    assert!(
        a.render(100, 30)
            .contains("Regular home visits (H): not recorded")
    );
    a.key(KeyCode::Char('H'));
    let (text, error) = status(&a);
    assert!(!error, "{text}");
    let p = a.worker.store.patient(PATIENT).unwrap();
    assert_eq!(p.home_visit_doctors.get(DOCTOR), Some(&test_day()));
    assert!(
        actions(&a.worker.store)
            .iter()
            .any(|x| x == "patient.home_visits")
    );
    assert!(a.render(100, 30).contains("Regular home visits (H): 佐藤"));

    a.key(KeyCode::Esc);
    consult_requested(&mut a);
    let rules: Vec<&str> = a
        .state
        .consult
        .as_ref()
        .unwrap()
        .findings
        .iter()
        .map(|f| f.rule)
        .collect();
    assert!(
        !rules.contains(&"dpn.team"),
        "the team is recorded: {rules:?}"
    );

    // Taken back: nothing recorded again.
    a.key(KeyCode::Esc);
    a.key(KeyCode::Char('H'));
    let p = a.worker.store.patient(PATIENT).unwrap();
    assert!(p.home_visit_doctors.is_empty());
}
