//! Unit tests of `update(&mut AppState, Action) -> Vec<Effect>`: pure, no store. Each case builds
//! the state it needs from the demo clinic, feeds actions and checks both the state and the
//! effects asked for. Role checks, the guideline's gating of video and signing, the typed
//! confirm step of overrides, stale replies and the keymap are covered, table-driven where the
//! cases differ only in data.

use enkaku::domain::{
    Date, DrugInfo, Encounter, Instant, Patient, QueueStatus, SessionChecks, Staff, VisitKind,
    parse_date,
};
use enkaku::rules::{Finding, Severity, rule_info};
use enkaku::store::{PatientSummary, QueueRow};
use enkaku::tui::forms::{FormError, FormKind, Fresh, SoapNote};
use enkaku::tui::i18n::Lang;
use enkaku::tui::keymap::hints::more_key;
use enkaku::tui::keymap::{Command, Keys, Mode, bindings, command_for};
use enkaku::tui::state::{
    Action, AppState, ChartState, ChartTab, Confirm, ConsultFocus, ConsultState, Effect, Overlay,
    Screen, TeamVisit, Write,
};
use enkaku::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const PIN: &str = "0000";
const DOCTOR: &str = "dr-sato";
const FRONT_DESK: &str = "fd-suzuki";

fn day() -> Date {
    parse_date("2026-11-21").unwrap()
}

fn now() -> Instant {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

/// The demo clinic with every PIN set to `PIN`, nobody signed in.
fn fresh() -> AppState {
    let mut clinic = enkaku::demo::clinic().unwrap();
    for s in clinic.staff.values_mut() {
        s.pin_hash = Some(Staff::hash_pin(&format!("salt-{}", s.id), PIN));
    }
    let mut state = AppState::new(Lang::En, now(), day());
    state.clinic = Some(clinic);
    state
}

/// Randomness for each key press: a counter, so that records created by different presses
/// never share an id.
fn randomness() -> Fresh {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Fresh(u128::from(n) << 64 | u128::from(n))
}

fn key_event(key: KeyEvent) -> Action {
    Action::Key {
        key,
        at: now(),
        fresh: randomness(),
    }
}

fn key(code: KeyCode) -> Action {
    key_event(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Action {
    key_event(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, key(code))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(state, KeyCode::Char(c)))
        .collect()
}

/// Chooses `staff_id` on the sign-in list and enters `pin`.
fn try_sign_in(state: &mut AppState, staff_id: &str, pin: &str) -> Vec<Effect> {
    let i = state
        .staff()
        .iter()
        .position(|s| s.id == staff_id)
        .expect("staff member");
    state.sign_in.selected = 0;
    for _ in 0..i {
        assert!(press(state, KeyCode::Down).is_empty());
    }
    assert!(type_text(state, pin).is_empty());
    // Enter asks the worker to check the PIN; its answer is what the real worker would say.
    let typed: String = pin.chars().filter(char::is_ascii_digit).collect();
    let asked = press(state, KeyCode::Enter);
    assert_eq!(
        asked,
        vec![Effect::VerifyPin {
            staff: staff_id.into(),
            pin: typed.clone(),
        }]
    );
    let record = state.clinic.as_ref().unwrap().staff[staff_id].clone();
    let check = enkaku::tui::worker::check_pin(&record, &typed);
    update(
        state,
        Action::PinChecked {
            staff: staff_id.into(),
            check,
        },
    )
}

fn signed_in(staff_id: &str) -> AppState {
    let mut state = fresh();
    let effects = try_sign_in(&mut state, staff_id, PIN);
    assert!(effects.len() >= 2, "{:?}", state.sign_in.error);
    // A nurse of a home-care team starts on her team's visits; `Q` goes to the board.
    if state.screen == Screen::Visits {
        press(&mut state, KeyCode::Char('Q'));
    }
    assert_eq!(state.screen, Screen::Queue);
    state
}

fn row(i: usize, patient: &str, status: QueueStatus) -> QueueRow {
    QueueRow {
        entry_id: format!("q-{i:02}"),
        day: "2026-11-21".into(),
        time: format!("{:02}:{:02}", 9 + i / 4, (i % 4) * 15),
        patient_id: patient.into(),
        name_kanji: format!("患者　{i}"),
        name_kana: format!("カンジャ　{i}"),
        visit_kind: enkaku::domain::VisitKind::OnlineFollowup,
        status,
        doctor: Some(DOCTOR.into()),
        pre_consult_done: false,
        date_of_birth: "1980-04-01".into(),
        sex: "female".into(),
        checked_in_at: None,
        signed_at: None,
        payment: None,
        consult_request: None,
    }
}

/// Seven visits, one in each status, in status order.
fn rows() -> Vec<QueueRow> {
    QueueStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| row(i, &format!("p-{:04}", i + 1), *s))
        .collect()
}

fn at_queue(staff_id: &str) -> AppState {
    let mut state = signed_in(staff_id);
    update(
        &mut state,
        Action::QueueLoaded {
            day: day(),
            rows: rows(),
        },
    );
    state
}

fn patient(id: &str) -> Patient {
    enkaku::demo::patients()
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .expect("demo patient")
}

fn finding(rule: &str) -> Finding {
    rule_info(rule)
        .unwrap_or_else(|| panic!("{rule} is in the catalogue"))
        .says("日本語", "english", "解決", "resolve")
}

/// A consultation of 清水 大輔 (p-0013) held by whoever is signed in, with `findings`.
fn consulting(staff_id: &str, findings: &[&str]) -> AppState {
    let mut state = at_queue(staff_id);
    let mut encounter = Encounter::new("en-test", VisitKind::OnlineInitial);
    encounter.doctor = Some(staff_id.into());
    encounter.queue_entry = Some("q-01".into());
    state.consult = Some(ConsultState {
        patient: patient("p-0013"),
        day: day(),
        entry_id: Some("q-01".into()),
        encounter,
        findings: findings.iter().map(|r| finding(r)).collect(),
        focus: ConsultFocus::Checklist,
        selected: 0,
        note: SoapNote::new(),
        note_field: 0,
        editing_note: false,
        rx_selected: 0,
        drugs: Vec::new(),
        pre_consult_done: false,
        doctor_busy: false,
        eval_generation: 0,
    });
    state.screen = Screen::Consult;
    state
}

fn chart_of(state: &mut AppState, id: &str) {
    update(
        state,
        Action::ChartLoaded {
            patient: Box::new(patient(id)),
            history: Vec::new(),
        },
    );
}

fn consult(state: &AppState) -> &ConsultState {
    state.consult.as_ref().expect("a consultation")
}

fn error_text(state: &AppState) -> Option<&str> {
    state
        .status
        .as_ref()
        .filter(|s| s.error)
        .map(|s| s.text.as_str())
}

fn launches(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::LaunchVideo { .. }))
        .count()
}

fn drug(code: &str) -> DrugInfo {
    DrugInfo {
        code: code.into(),
        name: format!("薬 {code}"),
        ingredient: "成分".into(),
        route: "内用薬".into(),
        narcotic: false,
        psychotropic_class: None,
        high_risk_category: None,
        misuse_watch: None,
        pde5_inhibitor: false,
        pde5_contraindicated: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[test]
fn sign_in_checks_the_pin() {
    struct Case {
        name: &'static str,
        staff: &'static str,
        pin: &'static str,
        hash_set: bool,
        signed_in: bool,
        error: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "right PIN",
            staff: DOCTOR,
            pin: PIN,
            hash_set: true,
            signed_in: true,
            error: None,
        },
        Case {
            name: "right PIN, front desk",
            staff: FRONT_DESK,
            pin: PIN,
            hash_set: true,
            signed_in: true,
            error: None,
        },
        Case {
            name: "wrong PIN",
            staff: DOCTOR,
            pin: "1234",
            hash_set: true,
            signed_in: false,
            error: Some("Wrong PIN"),
        },
        Case {
            name: "one digit too many",
            staff: DOCTOR,
            pin: "00000",
            hash_set: true,
            signed_in: false,
            error: Some("Wrong PIN"),
        },
        Case {
            name: "empty PIN",
            staff: DOCTOR,
            pin: "",
            hash_set: true,
            signed_in: false,
            error: Some("Wrong PIN"),
        },
        Case {
            name: "letters are not typed into the PIN",
            staff: DOCTOR,
            pin: "0a0b0c0",
            hash_set: true,
            signed_in: true,
            error: None,
        },
        Case {
            name: "no PIN set",
            staff: DOCTOR,
            pin: PIN,
            hash_set: false,
            signed_in: false,
            error: Some("No PIN is set: ask an administrator"),
        },
        Case {
            name: "no PIN set, empty PIN typed",
            staff: DOCTOR,
            pin: "",
            hash_set: false,
            signed_in: false,
            error: Some("No PIN is set: ask an administrator"),
        },
    ];
    for c in cases {
        let mut state = fresh();
        if !c.hash_set {
            let clinic = state.clinic.as_mut().unwrap();
            clinic.staff.get_mut(c.staff).unwrap().pin_hash = None;
        }
        let effects = try_sign_in(&mut state, c.staff, c.pin);
        assert!(
            state.sign_in.pin.is_empty(),
            "{}: the PIN is cleared",
            c.name
        );
        assert_eq!(state.sign_in.error.as_deref(), c.error, "{}", c.name);
        if c.signed_in {
            assert_eq!(
                state.user.as_ref().map(|u| u.id.as_str()),
                Some(c.staff),
                "{}",
                c.name
            );
            assert_eq!(state.screen, Screen::Queue, "{}", c.name);
            assert_eq!(
                effects,
                vec![
                    Effect::Write {
                        staff: c.staff.into(),
                        write: Write::SignedIn
                    },
                    Effect::LoadQueue { day: day() },
                ],
                "{}",
                c.name
            );
        } else {
            assert!(state.user.is_none(), "{}", c.name);
            assert_eq!(state.screen, Screen::SignIn, "{}", c.name);
            assert!(effects.is_empty(), "{}: {effects:?}", c.name);
        }
    }
}

#[test]
fn a_pasted_pin_keeps_only_digits_and_backspace_removes_one() {
    let mut state = fresh();
    update(&mut state, Action::Paste("0 0-0x0".into()));
    assert_eq!(state.sign_in.pin, "0000");
    press(&mut state, KeyCode::Backspace);
    assert_eq!(state.sign_in.pin, "000");
}

#[test]
fn signing_out_forgets_the_user_and_the_open_records() {
    let mut state = at_queue(DOCTOR);
    chart_of(&mut state, "p-0001");
    press(&mut state, KeyCode::Esc);
    assert!(update(&mut state, ctrl('o')).is_empty());
    assert_eq!(state.screen, Screen::SignIn);
    assert!(state.user.is_none() && state.chart.is_none() && state.consult.is_none());
}

// ---------------------------------------------------------------------------------------------
// Roles

#[test]
fn only_a_doctor_consults_records_consent_or_plans_care() {
    // (who, screen the key is pressed on, key)
    let cases: [(&str, Screen, char); 8] = [
        (FRONT_DESK, Screen::Queue, 'c'),
        (FRONT_DESK, Screen::Chart, 'c'),
        (FRONT_DESK, Screen::Chart, 'a'),
        (FRONT_DESK, Screen::Chart, 'n'),
        ("ns-ito", Screen::Queue, 'c'),
        ("ns-ito", Screen::Chart, 'a'),
        ("admin-watanabe", Screen::Chart, 'c'),
        ("admin-watanabe", Screen::Chart, 'n'),
    ];
    for (who, screen, k) in cases {
        let mut state = at_queue(who);
        if screen == Screen::Chart {
            chart_of(&mut state, "p-0001");
            assert_eq!(state.screen, Screen::Chart);
        }
        let effects = press(&mut state, KeyCode::Char(k));
        let case = format!("{who} presses {k} on {screen:?}");
        assert!(effects.is_empty(), "{case}: {effects:?}");
        assert_eq!(state.screen, screen, "{case}");
        assert!(state.overlay.is_none(), "{case}: {:?}", state.overlay);
        assert!(state.consult.is_none(), "{case}");
        assert_eq!(
            error_text(&state),
            Some("Only a doctor can do this"),
            "{case}"
        );
    }
    // The doctor, for comparison: `c` from the queue reads the record, and the consultation
    // opens when it arrives.
    let mut state = at_queue(DOCTOR);
    let effects = press(&mut state, KeyCode::Char('c'));
    assert!(state.pending_consult.is_some());
    assert_eq!(
        effects,
        vec![Effect::LoadChart {
            patient_id: "p-0001".into()
        }]
    );
    assert!(error_text(&state).is_none());
}

#[test]
fn front_desk_cannot_prescribe_or_sign() {
    for k in ['r', 's'] {
        let mut state = consulting(FRONT_DESK, &[]);
        let c = state.consult.as_mut().unwrap();
        c.encounter.started_at = Some(now());
        c.encounter.ended_at = Some(now());
        let effects = press(&mut state, KeyCode::Char(k));
        assert!(effects.is_empty(), "{k}: {effects:?}");
        assert!(state.overlay.is_none(), "{k}: {:?}", state.overlay);
    }
}

/// Only a doctor overrides a block or writes the note, checked on the command itself as well as
/// on the way into the consultation screen.
#[test]
fn front_desk_cannot_override_a_block_or_write_the_note() {
    let mut state = consulting(FRONT_DESK, &["consent.agreement"]);
    state.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
    press(&mut state, KeyCode::Char('o'));
    assert!(state.overlay.is_none(), "{:?}", state.overlay);
    press(&mut state, KeyCode::Char('e'));
    assert!(!consult(&state).editing_note);
}

// ---------------------------------------------------------------------------------------------
// Queue board

#[test]
fn queue_selection_stays_within_the_visible_rows() {
    // (keys, expected selection)
    let cases: [(&[KeyCode], usize); 5] = [
        (&[], 0),
        (&[KeyCode::Down], 1),
        (&[KeyCode::Up], 0),
        (&[KeyCode::Down; 20], 6),
        (&[KeyCode::Down, KeyCode::Down, KeyCode::Up], 1),
    ];
    for (keys, expected) in cases {
        let mut state = at_queue(DOCTOR);
        for k in keys {
            assert!(press(&mut state, *k).is_empty());
        }
        assert_eq!(state.queue.selected, expected, "{keys:?}");
        assert_eq!(
            state.queue.current().map(|r| r.entry_id.clone()),
            Some(format!("q-{expected:02}"))
        );
    }
}

#[test]
fn changing_day_loads_that_days_queue() {
    let d = |s: &str| parse_date(s).unwrap();
    let cases: [(&[KeyCode], Date); 5] = [
        (&[KeyCode::Left], d("2026-11-20")),
        (&[KeyCode::Right], d("2026-11-22")),
        (&[KeyCode::Right, KeyCode::Right], d("2026-11-23")),
        (&[KeyCode::Right, KeyCode::Char('t')], d("2026-11-21")),
        (
            &[KeyCode::Left, KeyCode::Left, KeyCode::Left],
            d("2026-11-18"),
        ),
    ];
    for (keys, expected) in cases {
        let mut state = at_queue(DOCTOR);
        press(&mut state, KeyCode::Down);
        let mut last = Vec::new();
        for k in keys {
            last = press(&mut state, *k);
        }
        assert_eq!(last, vec![Effect::LoadQueue { day: expected }], "{keys:?}");
        assert_eq!(state.queue.day, expected);
        assert!(
            state.queue.rows.is_empty(),
            "the old day's rows are dropped"
        );
        assert_eq!(state.queue.selected, 0);
    }
}

#[test]
fn a_queue_for_another_day_arriving_late_is_ignored() {
    let mut state = at_queue(DOCTOR);
    press(&mut state, KeyCode::Right);
    update(
        &mut state,
        Action::QueueLoaded {
            day: day(),
            rows: rows(),
        },
    );
    assert!(state.queue.rows.is_empty());
    let tomorrow = day().next_day().unwrap();
    update(
        &mut state,
        Action::QueueLoaded {
            day: tomorrow,
            rows: rows()[..2].to_vec(),
        },
    );
    assert_eq!(state.queue.rows.len(), 2);
}

#[test]
fn filter_cycles_through_every_status_and_back_to_all() {
    let mut state = at_queue(DOCTOR);
    state
        .queue
        .rows
        .push(row(7, "p-0008", QueueStatus::Reserved));
    let expected: Vec<(Option<QueueStatus>, usize)> = vec![
        (Some(QueueStatus::Reserved), 2),
        (Some(QueueStatus::CheckedIn), 1),
        (Some(QueueStatus::Waiting), 1),
        (Some(QueueStatus::InSession), 1),
        (Some(QueueStatus::Done), 1),
        (Some(QueueStatus::SwitchedToInPerson), 1),
        (Some(QueueStatus::Cancelled), 1),
        (None, 8),
    ];
    for (filter, visible) in expected {
        state.queue.selected = 1;
        assert!(press(&mut state, KeyCode::Char('f')).is_empty());
        assert_eq!(state.queue.filter, filter);
        assert_eq!(state.queue.visible().len(), visible, "{filter:?}");
        assert_eq!(state.queue.selected, 0, "the selection restarts");
        if let Some(f) = filter {
            assert!(state.queue.visible().iter().all(|r| r.status == f));
        }
    }
}

#[test]
fn queue_actions_on_the_selected_visit() {
    // (key, expected effect on the third visit, q-02)
    let cases = [
        (
            'p',
            Some(Write::PreConsultDone {
                day: day(),
                entry_id: "q-02".into(),
            }),
        ),
        ('x', None),
        ('i', None),
        ('d', None),
    ];
    for (k, write) in cases {
        let mut state = at_queue(FRONT_DESK);
        press(&mut state, KeyCode::Down);
        press(&mut state, KeyCode::Down);
        let effects = press(&mut state, KeyCode::Char(k));
        match write {
            Some(w) => assert_eq!(
                effects,
                vec![Effect::Write {
                    staff: FRONT_DESK.into(),
                    write: w
                }],
                "{k}"
            ),
            None => {
                assert!(effects.is_empty(), "{k}");
                let Some(Overlay::Form(form)) = &state.overlay else {
                    panic!("{k}: a form opens")
                };
                match &form.kind {
                    FormKind::CheckIn(f) => assert_eq!(
                        (f.entry_id.as_str(), f.patient_id.as_str()),
                        ("q-02", "p-0003")
                    ),
                    FormKind::AssignDoctor(f) => {
                        assert_eq!(f.entry_id, "q-02");
                        assert!(f.doctors().contains(&DOCTOR));
                    }
                    // Cancelling asks for the reason first (and then a confirm).
                    FormKind::CancelVisit(f) => assert_eq!(f.entry_id, "q-02"),
                    other => panic!("{k}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn check_in_needs_a_document_and_records_what_was_seen() {
    let mut state = at_queue(FRONT_DESK);
    press(&mut state, KeyCode::Char('i'));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let Some(Overlay::Form(form)) = &state.overlay else {
        panic!("the form stays open")
    };
    assert_eq!(form.error, Some(FormError::NoDocumentSeen));
    assert_eq!(
        form.error.map(|e| e.message(Lang::En)),
        Some("Choose at least one document seen")
    );
    // Driving licence.
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Char(' '));
    let effects = press(&mut state, KeyCode::Enter);
    assert!(state.overlay.is_none());
    let [
        Effect::Write {
            staff,
            write:
                Write::CheckIn {
                    entry_id,
                    patient_id,
                    check,
                    ..
                },
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (staff.as_str(), entry_id.as_str(), patient_id.as_str()),
        (FRONT_DESK, "q-00", "p-0001")
    );
    assert_eq!(check.photo_documents(), 1);
    assert_eq!(check.checked_by, FRONT_DESK);
    assert_eq!(check.checked_at, now());
}

#[test]
fn with_no_visit_selected_queue_actions_say_so() {
    let mut state = signed_in(DOCTOR);
    for k in ['i', 'd', 'p', 'c', 'x'] {
        state.status = None;
        assert!(press(&mut state, KeyCode::Char(k)).is_empty());
        assert_eq!(error_text(&state), Some("No visit selected"), "{k}");
    }
    assert!(press(&mut state, KeyCode::Enter).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Chart

#[test]
fn chart_opens_from_the_queue_and_tabs_cycle_both_ways() {
    let mut state = at_queue(DOCTOR);
    assert_eq!(
        press(&mut state, KeyCode::Enter),
        vec![Effect::LoadChart {
            patient_id: "p-0001".into()
        }]
    );
    chart_of(&mut state, "p-0001");
    assert_eq!(state.screen, Screen::Chart);
    let mut seen = vec![state.chart.as_ref().unwrap().tab];
    for _ in 0..ChartTab::ALL.len() {
        press(&mut state, KeyCode::Tab);
        seen.push(state.chart.as_ref().unwrap().tab);
    }
    let mut expected = ChartTab::ALL.to_vec();
    expected.push(ChartTab::Overview);
    assert_eq!(seen, expected);
    press(&mut state, KeyCode::BackTab);
    assert_eq!(state.chart.as_ref().unwrap().tab, ChartTab::History);
    // A reload of the same patient keeps the tab.
    chart_of(&mut state, "p-0001");
    assert_eq!(state.chart.as_ref().unwrap().tab, ChartTab::History);
    assert_eq!(
        press(&mut state, KeyCode::Esc),
        vec![Effect::LoadQueue { day: day() }]
    );
    assert_eq!(state.screen, Screen::Queue);
    assert!(state.chart.is_none());
}

// ---------------------------------------------------------------------------------------------
// Stale replies

#[test]
fn stale_search_drug_and_evaluation_results_are_dropped() {
    let found = |id: &str| PatientSummary {
        patient_id: id.into(),
        name_kanji: "山田　太郎".into(),
        name_kana: "ヤマダ　タロウ".into(),
        date_of_birth: "1958-03-14".into(),
        sex: "male".into(),
        kakaritsuke: true,
        history_known: true,
        care_team: None,
        patient_number: None,
    };

    // Patient search: each keystroke asks again with a new generation.
    let mut state = at_queue(DOCTOR);
    update(&mut state, ctrl('f'));
    let first = press(&mut state, KeyCode::Char('や'));
    let second = press(&mut state, KeyCode::Char('ま'));
    assert_eq!(
        (first, second),
        (
            vec![Effect::SearchPatients {
                generation: 1,
                query: "や".into()
            }],
            vec![Effect::SearchPatients {
                generation: 2,
                query: "やま".into()
            }]
        )
    );
    update(
        &mut state,
        Action::PatientsFound {
            generation: 2,
            results: vec![found("p-0001")],
        },
    );
    update(
        &mut state,
        Action::PatientsFound {
            generation: 1,
            results: vec![found("p-0099"), found("p-0098")],
        },
    );
    let Some(Overlay::Search(s)) = &state.overlay else {
        panic!()
    };
    assert_eq!(s.results, vec![found("p-0001")]);

    // Drug search.
    let mut state = consulting(DOCTOR, &[]);
    press(&mut state, KeyCode::Char('r'));
    let effects = type_text(&mut state, "ゾル");
    assert_eq!(
        effects.last(),
        Some(&Effect::SearchDrugs {
            generation: 2,
            query: "ゾル".into()
        })
    );
    update(
        &mut state,
        Action::DrugsFound {
            generation: 2,
            results: vec![drug("new")],
        },
    );
    update(
        &mut state,
        Action::DrugsFound {
            generation: 1,
            results: vec![drug("old")],
        },
    );
    let Some(Overlay::Drugs(s)) = &state.overlay else {
        panic!()
    };
    assert_eq!(s.results, vec![drug("new")]);

    // Rule evaluation: toggling a check saves it and asks for a new evaluation.
    let mut state = consulting(DOCTOR, &[]);
    let effects = press(&mut state, KeyCode::Char(' '));
    let [Effect::Write { .. }, Effect::Evaluate { generation, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let current = *generation;
    assert_eq!(consult(&state).eval_generation, current);
    update(
        &mut state,
        Action::Evaluated {
            generation: current - 1,
            findings: vec![finding("consent.agreement")],
            drugs: Vec::new(),
        },
    );
    assert!(
        consult(&state).findings.is_empty(),
        "stale findings dropped"
    );
    update(
        &mut state,
        Action::Evaluated {
            generation: current,
            findings: vec![finding("care_plan.missing")],
            drugs: vec![drug("x")],
        },
    );
    assert_eq!(consult(&state).findings, vec![finding("care_plan.missing")]);
    assert_eq!(consult(&state).drugs, vec![drug("x")]);
}

// ---------------------------------------------------------------------------------------------
// Consultation: video, prescribing, ending, signing, overriding

#[test]
fn start_video_is_gated_by_the_blocks_that_must_clear_first() {
    // (findings, overridden, starts)
    let cases: [(&[&str], &[&str], bool); 8] = [
        (&[], &[], true),
        (&["consent.agreement"], &[], false),
        (&["care_plan.missing"], &[], false),
        (&["consent.agreement", "care_plan.missing"], &[], false),
        // Blocks settled during or after the consultation do not hold the video back.
        (&["rx.initial.psychotropic"], &[], true),
        (&["billing.content", "billing.time"], &[], true),
        // An overridden block no longer gates.
        (&["consent.agreement"], &["consent.agreement"], true),
        (
            &["consent.agreement", "care_plan.missing"],
            &["consent.agreement"],
            false,
        ),
    ];
    for (findings, overridden, starts) in cases {
        let mut state = consulting(DOCTOR, findings);
        let c = state.consult.as_mut().unwrap();
        for (i, rule) in overridden.iter().enumerate() {
            c.encounter.overrides.insert(
                format!("ov-{i}"),
                enkaku::domain::Override {
                    finding: finding(rule).overridden(None),
                    reason: "理由を記載済み".into(),
                    by: DOCTOR.into(),
                    at: now(),
                },
            );
        }
        let effects = press(&mut state, KeyCode::Char('v'));
        let case = format!("{findings:?} overridden {overridden:?}");
        let c = consult(&state);
        if starts {
            assert_eq!(launches(&effects), 1, "{case}: {effects:?}");
            // Nothing is recorded until the program is known to run.
            assert_eq!(c.encounter.started_at, None, "{case}");
            let Some(Effect::LaunchVideo { room, relaunch, .. }) = effects
                .iter()
                .find(|e| matches!(e, Effect::LaunchVideo { .. }))
                .cloned()
            else {
                unreachable!()
            };
            assert!(!relaunch, "{case}");
            assert!(room.len() > 30, "{case}: the room name is unguessable");
            let effects = update(
                &mut state,
                Action::VideoLaunched {
                    patient_id: "p-0013".into(),
                    encounter_id: "en-test".into(),
                    room: room.clone(),
                    relaunch: false,
                },
            );
            let c = consult(&state);
            assert_eq!(c.encounter.started_at, Some(now()), "{case}");
            assert_eq!(c.encounter.video_room.as_ref(), Some(&room), "{case}");
            assert!(
                effects.contains(&Effect::Write {
                    staff: DOCTOR.into(),
                    write: Write::QueueStatus {
                        day: day(),
                        entry_id: "q-01".into(),
                        status: QueueStatus::InSession
                    }
                }),
                "{case}"
            );
            assert!(
                effects.iter().any(|e| matches!(
                    e,
                    Effect::Write { write: Write::Encounter { encounter, action, .. }, .. }
                        if encounter.started_at == Some(now()) && *action == "encounter.start"
                )),
                "{case}"
            );
            assert!(error_text(&state).is_none(), "{case}");
            // Pressing again goes back into the same room, after a drop.
            let again = press(&mut state, KeyCode::Char('v'));
            assert_eq!(launches(&again), 1, "{case}");
            assert!(
                again.iter().any(|e| matches!(e,
                    Effect::LaunchVideo { room: r, relaunch: true, .. } if *r == room)),
                "{case}: {again:?}"
            );
        } else {
            assert!(effects.is_empty(), "{case}: {effects:?}");
            assert!(c.encounter.started_at.is_none(), "{case}");
            let text = error_text(&state).expect("an error");
            assert!(text.starts_with("Cannot start: "), "{case}: {text}");
            for rule in findings.iter().filter(|r| !overridden.contains(r)) {
                assert!(text.contains(rule), "{case}: {text} names {rule}");
            }
        }
    }
}

#[test]
fn video_starts_once_the_blocks_are_cleared_by_a_new_evaluation() {
    let mut state = consulting(DOCTOR, &["consent.agreement", "care_plan.missing"]);
    assert_eq!(launches(&press(&mut state, KeyCode::Char('v'))), 0);
    let generation = state.consult.as_ref().unwrap().eval_generation;
    update(
        &mut state,
        Action::Evaluated {
            generation,
            findings: vec![finding("billing.content")],
            drugs: Vec::new(),
        },
    );
    assert_eq!(launches(&press(&mut state, KeyCode::Char('v'))), 1);
}

/// Starting the video records nothing until the program runs: `v` only asks for the launch,
/// and a program that does not start is said as an error, is not a write, and leaves the
/// encounter without a start.
#[test]
fn a_video_that_does_not_open_is_said_and_records_nothing() {
    let mut state = consulting(DOCTOR, &[]);
    settle(&mut state);
    let in_flight = state.writes_in_flight;
    let effects = press(&mut state, KeyCode::Char('v'));
    assert!(
        matches!(effects.as_slice(), [Effect::LaunchVideo { .. }]),
        "only the launch is asked for: {effects:?}"
    );
    update(
        &mut state,
        Action::VideoFailed {
            message: "video command \"xdg-open\": No such file or directory".into(),
        },
    );
    let text = error_text(&state).expect("the failure is shown as an error");
    assert!(text.contains("Video not started"), "{text}");
    assert!(text.contains("video.command"), "{text}");
    assert!(text.contains("xdg-open"), "{text}");
    assert_eq!(state.writes_in_flight, in_flight);
    let c = state.consult.as_ref().unwrap();
    assert_eq!(c.encounter.started_at, None);
    assert_eq!(c.encounter.video_room, None);
}

#[test]
fn ending_and_signing_follow_the_session() {
    struct Case {
        name: &'static str,
        started: bool,
        ended: bool,
        findings: &'static [&'static str],
        key: char,
        error: Option<&'static str>,
        overlay: bool,
    }
    let cases = [
        Case {
            name: "end before the video started",
            started: false,
            ended: false,
            findings: &[],
            key: 'z',
            error: Some("The video has not started"),
            overlay: false,
        },
        Case {
            name: "end during the session",
            started: true,
            ended: false,
            findings: &[],
            key: 'z',
            error: None,
            overlay: true,
        },
        Case {
            name: "sign before the video started",
            started: false,
            ended: false,
            findings: &[],
            key: 's',
            error: Some("End the session before signing"),
            overlay: false,
        },
        Case {
            name: "sign during the session",
            started: true,
            ended: false,
            findings: &[],
            key: 's',
            error: Some("End the session before signing"),
            overlay: false,
        },
        Case {
            name: "sign with an open block",
            started: true,
            ended: true,
            findings: &["billing.content"],
            key: 's',
            error: Some("Cannot sign: billing.content"),
            overlay: false,
        },
        Case {
            name: "sign with only warnings",
            started: true,
            ended: true,
            findings: &[],
            key: 's',
            error: None,
            overlay: true,
        },
    ];
    for c in cases {
        let mut state = consulting(DOCTOR, c.findings);
        let e = &mut state.consult.as_mut().unwrap().encounter;
        if c.started {
            e.started_at = Some(now());
        }
        if c.ended {
            e.ended_at = Some(now());
        }
        let effects = press(&mut state, KeyCode::Char(c.key));
        assert!(effects.is_empty(), "{}: {effects:?}", c.name);
        match c.error {
            Some(text) => assert!(
                error_text(&state).is_some_and(|t| t.starts_with(text)),
                "{}: {:?}",
                c.name,
                state.status
            ),
            None => assert!(error_text(&state).is_none(), "{}", c.name),
        }
        assert_eq!(state.overlay.is_some(), c.overlay, "{}", c.name);
        if c.key == 's' && c.overlay {
            assert_eq!(state.overlay, Some(Overlay::Confirm(Confirm::Sign)));
        }
    }
}

#[test]
fn signing_passes_through_the_confirm_step() {
    let ready = || {
        let mut state = consulting(DOCTOR, &[]);
        let e = &mut state.consult.as_mut().unwrap().encounter;
        e.started_at = Some(now());
        e.ended_at = Some(now());
        press(&mut state, KeyCode::Char('s'));
        assert_eq!(state.overlay, Some(Overlay::Confirm(Confirm::Sign)));
        state
    };
    // Cancelled: nothing is written, the consultation stays open.
    for cancel in [KeyCode::Char('n'), KeyCode::Esc] {
        let mut state = ready();
        assert!(press(&mut state, cancel).is_empty());
        assert!(state.overlay.is_none());
        assert!(consult(&state).encounter.signed_at.is_none());
    }
    // Other keys do nothing while the question is open.
    let mut state = ready();
    assert!(press(&mut state, KeyCode::Char('s')).is_empty());
    assert_eq!(state.overlay, Some(Overlay::Confirm(Confirm::Sign)));
    // Confirmed: one write of the signed encounter together with its visit, signed by the
    // doctor, and back to the queue.
    let effects = press(&mut state, KeyCode::Char('y'));
    let [
        Effect::Write {
            staff,
            write:
                Write::SignEncounter {
                    patient_id,
                    encounter,
                    visit,
                },
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!((staff.as_str(), patient_id.as_str()), (DOCTOR, "p-0013"));
    assert_eq!(visit.as_ref().map(|(d, _)| *d), Some(day()));
    assert_eq!(encounter.signed_by.as_deref(), Some(DOCTOR));
    assert_eq!(encounter.signed_at, Some(now()));
    assert!(state.consult.is_none());
    assert_eq!(state.screen, Screen::Queue);
}

#[test]
fn override_needs_a_selected_block_and_a_reason_then_a_confirm() {
    let findings = ["consent.agreement", "care_plan.missing"];
    let blocks = findings
        .iter()
        .filter(|r| rule_info(r).unwrap().severity == Severity::Block)
        .count();
    assert_eq!(blocks, 2, "the fixture's findings are blocks");

    // Nothing, or a checklist item, selected.
    for selected in [0, 5, SessionChecks::COUNT - 1] {
        let mut state = consulting(DOCTOR, &findings);
        state.consult.as_mut().unwrap().selected = selected;
        assert!(press(&mut state, KeyCode::Char('o')).is_empty());
        assert!(state.overlay.is_none(), "{selected}");
        assert_eq!(error_text(&state), Some("Select a block to override"));
    }
    // A warning is not a block.
    let warn = enkaku::rules::catalogue()
        .iter()
        .find(|r| r.severity == Severity::Warn)
        .expect("a warning rule");
    let mut state = consulting(DOCTOR, &[]);
    let c = state.consult.as_mut().unwrap();
    c.findings = vec![warn.says("", "", "", "")];
    c.selected = SessionChecks::COUNT;
    press(&mut state, KeyCode::Char('o'));
    assert!(state.overlay.is_none());
    assert_eq!(error_text(&state), Some("Select a block to override"));

    // A first-visit prohibition (指針 V.1(5)②ⅰ) has no override: the screen says what resolves it.
    for rule in ["rx.initial.psychotropic", "rx.initial.long_course"] {
        let mut state = consulting(DOCTOR, &[rule]);
        state.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
        assert!(press(&mut state, KeyCode::Char('o')).is_empty());
        assert!(state.overlay.is_none(), "{rule}: no override form");
        let text = error_text(&state).unwrap_or_default().to_string();
        assert!(text.contains("cannot be overridden"), "{rule}: {text}");
        assert!(text.contains(rule), "{text}");
    }

    // Reasons: too short ones keep the form open with an error (characters, not bytes, count).
    let cases: [(&str, bool); 6] = [
        ("", false),
        ("ok", false),
        ("four", false),
        ("理由です", false),
        ("理由は明白", true),
        ("patient has no camera today", true),
    ];
    for (reason, accepted) in cases {
        let mut state = consulting(DOCTOR, &findings);
        state.consult.as_mut().unwrap().selected = SessionChecks::COUNT + 1;
        assert!(press(&mut state, KeyCode::Char('o')).is_empty());
        let Some(Overlay::Form(form)) = &state.overlay else {
            panic!("{reason}: the override form opens")
        };
        let FormKind::Override(f) = &form.kind else {
            panic!("{reason}: {:?}", form.kind)
        };
        assert_eq!(f.finding.rule, "care_plan.missing");
        assert_eq!(
            f.finding.message_en, "english",
            "the dialog names the finding"
        );
        assert!(type_text(&mut state, reason).is_empty());
        assert!(press(&mut state, KeyCode::Enter).is_empty(), "{reason}");
        if !accepted {
            let Some(Overlay::Form(form)) = &state.overlay else {
                panic!("{reason}: the form stays open")
            };
            assert_eq!(
                form.error.map(|e| e.message(Lang::En)),
                Some("Write a specific reason (5 characters or more)"),
                "{reason:?}"
            );
            continue;
        }
        assert_eq!(
            state.overlay,
            Some(Overlay::Confirm(Confirm::Override {
                finding: Box::new(finding("care_plan.missing").overridden(None)),
                reason: reason.into()
            })),
            "{reason}"
        );
        assert!(consult(&state).encounter.overrides.is_empty());
        let effects = press(&mut state, KeyCode::Char('y'));
        let write = effects.iter().find_map(|e| match e {
            Effect::Write {
                staff,
                write:
                    Write::Encounter {
                        encounter, action, ..
                    },
            } => Some((staff, encounter, action)),
            _ => None,
        });
        let (staff, encounter, action) = write.expect("an encounter write");
        assert_eq!(staff, DOCTOR);
        assert_eq!(*action, "block.override", "the override is audited as such");
        let overrides: Vec<_> = encounter.overrides.values().collect();
        assert_eq!(overrides.len(), 1);
        assert_eq!(overrides[0].finding.rule, "care_plan.missing");
        assert_eq!(overrides[0].reason, reason);
        assert_eq!(overrides[0].by, DOCTOR);
        assert_eq!(overrides[0].at, now());
        assert!(
            effects.iter().any(|e| matches!(e, Effect::Evaluate { .. })),
            "the findings are evaluated again"
        );
    }

    // Declining the confirm records nothing.
    let mut state = consulting(DOCTOR, &findings);
    state.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
    press(&mut state, KeyCode::Char('o'));
    type_text(&mut state, "patient asked");
    press(&mut state, KeyCode::Enter);
    assert!(press(&mut state, KeyCode::Char('n')).is_empty());
    assert!(state.overlay.is_none());
    assert!(consult(&state).encounter.overrides.is_empty());
}

/// An override names one finding: the rule and, for a prescription's block, its line. Another
/// line's block of the same rule stays open, the counts tell them apart, and deleting the line
/// withdraws its override with it.
#[test]
fn an_override_names_one_line_and_goes_with_it() {
    // An overridable block about a prescription line (指針 「原則として」).
    let rule = enkaku::rules::catalogue()
        .iter()
        .find(|r| r.severity == Severity::Block && r.overridable && r.id.starts_with("rx."))
        .map(|r| r.id)
        .expect("an overridable prescription block");
    let mut state = consulting(DOCTOR, &[]);
    let c = state.consult.as_mut().unwrap();
    for (id, name) in [("rx-a", "薬A"), ("rx-b", "薬B")] {
        c.encounter.prescriptions.insert(
            id.into(),
            enkaku::domain::Prescription {
                id: id.into(),
                drug_code: "0000000".into(),
                drug_name: name.into(),
                dose: "1日1回".into(),
                days: 7,
                prescribed_by: DOCTOR.into(),
            },
        );
    }
    c.findings = vec![
        finding(rule).on_line(Some("rx-a")),
        finding(rule).on_line(Some("rx-b")),
    ];
    // The prescription pane with the second line selected: `o` takes that line's block.
    c.focus = ConsultFocus::Prescriptions;
    c.rx_selected = 1;
    press(&mut state, KeyCode::Char('o'));
    let Some(Overlay::Form(form)) = &state.overlay else {
        panic!("the override form opens: {:?}", error_text(&state))
    };
    let FormKind::Override(f) = &form.kind else {
        panic!("{:?}", form.kind)
    };
    assert_eq!(f.finding.line.as_deref(), Some("rx-b"));
    assert_eq!(f.finding.drug_name.as_deref(), Some("薬B"));
    assert!(
        form.about(Lang::Ja).iter().any(|l| l.contains("薬B")),
        "the dialog names the drug: {:?}",
        form.about(Lang::Ja)
    );
    type_text(&mut state, "患者と相談の上で継続");
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Char('y'));
    let c = consult(&state);
    assert_eq!(c.encounter.overrides.len(), 1);
    let open: Vec<_> = enkaku::tui::update::open_blocks(c)
        .map(|f| f.line.clone())
        .collect();
    assert_eq!(
        open,
        vec![Some("rx-a".to_string())],
        "only rx-b is overridden"
    );

    // A second `o` on the same line says it is done and records nothing.
    press(&mut state, KeyCode::Char('o'));
    assert!(state.overlay.is_none());
    assert_eq!(
        error_text(&state),
        Some("No open block on this prescription line")
    );

    // The screen counts open and overridden blocks apart.
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| enkaku::tui::view::render(&state, f))
        .unwrap();
    let screen = format!("{:?}", terminal.backend().buffer());
    assert!(
        screen.contains("open blocks 1 · overridden 1"),
        "the counts: {screen}"
    );

    // Deleting rx-b withdraws its override; rx-a's block stays open.
    let effects = press(&mut state, KeyCode::Delete);
    let saved = effects.iter().find_map(|e| match e {
        Effect::Write {
            write: Write::Encounter { encounter, .. },
            ..
        } => Some(encounter.clone()),
        _ => None,
    });
    let saved = saved.expect("the encounter is saved");
    assert!(!saved.prescriptions.contains_key("rx-b"));
    assert!(saved.overrides.is_empty(), "{:?}", saved.overrides);
    let audited = effects.iter().find_map(|e| match e {
        Effect::Write {
            write: Write::Encounter { action, .. },
            ..
        } => Some(*action),
        _ => None,
    });
    assert_eq!(audited, Some("prescription.remove.override_withdrawn"));
    update(
        &mut state,
        Action::Saved {
            what: enkaku::tui::state::Saved::Encounter("prescription.remove.override_withdrawn"),
        },
    );
    assert_eq!(
        state.status.as_ref().map(|s| s.text.as_str()),
        Some("Line removed; its override withdrawn")
    );
}

/// Two findings of one rule on one line (a drug contraindicated with two medications) take an
/// override each: the first `o` on the line overrides one, the second the other.
#[test]
fn two_findings_on_one_line_take_an_override_each() {
    let rule = enkaku::rules::catalogue()
        .iter()
        .find(|r| r.severity == Severity::Block && r.overridable && r.id.starts_with("rx."))
        .expect("an overridable prescription block");
    let mut state = consulting(DOCTOR, &[]);
    let c = state.consult.as_mut().unwrap();
    c.encounter.prescriptions.insert(
        "rx-a".into(),
        enkaku::domain::Prescription {
            id: "rx-a".into(),
            drug_code: "0000000".into(),
            drug_name: "薬A".into(),
            dose: "1日1回".into(),
            days: 7,
            prescribed_by: DOCTOR.into(),
        },
    );
    c.findings = ["with nitrate X", "with nitrate Y"]
        .iter()
        .map(|m| rule.says(m, m, "", "").on_line(Some("rx-a")))
        .collect();
    c.focus = ConsultFocus::Prescriptions;
    for (n, expected) in [(1, "with nitrate X"), (2, "with nitrate Y")] {
        press(&mut state, KeyCode::Char('o'));
        let Some(Overlay::Form(form)) = &state.overlay else {
            panic!("override {n}: {:?}", error_text(&state))
        };
        let FormKind::Override(f) = &form.kind else {
            panic!("{:?}", form.kind)
        };
        assert_eq!(f.finding.message_en, expected);
        type_text(&mut state, "確認済みの理由");
        press(&mut state, KeyCode::Enter);
        press(&mut state, KeyCode::Char('y'));
        let open = enkaku::tui::update::open_blocks(consult(&state)).count();
        assert_eq!(open, 2 - n, "after override {n}");
    }
    press(&mut state, KeyCode::Char('o'));
    assert_eq!(
        error_text(&state),
        Some("No open block on this prescription line")
    );
}

#[test]
fn prescribing_checks_the_drug_and_the_days() {
    // (drug chosen, days typed, expected error)
    let cases: [(bool, &str, Option<&str>); 6] = [
        (false, "7", Some("Choose a drug")),
        (true, "", Some("Days must be a whole number from 1 to 365")),
        (true, "0", Some("Days must be a whole number from 1 to 365")),
        (
            true,
            "366",
            Some("Days must be a whole number from 1 to 365"),
        ),
        (true, "7", None),
        (true, "365", None),
    ];
    for (chosen, days, error) in cases {
        let mut state = consulting(DOCTOR, &[]);
        press(&mut state, KeyCode::Char('r'));
        type_text(&mut state, "フェキソ");
        if chosen {
            let generation = match &state.overlay {
                Some(Overlay::Drugs(s)) => s.generation,
                _ => panic!(),
            };
            update(
                &mut state,
                Action::DrugsFound {
                    generation,
                    results: vec![drug("4490023F1027")],
                },
            );
        }
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, "1回1錠");
        press(&mut state, KeyCode::Tab);
        type_text(&mut state, days);
        let effects = press(&mut state, KeyCode::Enter);
        let case = format!("chosen {chosen} days {days:?}");
        match error {
            Some(text) => {
                assert!(effects.is_empty(), "{case}");
                let Some(Overlay::Drugs(s)) = &state.overlay else {
                    panic!("{case}: the overlay stays")
                };
                assert_eq!(s.error.map(|e| e.message(Lang::En)), Some(text), "{case}");
            }
            None => {
                assert!(state.overlay.is_none(), "{case}");
                let rx: Vec<_> = consult(&state).encounter.prescriptions.values().collect();
                assert_eq!(rx.len(), 1, "{case}");
                assert_eq!(rx[0].drug_code, "4490023F1027");
                assert_eq!(rx[0].dose, "1回1錠");
                assert_eq!(rx[0].days, days.parse::<u32>().unwrap());
                assert_eq!(rx[0].prescribed_by, DOCTOR);
                assert!(matches!(
                    effects.as_slice(),
                    [
                        Effect::Write {
                            write: Write::Encounter { action: "prescription.add", .. },
                            ..
                        },
                        Effect::Evaluate { codes, .. }
                    ] if codes == &vec!["4490023F1027".to_string()]
                ));
            }
        }
    }
}

#[test]
fn the_note_is_edited_in_place_and_saved_on_escape() {
    let mut state = consulting(DOCTOR, &[]);
    press(&mut state, KeyCode::Char('e'));
    assert!(consult(&state).editing_note);
    // Keys that are commands elsewhere are text while editing.
    assert!(type_text(&mut state, "咳が続く vs").is_empty());
    press(&mut state, KeyCode::Tab);
    update(&mut state, Action::Paste("映像上\n異常なし".into()));
    let effects = press(&mut state, KeyCode::Esc);
    assert!(!consult(&state).editing_note);
    let note = effects.iter().find_map(|e| match e {
        Effect::Write {
            write:
                Write::Encounter {
                    encounter,
                    action: "note.save",
                    ..
                },
            ..
        } => encounter.notes.values().next().cloned(),
        _ => None,
    });
    let note = note.expect("the note is saved");
    assert_eq!(note.subjective, "咳が続く vs");
    assert_eq!(note.objective, "映像上\n異常なし");
    assert_eq!(note.author, DOCTOR);
    assert_eq!(consult(&state).encounter.started_at, None, "v was typed");
}

// ---------------------------------------------------------------------------------------------
// Help, keymap and hint bar

#[test]
fn help_opens_on_f1_or_question_mark_and_any_key_closes_it() {
    for open in [KeyCode::F(1), KeyCode::Char('?')] {
        for close in [
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Down,
            KeyCode::Char('x'),
            KeyCode::Char('c'),
            KeyCode::F(1),
        ] {
            let mut state = at_queue(DOCTOR);
            assert!(press(&mut state, open).is_empty());
            assert_eq!(state.help, Some(Mode::Queue), "{open:?}");
            let effects = press(&mut state, close);
            assert!(effects.is_empty(), "{close:?} only closes: {effects:?}");
            assert!(state.help.is_none() && state.overlay.is_none(), "{close:?}");
            assert_eq!(state.queue.selected, 0, "{close:?} did nothing else");
            assert_eq!(state.screen, Screen::Queue);
        }
    }
    // On the sign-in screen too.
    let mut state = fresh();
    press(&mut state, KeyCode::F(1));
    assert_eq!(state.help, Some(Mode::SignIn));
}

#[test]
fn ctrl_q_quits_from_every_screen() {
    let states = [
        fresh(),
        at_queue(DOCTOR),
        consulting(DOCTOR, &["consent.agreement"]),
    ];
    for mut state in states {
        let screen = state.screen;
        assert!(update(&mut state, ctrl('q')).is_empty());
        assert!(state.quit, "{screen:?}");
    }
}

/// A state on `screen` with what that screen needs to draw.
fn on_screen(screen: Screen, lang: Lang) -> AppState {
    let mut state = match screen {
        Screen::SignIn => fresh(),
        Screen::Queue => at_queue(DOCTOR),
        Screen::Chart => {
            let mut s = at_queue(DOCTOR);
            s.chart = Some(ChartState {
                patient: patient("p-0001"),
                tab: ChartTab::Overview,
                selected: 0,
                history: Vec::new(),
            });
            s.screen = Screen::Chart;
            s
        }
        Screen::Consult => consulting(DOCTOR, &[]),
        Screen::Admin => {
            let mut s = at_queue("admin-watanabe");
            press(&mut s, KeyCode::Char('A'));
            s
        }
        Screen::Visits => at_visits(),
        Screen::Visit => {
            let mut s = at_visits();
            press(&mut s, KeyCode::Enter);
            s
        }
    };
    state.lang = lang;
    state
}

const NURSE: &str = "ns-ito";

/// A team visit of the demo's team-kita patient `patient` at `time`.
fn team_visit(entry: &str, patient_id: &str, time: &str) -> TeamVisit {
    let entry = serde_json::from_value(serde_json::json!({
        "id": entry, "patient_id": patient_id, "time": time,
        "visit": "home_nursing", "status": "reserved"
    }))
    .expect("a queue entry");
    TeamVisit {
        entry,
        patient: Box::new(patient(patient_id)),
    }
}

/// 伊藤 由美 (team-kita) signed in, on her team's day of two visits.
fn at_visits() -> AppState {
    let mut state = fresh();
    let effects = try_sign_in(&mut state, NURSE, PIN);
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::LoadTeamDay { team, .. } if team == "team-kita"
        )),
        "{effects:?}"
    );
    assert_eq!(state.screen, Screen::Visits);
    update(
        &mut state,
        Action::TeamDayLoaded {
            day: day(),
            visits: vec![
                team_visit("q-20", "p-0022", "10:00"),
                team_visit("q-21", "p-0023", "11:00"),
            ],
        },
    );
    state
}

fn nursing_write(effects: &[Effect]) -> Option<(&enkaku::domain::NursingVisit, &'static str)> {
    effects.iter().find_map(|e| match e {
        Effect::Write {
            write: Write::NursingVisit { visit, action, .. },
            ..
        } => Some((visit.as_ref(), *action)),
        _ => None,
    })
}

/// The nurse's record of a visit: arrival once, leaving after arriving, vitals through the
/// confirm step when one lies outside what a measurement shows, the route order stored, and the
/// request to the doctor carrying her reason.
#[test]
fn the_nurse_records_her_visit_step_by_step() {
    let mut state = at_visits();
    // The route: the second visit first.
    press(&mut state, KeyCode::Down);
    let effects = press(&mut state, KeyCode::Char('K'));
    let order = effects.iter().find_map(|e| match e {
        Effect::Write {
            write: Write::RouteOrder { entries, team, .. },
            ..
        } => Some((entries.clone(), team.clone())),
        _ => None,
    });
    assert_eq!(
        order,
        Some((
            vec!["q-21".to_string(), "q-20".to_string()],
            "team-kita".to_string()
        ))
    );
    assert_eq!(state.nursing.selected, 0, "the moved visit stays selected");

    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Visit);
    // Leaving before arriving is refused and says why.
    assert!(press(&mut state, KeyCode::Char('l')).is_empty());
    assert_eq!(error_text(&state), Some("Record the arrival first (a)"));
    let effects = press(&mut state, KeyCode::Char('a'));
    let (visit, action) = nursing_write(&effects).expect("the arrival is saved");
    assert_eq!(action, "nursing.arrive");
    assert_eq!(visit.arrived_at, Some(now()));
    assert_eq!(visit.queue_entry.as_deref(), Some("q-21"));
    assert_eq!(visit.nurse, NURSE);

    // Vitals: 720 for the pulse asks first; `n` records nothing, `y` records it.
    for (answer, recorded) in [('n', false), ('y', true)] {
        press(&mut state, KeyCode::Char('b'));
        type_text(&mut state, "132");
        press(&mut state, KeyCode::Down);
        press(&mut state, KeyCode::Down);
        type_text(&mut state, "720");
        assert!(press(&mut state, KeyCode::Enter).is_empty());
        let Some(Overlay::Confirm(Confirm::Vitals { outside, .. })) = &state.overlay else {
            panic!("a confirm step: {:?}", state.overlay)
        };
        assert_eq!(outside, "pulse 720 /min (25–220)");
        let effects = press(&mut state, KeyCode::Char(answer));
        assert_eq!(nursing_write(&effects).is_some(), recorded, "{answer}");
        if let Some((visit, action)) = nursing_write(&effects) {
            assert_eq!(action, "nursing.vitals");
            assert_eq!(visit.vitals.len(), 2);
        }
    }
    // An impossible value is refused in the form, naming the vital.
    press(&mut state, KeyCode::Char('b'));
    for _ in 0..4 {
        press(&mut state, KeyCode::Down);
    }
    type_text(&mut state, "101");
    press(&mut state, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &state.overlay else {
        panic!("the form stays open")
    };
    assert_eq!(
        form.error.map(|e| e.message(Lang::En)),
        Some("SpO2: a number from 0 to 100 (%)")
    );
    press(&mut state, KeyCode::Esc);

    // No room yet: joining the video says so.
    assert!(press(&mut state, KeyCode::Char('v')).is_empty());
    assert_eq!(
        error_text(&state),
        Some("The doctor has not started the video yet")
    );

    // The request to the doctor carries the reason and lands on the visit.
    press(&mut state, KeyCode::Char('r'));
    press(&mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Some(Overlay::Form(_))),
        "a reason is needed"
    );
    type_text(&mut state, "SpO2 低下");
    let effects = press(&mut state, KeyCode::Enter);
    let request = effects.iter().find_map(|e| match e {
        Effect::Write {
            write: Write::ConsultRequest {
                entry_id, visit, ..
            },
            ..
        } => Some((entry_id.clone(), visit.request.clone())),
        _ => None,
    });
    let (entry, request) = request.expect("a request write");
    assert_eq!(entry, "q-21");
    let request = request.expect("the request");
    assert_eq!(
        (request.by.as_str(), request.reason.as_str()),
        (NURSE, "SpO2 低下")
    );
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.screen, Screen::Visits);
}

fn bottom_line(state: &AppState, width: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, 30)).unwrap();
    terminal
        .draw(|f| enkaku::tui::view::render(state, f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut line = String::new();
    let mut skip = 0;
    for x in 0..width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let sym = buffer[(x, 29)].symbol();
        line.push_str(sym);
        skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
    }
    line
}

/// A state in `mode`, reached by the keys a user would press.
fn in_mode(mode: Mode, lang: Lang) -> AppState {
    use enkaku::tui::keymap::FieldKind;
    let mut state = match mode {
        Mode::SignIn => on_screen(Screen::SignIn, lang),
        Mode::Queue => on_screen(Screen::Queue, lang),
        Mode::Chart => {
            let mut s = on_screen(Screen::Chart, lang);
            press(&mut s, KeyCode::Tab);
            s
        }
        Mode::ChartOverview => on_screen(Screen::Chart, lang),
        Mode::Consult => on_screen(Screen::Consult, lang),
        Mode::Admin => on_screen(Screen::Admin, lang),
        Mode::Visits => on_screen(Screen::Visits, lang),
        Mode::Visit => on_screen(Screen::Visit, lang),
        Mode::NoteEditor => {
            let mut s = on_screen(Screen::Consult, lang);
            press(&mut s, KeyCode::Char('e'));
            s
        }
        Mode::Help => {
            let mut s = on_screen(Screen::Queue, lang);
            press(&mut s, KeyCode::F(1));
            s
        }
        Mode::Search => {
            let mut s = on_screen(Screen::Queue, lang);
            update(&mut s, ctrl('f'));
            s
        }
        Mode::Drugs => {
            let mut s = on_screen(Screen::Consult, lang);
            press(&mut s, KeyCode::Char('r'));
            s
        }
        Mode::Form(FieldKind::Toggle) => {
            let mut s = on_screen(Screen::Queue, lang);
            press(&mut s, KeyCode::Char('i'));
            s
        }
        Mode::Form(FieldKind::Choice) => {
            let mut s = on_screen(Screen::Queue, lang);
            press(&mut s, KeyCode::Char('d'));
            s
        }
        Mode::Form(FieldKind::Text) => {
            let mut s = consulting(DOCTOR, &["consent.agreement"]);
            s.lang = lang;
            s.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
            press(&mut s, KeyCode::Char('o'));
            s
        }
        Mode::Confirm => {
            let mut s = consulting(DOCTOR, &[]);
            s.lang = lang;
            let e = &mut s.consult.as_mut().unwrap().encounter;
            e.started_at = Some(now());
            e.ended_at = Some(now());
            press(&mut s, KeyCode::Char('s'));
            s
        }
        Mode::Duplicates => {
            let mut s = on_screen(Screen::Queue, lang);
            press(&mut s, KeyCode::Char('n'));
            for text in ["高橋　花子", "タカハシ　ハナコ", "1980-04-01"] {
                for c in text.chars() {
                    press(&mut s, KeyCode::Char(c));
                }
                press(&mut s, KeyCode::Down);
            }
            let effects = press(&mut s, KeyCode::Enter);
            let [Effect::Register { generation, .. }] = effects.as_slice() else {
                panic!("{effects:?}")
            };
            let found = enkaku::tui::state::Registration::Duplicates(vec![PatientSummary {
                patient_id: "p-0021".into(),
                name_kanji: "高橋　花子".into(),
                name_kana: "タカハシ　ハナコ".into(),
                date_of_birth: "1980-04-01".into(),
                sex: "female".into(),
                kakaritsuke: false,
                history_known: false,
                care_team: None,
                patient_number: None,
            }]);
            update(
                &mut s,
                Action::Registered {
                    generation: *generation,
                    outcome: found,
                },
            );
            s
        }
    };
    state.status = None;
    assert_eq!(state.mode(), mode, "the keys lead to {mode:?}");
    state
}

/// Keys a user can press: letters, digits, Japanese, Space, Ctrl with a letter, function keys
/// and the editing and cursor keys.
fn every_key() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = "abcdefghijklmnopqrstuvwxyz0123456789 ?あ"
        .chars()
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        .collect();
    keys.extend(('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    keys.extend((1..=12).map(|n| KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE)));
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Insert,
    ] {
        keys.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    keys
}

#[test]
fn every_key_a_mode_handles_is_in_its_help() {
    for mode in Mode::ALL {
        let state = in_mode(mode, Lang::En);
        for k in every_key() {
            let mut after = state.clone();
            let effects = update(&mut after, key_event(k));
            after.dirty = state.dirty;
            let handled = after != state || !effects.is_empty();
            let listed = bindings(mode).find(|b| command_for(mode, &k) == Some(b.command));
            if handled {
                assert!(
                    listed.is_some(),
                    "{mode:?}: {k:?} does something but is not in the help"
                );
            }
        }
        // Every binding dispatches to its own command.
        for b in bindings(mode) {
            assert_eq!(
                command_for(mode, &b.keys.example()),
                Some(b.command),
                "{mode:?} {}",
                b.label
            );
        }
    }
}

/// On an 80-column terminal the board's hint bar is cut: a doctor must still see the chart and
/// the consultation there, and the front desk is not shown a key only a doctor may use.
#[test]
fn a_doctors_board_hints_the_chart_and_the_consultation_at_80_columns() {
    for lang in [Lang::Ja, Lang::En] {
        let mut doctor = at_queue(DOCTOR);
        doctor.lang = lang;
        let bar = bottom_line(&doctor, 80);
        for (key, ja, en) in [("Enter", "カルテ", "chart"), ("c", "診察開始", "consult")] {
            let hint = format!(" {key} {} ", lang.tr(ja, en));
            assert!(
                bar.contains(&hint),
                "{lang:?}: {hint:?} missing from {bar:?}"
            );
        }
        let mut desk = at_queue(FRONT_DESK);
        desk.lang = lang;
        let bar = bottom_line(&desk, 80);
        assert!(bar.contains(" i "), "{lang:?}: {bar:?}");
        assert!(!bar.contains(" c "), "{lang:?}: {bar:?}");
    }
}

/// The hint bar's pages in `state`'s mode at `width` columns, F2 after F2 until the bar is back
/// at the first; F2 is pressed only where the mode has it.
fn hint_bar_pages(state: &mut AppState, width: u16) -> Vec<String> {
    let first = bottom_line(state, width);
    let mut pages = vec![first.clone()];
    if more_key(state.mode()).is_none() {
        return pages;
    }
    loop {
        press(state, KeyCode::F(2));
        let line = bottom_line(state, width);
        if line == first {
            return pages;
        }
        assert!(
            pages.len() < 20,
            "{:?}: the bar never comes back",
            state.mode()
        );
        pages.push(line);
    }
}

#[test]
fn the_hint_bar_pages_through_every_key_of_the_mode_in_keymap_order() {
    for mode in Mode::ALL {
        for lang in [Lang::Ja, Lang::En] {
            for width in [80, 100, 200] {
                let mut state = in_mode(mode, lang);
                let role = state.user.as_ref().map(|u| u.role);
                let pages = hint_bar_pages(&mut state, width);
                assert_eq!(state.mode(), mode, "F2 left the mode");
                // Each page but a lone one ends with the more key and where the bar is.
                let mut all = String::new();
                for (i, page) in pages.iter().enumerate() {
                    let page = page.trim_end();
                    if pages.len() == 1 {
                        all.push_str(page);
                        continue;
                    }
                    let more = more_key(mode).unwrap();
                    let tail = format!(
                        " {} {} ({}/{})",
                        more.label,
                        lang.tr(more.ja, more.en),
                        i + 1,
                        pages.len()
                    );
                    let Some(hints) = page.strip_suffix(&tail) else {
                        panic!(
                            "{mode:?} {lang:?} {width}: page {i} {page:?} ends without {tail:?}"
                        );
                    };
                    all.push_str(hints);
                    all.push(' ');
                }
                // Checked against the table: the hinted keys first in table order, then the
                // others in table order, each command once; typing and the more key are not
                // hints of their own.
                let shown: Vec<_> = bindings(mode).filter(|b| b.shown_to(role)).collect();
                let mut expected = String::new();
                let mut commands = Vec::new();
                let ordered = shown
                    .iter()
                    .filter(|b| b.hint)
                    .chain(shown.iter().filter(|b| !b.hint));
                for b in ordered {
                    let typing = !b.hint && matches!(b.keys, Keys::Text | Keys::Any);
                    if typing || b.command == Command::MoreHints || commands.contains(&b.command) {
                        continue;
                    }
                    commands.push(b.command);
                    expected.push_str(&format!(" {} {} ", b.label, lang.tr(b.ja, b.en)));
                }
                let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(
                    squeeze(&all),
                    squeeze(&expected),
                    "{mode:?} {lang:?} {width}"
                );
            }
        }
    }
}

#[test]
fn the_more_key_turns_the_page_and_another_mode_starts_at_the_first() {
    let mut state = at_queue(DOCTOR);
    let first = bottom_line(&state, 80);
    assert!(first.contains("(1/"), "{first:?}");
    assert!(press(&mut state, KeyCode::F(2)).is_empty());
    let second = bottom_line(&state, 80);
    assert!(second.contains("(2/"), "{second:?}");
    assert_ne!(first, second);
    // The help and back: the board's bar is at its first page again.
    press(&mut state, KeyCode::F(1));
    assert_eq!(state.mode(), Mode::Help);
    assert_eq!(state.hint_page, 0);
    press(&mut state, KeyCode::F(2));
    assert_eq!(state.mode(), Mode::Queue, "any key closes the help, F2 too");
    assert_eq!(bottom_line(&state, 80), first);
    // A wide terminal has room for every key: F2 changes nothing that is seen.
    let wide = bottom_line(&state, 400);
    assert!(!wide.contains("(1/"), "{wide:?}");
    press(&mut state, KeyCode::F(2));
    assert_eq!(bottom_line(&state, 400), wide);
}

#[test]
fn keys_dispatched_through_the_keymap_do_what_their_hint_says() {
    // (screen, key, check on the resulting state)
    let mut state = on_screen(Screen::Consult, Lang::En);
    press(&mut state, KeyCode::Tab);
    assert_eq!(consult(&state).focus, ConsultFocus::Note);
    press(&mut state, KeyCode::Tab);
    assert_eq!(consult(&state).focus, ConsultFocus::Prescriptions);
    press(&mut state, KeyCode::Tab);
    assert_eq!(consult(&state).focus, ConsultFocus::Checklist);
    press(&mut state, KeyCode::Char(' '));
    assert!(
        consult(&state).encounter.checks.get(0),
        "Space confirms the item"
    );
    assert_eq!(
        press(&mut state, KeyCode::Esc),
        vec![Effect::LoadQueue { day: day() }]
    );
    assert_eq!(state.screen, Screen::Queue);
    assert!(state.consult.is_none());
    // An unbound key does nothing.
    let mut state = at_queue(DOCTOR);
    let before = state.clone();
    assert!(press(&mut state, KeyCode::Char('q')).is_empty());
    assert_eq!(state, before);
}

// ---------------------------------------------------------------------------------------------
// Store results

/// A reservation booked, or a visit moved, onto another day than the board shows is not to be
/// seen on the board: the status line names its day, so the front desk knows where it went.
#[test]
fn a_booking_or_move_onto_another_day_names_that_day() {
    let other = parse_date("2026-11-24").unwrap();
    let cases = [
        (
            enkaku::tui::state::Saved::Booked {
                walk_in: false,
                day: day(),
            },
            "Reservation added",
        ),
        (
            enkaku::tui::state::Saved::Booked {
                walk_in: false,
                day: other,
            },
            "Reservation added: 2026-11-24 (not the day shown)",
        ),
        (
            enkaku::tui::state::Saved::Moved { day: other },
            "Visit moved: 2026-11-24 (not the day shown)",
        ),
        (
            enkaku::tui::state::Saved::Moved { day: day() },
            "Visit moved",
        ),
    ];
    for (what, said) in cases {
        let mut state = at_queue(FRONT_DESK);
        update(&mut state, Action::Saved { what });
        let status = state.status.clone().expect("a status");
        assert_eq!(
            (status.text.as_str(), status.error),
            (said, false),
            "{what:?}"
        );
    }
}

#[test]
fn results_from_the_store_update_the_status_and_reload_what_is_shown() {
    // (action, status text, error)
    let cases = [
        (
            Action::Saved {
                what: enkaku::tui::state::Saved::CheckedIn,
            },
            Some(("Checked in; identity documents recorded", false)),
        ),
        (
            Action::Failed {
                message: "disk full".into(),
            },
            Some(("disk full", true)),
        ),
        (Action::StoreChanged, None),
    ];
    for (action, status) in cases {
        let mut state = at_queue(DOCTOR);
        chart_of(&mut state, "p-0001");
        settle(&mut state);
        let effects = update(&mut state, action.clone());
        assert_eq!(
            effects,
            vec![
                Effect::LoadClinic,
                Effect::LoadQueue { day: day() },
                Effect::LoadChart {
                    patient_id: "p-0001".into()
                }
            ],
            "{action:?}"
        );
        assert_eq!(
            state.status.as_ref().map(|s| (s.text.as_str(), s.error)),
            status,
            "{action:?}"
        );
    }
}

/// The worker answers every write in flight and the store watcher reports the commit.
fn settle(state: &mut AppState) {
    while state.writes_in_flight > 0 {
        update(
            state,
            Action::Saved {
                what: enkaku::tui::state::Saved::SignedIn,
            },
        );
    }
    update(state, Action::StoreChanged);
    state.status = None;
}

/// A save reloads what is shown once: not for each of the step's writes, and not again when the
/// store watcher reports the same commit; another process's commit still reloads.
#[test]
fn a_save_reloads_once_and_the_watchers_echo_does_not_reload_again() {
    let shown = vec![
        Effect::LoadClinic,
        Effect::LoadQueue { day: day() },
        Effect::LoadChart {
            patient_id: "p-0013".into(),
        },
    ];
    let saved = |what| Action::Saved { what };
    let mut state = consulting(DOCTOR, &[]);
    settle(&mut state);
    state.consult.as_mut().unwrap().encounter.started_at = Some(now());
    // Ending the session writes the encounter and the visit's status.
    press(&mut state, KeyCode::Char('z'));
    let effects = press(&mut state, KeyCode::Enter);
    let writes = effects
        .iter()
        .filter(|e| matches!(e, Effect::Write { .. }))
        .count();
    assert_eq!(writes, 2, "{effects:?}");
    // The watcher may see the first commit before the second write is answered.
    assert!(
        update(
            &mut state,
            saved(enkaku::tui::state::Saved::Encounter("note.save"))
        )
        .is_empty()
    );
    assert!(update(&mut state, Action::StoreChanged).is_empty());
    assert_eq!(
        update(
            &mut state,
            saved(enkaku::tui::state::Saved::Status(QueueStatus::Done))
        ),
        shown
    );
    // The watcher's report of that commit: already reloaded.
    assert!(update(&mut state, Action::StoreChanged).is_empty());
    // A later commit by another process or a sync.
    assert_eq!(update(&mut state, Action::StoreChanged), shown);
    assert_eq!(update(&mut state, Action::StoreChanged), shown);
}

/// A record arriving during the consultation asks the rules again only when what they read
/// changed.
#[test]
fn a_reloaded_record_re_runs_the_rules_only_when_their_facts_changed() {
    let mut state = consulting(DOCTOR, &[]);
    let load = |p: Patient| Action::ChartLoaded {
        patient: Box::new(p),
        history: Vec::new(),
    };
    let same = patient("p-0013");
    assert!(update(&mut state, load(same.clone())).is_empty());
    let mut consented = same.clone();
    consented.kakaritsuke = !consented.kakaritsuke;
    let effects = update(&mut state, load(consented));
    assert!(
        matches!(effects.as_slice(), [Effect::Evaluate { .. }]),
        "{effects:?}"
    );
    assert!(state.dirty);
}

/// The event loop draws when `update` says something visible changed, not by comparing states.
#[test]
fn update_marks_the_state_dirty_only_when_something_shows_it() {
    let mut state = at_queue(DOCTOR);
    state.dirty = false;
    press(&mut state, KeyCode::Char('q'));
    assert!(!state.dirty, "an unbound key changes nothing");
    update(&mut state, Action::StoreChanged);
    assert!(!state.dirty, "nothing is shown until the reloads arrive");
    update(
        &mut state,
        Action::QueueLoaded {
            day: day(),
            rows: rows(),
        },
    );
    assert!(!state.dirty, "the same queue again");
    press(&mut state, KeyCode::Down);
    assert!(state.dirty);
    state.dirty = false;
    update(
        &mut state,
        Action::PatientsFound {
            generation: 99,
            results: Vec::new(),
        },
    );
    assert!(!state.dirty, "a stale answer");
    update(&mut state, Action::Tick(now()));
    assert!(state.dirty, "the clock (and a resize) redraw");
}

#[test]
fn the_clock_ticks_without_effects() {
    let mut state = consulting(DOCTOR, &[]);
    let later = now() + time::Duration::minutes(7);
    assert!(update(&mut state, Action::Tick(later)).is_empty());
    assert_eq!(state.now, later);
}

#[test]
fn the_form_fields_hold_their_values() {
    // The consent form preselects "agreed by the proxy" only when a proxy is registered.
    for (id, proxy) in [("p-0013", false), ("p-0024", true)] {
        let mut state = at_queue(DOCTOR);
        chart_of(&mut state, id);
        press(&mut state, KeyCode::Char('a'));
        let Some(Overlay::Form(form)) = &state.overlay else {
            panic!()
        };
        let FormKind::Consent(consent) = &form.kind else {
            panic!("{:?}", form.kind)
        };
        assert_eq!(consent.by_proxy.on, proxy, "{id}");
        assert_eq!(
            form.fields().last().map(|f| f.label()),
            Some("agreed by the proxy"),
            "the proxy's box is the form's last field"
        );
    }
}

/// The background sync's reports: the label follows them, and a new error is said in words once.
#[test]
fn sync_reports_update_the_label_and_say_a_new_error_once() {
    use enkaku::sync::background::SyncStatus;
    use enkaku::tui::state::SyncState;
    let mut state = AppState::new(Lang::En, now(), day());
    let failed = SyncStatus {
        online: false,
        pending: 2,
        last_sync: None,
        last_error: Some("the server cannot be reached".into()),
        quarantined: 0,
        more: false,
    };
    assert!(update(&mut state, Action::SyncStatus(failed.clone())).is_empty());
    assert_eq!(state.sync, SyncState::Enrolled(Some(failed.clone())));
    let said = state.status.clone().expect("the error is said");
    assert!(
        said.error && said.text.contains("the server cannot be reached"),
        "{said:?}"
    );
    state.status = None;
    update(&mut state, Action::SyncStatus(failed));
    assert!(state.status.is_none(), "the same error is not said again");
    let ok = SyncStatus {
        online: true,
        pending: 0,
        last_sync: Some("2026-11-21T01:00:00Z".into()),
        last_error: None,
        quarantined: 0,
        more: false,
    };
    update(&mut state, Action::SyncStatus(ok.clone()));
    assert_eq!(state.sync, SyncState::Enrolled(Some(ok)));
    assert!(state.status.is_none());
}

/// F5 asks the sync task for a session now; its outcome is said whatever it is, and a machine
/// that is not enrolled says so instead of pretending to sync.
#[test]
fn f5_syncs_now_and_says_how_it_went() {
    use enkaku::sync::background::SyncStatus;
    use enkaku::tui::state::SyncState;
    let mut state = at_queue("dr-sato");
    state.status = None;
    assert!(press(&mut state, KeyCode::F(5)).is_empty());
    let said = state.status.clone().expect("not enrolled is said");
    assert!(said.error && said.text.contains("not enrolled"), "{said:?}");

    let failed = SyncStatus {
        online: false,
        pending: 1,
        last_sync: None,
        last_error: Some("the server cannot be reached".into()),
        quarantined: 0,
        more: false,
    };
    state.sync = SyncState::Enrolled(Some(failed.clone()));
    assert!(matches!(
        press(&mut state, KeyCode::F(5)).as_slice(),
        [Effect::SyncNow]
    ));
    // The same error as before is said again: the user asked.
    update(&mut state, Action::SyncStatus(failed));
    let said = state.status.clone().expect("the outcome is said");
    assert!(
        said.error && said.text.contains("cannot be reached"),
        "{said:?}"
    );

    press(&mut state, KeyCode::F(5));
    let ok = SyncStatus {
        online: true,
        pending: 0,
        last_sync: Some("2026-11-21T01:00:00Z".into()),
        last_error: None,
        quarantined: 0,
        more: false,
    };
    update(&mut state, Action::SyncStatus(ok));
    let said = state.status.clone().expect("success is said");
    assert!(!said.error && said.text == "synced", "{said:?}");
}

/// A nurse of a home-care team is offered her team's patients only, even on a device that
/// holds the whole clinic.
#[test]
fn a_team_nurse_searching_is_offered_her_teams_patients_only() {
    let summary = |id: &str, team: Option<&str>| PatientSummary {
        patient_id: id.into(),
        name_kanji: "石川　トメ".into(),
        name_kana: "イシカワ　トメ".into(),
        date_of_birth: "1934-02-11".into(),
        sex: "female".into(),
        kakaritsuke: true,
        history_known: true,
        care_team: team.map(str::to_string),
        patient_number: None,
    };
    for (who, expected) in [
        (NURSE, vec!["p-0022"]),
        (DOCTOR, vec!["p-0022", "p-0027", "p-0001"]),
    ] {
        let mut state = at_queue(who);
        update(&mut state, ctrl('f'));
        type_text(&mut state, "イシカワ");
        let generation = match &state.overlay {
            Some(Overlay::Search(s)) => s.generation,
            other => panic!("{other:?}"),
        };
        update(
            &mut state,
            Action::PatientsFound {
                generation,
                results: vec![
                    summary("p-0022", Some("team-kita")),
                    summary("p-0027", Some("team-minami")),
                    summary("p-0001", None),
                ],
            },
        );
        let Some(Overlay::Search(s)) = &state.overlay else {
            panic!("the search stays open")
        };
        let ids: Vec<&str> = s.results.iter().map(|r| r.patient_id.as_str()).collect();
        assert_eq!(ids, expected, "{who}");
    }
}
