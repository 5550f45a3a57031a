//! Unit tests of `update` for the doctor's side of the home-care day, pure and without a store:
//! who may open the 訪問看護指示書 and what its save asks the worker to write; `c` on a visit a
//! nurse asked the doctor to join opening a D to P with N on her record; the order key refused
//! where it does not belong and, where it does, writing the order on the encounter and nothing
//! else; the board's mark and the request under it.

use std::collections::BTreeMap;

use enkaku::domain::{
    ConsultRequest, Encounter, Instant, NursingVisit, Patient, QueueStatus, VisitKind, Vital,
    parse_date,
};
use enkaku::store::QueueRow;
use enkaku::tui::forms::{FormError, FormKind, Fresh, SoapNote};
use enkaku::tui::i18n::Lang;
use enkaku::tui::keymap::{Command, Mode, bindings, command_for};
use enkaku::tui::state::{
    Action, AppState, ChartState, ChartTab, ConsultFocus, ConsultState, Effect, Overlay, Screen,
    Write,
};
use enkaku::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DOCTOR: &str = "dr-sato";
const NURSE: &str = "ns-ito";
const FRONT_DESK: &str = "fd-suzuki";
const PATIENT: &str = "p-0022";

fn day() -> enkaku::domain::Date {
    parse_date("2026-11-21").unwrap()
}

fn now() -> Instant {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    update(
        state,
        Action::Key {
            key: KeyEvent::new(code, KeyModifiers::NONE),
            at: now(),
            fresh: Fresh(u128::from(n) << 64 | u128::from(n)),
        },
    )
}

fn type_text(state: &mut AppState, text: &str) {
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
}

/// The demo clinic with `staff_id` signed in, on the queue board.
fn signed_in(staff_id: &str) -> AppState {
    let clinic = enkaku::demo::clinic().unwrap();
    let mut state = AppState::new(Lang::En, now(), day());
    state.user = Some(clinic.staff[staff_id].clone());
    state.clinic = Some(clinic);
    state.screen = Screen::Queue;
    state
}

fn patient(id: &str) -> Patient {
    enkaku::demo::patients()
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .expect("demo patient")
}

fn request() -> ConsultRequest {
    ConsultRequest {
        by: NURSE.into(),
        at: now(),
        reason: "SpO2 88%".into(),
    }
}

/// 石川 トメ's D to P with N visit of today, with the nurse's request on it or not.
fn row(request: Option<ConsultRequest>) -> QueueRow {
    QueueRow {
        entry_id: "q-07".into(),
        day: "2026-11-21".into(),
        time: "11:00".into(),
        patient_id: PATIENT.into(),
        name_kanji: "石川　トメ".into(),
        name_kana: "イシカワ　トメ".into(),
        visit_kind: VisitKind::DToPWithN,
        status: if request.is_some() {
            QueueStatus::Waiting
        } else {
            QueueStatus::Reserved
        },
        doctor: Some(DOCTOR.into()),
        pre_consult_done: false,
        date_of_birth: "1934-01-15".into(),
        sex: "female".into(),
        checked_in_at: None,
        signed_at: None,
        payment: None,
        consult_request: request,
    }
}

/// The nurse's record of the visit answering q-07.
fn nurse_record(with_request: bool) -> NursingVisit {
    let mut v = NursingVisit::new("nv-1", day(), NURSE);
    v.queue_entry = Some("q-07".into());
    v.vitals.insert(Vital::Spo2, 88.0);
    v.request = with_request.then(request);
    v
}

fn at_queue(staff_id: &str, rows: Vec<QueueRow>) -> AppState {
    let mut state = signed_in(staff_id);
    update(&mut state, Action::QueueLoaded { day: day(), rows });
    state
}

fn on_overview(staff_id: &str) -> AppState {
    let mut state = signed_in(staff_id);
    state.chart = Some(ChartState {
        patient: patient(PATIENT),
        tab: ChartTab::Overview,
        selected: 0,
        history: Vec::new(),
    });
    state.screen = Screen::Chart;
    state
}

fn error_text(state: &AppState) -> Option<&str> {
    state
        .status
        .as_ref()
        .filter(|s| s.error)
        .map(|s| s.text.as_str())
}

fn form_error(state: &AppState) -> Option<FormError> {
    match &state.overlay {
        Some(Overlay::Form(f)) => f.error,
        _ => None,
    }
}

#[test]
fn the_keys_are_in_their_tables_and_shown_to_doctors_only() {
    let i = KeyEvent::new(KeyCode::Char('I'), KeyModifiers::NONE);
    assert_eq!(
        command_for(Mode::ChartOverview, &i),
        Some(Command::EditInstructions)
    );
    let d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
    assert_eq!(command_for(Mode::Consult, &d), Some(Command::RecordOrder));
    for (mode, command) in [
        (Mode::ChartOverview, Command::EditInstructions),
        (Mode::Consult, Command::RecordOrder),
    ] {
        let b = bindings(mode)
            .find(|b| b.command == command)
            .expect("bound");
        assert!(b.shown_to(Some(enkaku::domain::Role::Doctor)));
        assert!(!b.shown_to(Some(enkaku::domain::Role::Nurse)));
    }
}

#[test]
fn only_a_doctor_opens_the_instructions_and_their_save_is_a_write() {
    for staff in [FRONT_DESK, NURSE] {
        let mut state = on_overview(staff);
        assert!(press(&mut state, KeyCode::Char('I')).is_empty());
        assert!(state.overlay.is_none(), "{staff}");
        assert!(
            error_text(&state).is_some_and(|t| t.starts_with("Only a doctor writes")),
            "{staff}: {:?}",
            state.status
        );
    }
    let mut state = on_overview(DOCTOR);
    press(&mut state, KeyCode::Char('I'));
    assert!(matches!(
        &state.overlay,
        Some(Overlay::Form(f)) if matches!(f.kind, FormKind::Instructions(_))
    ));
    // Nothing to observe yet: refused, nothing written.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert_eq!(form_error(&state), Some(FormError::NoObserve));
    type_text(&mut state, "呼吸状態");
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::Write { staff, write }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(staff, DOCTOR);
    let Write::NursingInstructions {
        patient_id,
        instructions,
    } = write
    else {
        panic!("{write:?}");
    };
    assert_eq!(patient_id, PATIENT);
    assert_eq!(instructions.doctor, DOCTOR);
    assert_eq!(instructions.observe, "呼吸状態");
    assert_eq!(instructions.valid_from, day());
    assert!(instructions.thresholds.is_empty());
    assert!(state.overlay.is_none());
}

/// `c` on a visit, the record arriving, and the encounter the consultation opens.
fn consult_from_board(row: QueueRow, record: Option<NursingVisit>) -> Encounter {
    let mut state = at_queue(DOCTOR, vec![row]);
    let asked = press(&mut state, KeyCode::Char('c'));
    assert_eq!(
        asked,
        vec![Effect::LoadChart {
            patient_id: PATIENT.into()
        }]
    );
    let mut p = patient(PATIENT);
    if let Some(v) = record {
        p.nursing_visits.insert(v.id.clone(), v);
    }
    let effects = update(
        &mut state,
        Action::ChartLoaded {
            patient: Box::new(p),
            history: Vec::new(),
        },
    );
    assert_eq!(state.screen, Screen::Consult);
    let opened = effects
        .iter()
        .find_map(|e| match e {
            Effect::Write {
                write:
                    Write::Encounter {
                        encounter,
                        action: "encounter.open",
                        ..
                    },
                ..
            } => Some(encounter.as_ref().clone()),
            _ => None,
        })
        .expect("the encounter is opened");
    assert_eq!(state.consult.as_ref().unwrap().encounter, opened);
    opened
}

#[test]
fn c_on_a_request_opens_a_d_to_p_with_n_on_the_nurses_record() {
    let e = consult_from_board(row(Some(request())), Some(nurse_record(true)));
    assert_eq!(e.kind, VisitKind::DToPWithN);
    assert_eq!(e.nurse.as_deref(), Some(NURSE));
    assert_eq!(e.nursing_visit.as_deref(), Some("nv-1"));
    assert_eq!(e.queue_entry.as_deref(), Some("q-07"));

    // She recorded the visit without asking: still her visit, her record.
    let e = consult_from_board(row(None), Some(nurse_record(false)));
    assert_eq!(e.nurse.as_deref(), Some(NURSE));
    assert_eq!(e.nursing_visit.as_deref(), Some("nv-1"));

    // A D to P with N booked with no nurse on record names nobody.
    let e = consult_from_board(row(None), None);
    assert_eq!(e.kind, VisitKind::DToPWithN);
    assert_eq!(e.nurse, None);
    assert_eq!(e.nursing_visit, None);

    // Any other visit is not joined to a nurse's record.
    let mut followup = row(None);
    followup.visit_kind = VisitKind::OnlineFollowup;
    let e = consult_from_board(followup, Some(nurse_record(false)));
    assert_eq!(e.kind, VisitKind::OnlineFollowup);
    assert_eq!(e.nurse, None);
}

/// A consultation of 石川 トメ held by `staff_id`, of `kind`, signed or not.
fn consulting(staff_id: &str, kind: VisitKind, signed: bool) -> AppState {
    let mut state = at_queue(staff_id, vec![row(Some(request()))]);
    let mut p = patient(PATIENT);
    p.nursing_visits.insert("nv-1".into(), nurse_record(true));
    let mut encounter = Encounter::new("en-test", kind);
    encounter.doctor = Some(DOCTOR.into());
    encounter.queue_entry = Some("q-07".into());
    encounter.nurse = Some(NURSE.into());
    encounter.nursing_visit = Some("nv-1".into());
    if signed {
        encounter.signed_at = Some(now());
        encounter.signed_by = Some(DOCTOR.into());
    }
    state.consult = Some(ConsultState {
        patient: p,
        day: day(),
        entry_id: Some("q-07".into()),
        encounter,
        findings: Vec::new(),
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

#[test]
fn the_order_key_is_refused_where_it_does_not_belong() {
    let cases: [(&str, VisitKind, bool, &str); 3] = [
        (FRONT_DESK, VisitKind::DToPWithN, false, "Only a doctor"),
        (
            DOCTOR,
            VisitKind::OnlineFollowup,
            false,
            "Orders to the nurse are for a D to P with N consultation",
        ),
        (
            DOCTOR,
            VisitKind::DToPWithN,
            true,
            "The record is signed: write an addendum with e",
        ),
    ];
    for (staff, kind, signed, said) in cases {
        let mut state = consulting(staff, kind, signed);
        assert!(press(&mut state, KeyCode::Char('d')).is_empty());
        assert!(state.overlay.is_none(), "{staff} {kind:?} {signed}");
        assert!(
            error_text(&state).is_some_and(|t| t.starts_with(said)),
            "{staff} {kind:?} {signed}: {:?}",
            state.status
        );
    }
}

#[test]
fn an_order_is_written_on_the_encounter_and_nowhere_else() {
    let mut state = consulting(DOCTOR, VisitKind::DToPWithN, false);
    let record = state
        .consult
        .as_ref()
        .unwrap()
        .patient
        .nursing_visits
        .clone();
    press(&mut state, KeyCode::Char('d'));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert_eq!(form_error(&state), Some(FormError::NoOrderText));
    type_text(&mut state, "酸素 1L/分 開始");
    let effects = press(&mut state, KeyCode::Enter);
    assert!(state.overlay.is_none());
    let writes: Vec<&Write> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Write { write, .. } => Some(write),
            _ => None,
        })
        .collect();
    let [
        Write::Encounter {
            patient_id,
            encounter,
            action,
        },
    ] = writes.as_slice()
    else {
        panic!("one write, the encounter: {effects:?}");
    };
    assert_eq!((patient_id.as_str(), *action), (PATIENT, "encounter.order"));
    let orders: Vec<_> = encounter.orders.values().collect();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].text, "酸素 1L/分 開始");
    assert_eq!(orders[0].by, DOCTOR);
    assert_eq!(orders[0].at, now());
    assert!(encounter.orders.keys().all(|id| id.starts_with("or-")));
    // The rules are asked again, and the nurse's record is as she left it.
    assert!(effects.iter().any(|e| matches!(e, Effect::Evaluate { .. })));
    assert_eq!(
        state.consult.as_ref().unwrap().patient.nursing_visits,
        record
    );
}

fn render(state: &AppState, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| enkaku::tui::view::render(state, f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buffer[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_board_marks_a_request_and_shows_it_under_the_selected_visit() {
    let mut other = row(None);
    other.entry_id = "q-08".into();
    other.time = "11:30".into();
    other.status = QueueStatus::Waiting;
    let rows = vec![row(Some(request())), other];
    for (staff, key) in [(DOCTOR, true), (NURSE, false)] {
        let mut state = at_queue(staff, rows.clone());
        let board = render(&state, 100, 30);
        let line = |time: &str| {
            board
                .lines()
                .find(|l| l.contains(time))
                .unwrap_or_default()
                .to_string()
        };
        assert!(line("11:00").contains("req. waiting"), "{board}");
        assert!(
            line("11:30").contains("waiting") && !line("11:30").contains("req."),
            "{board}"
        );
        assert!(board.contains("D to P with N request 伊藤　由美 10:00: SpO2 88%"));
        assert_eq!(board.contains("c to consult"), key, "{staff}: {board}");
        // The request is said for the selected visit only.
        press(&mut state, KeyCode::Down);
        let board = render(&state, 100, 30);
        assert!(!board.contains("D to P with N request"), "{board}");
    }
    // Once the doctor is in session, the row reads as any other.
    let mut in_session = row(Some(request()));
    in_session.status = QueueStatus::InSession;
    let state = at_queue(DOCTOR, vec![in_session]);
    let board = render(&state, 100, 30);
    assert!(!board.contains("req."), "{board}");
    assert!(!board.contains("D to P with N request"), "{board}");
}

#[test]
fn the_overview_shows_the_instructions_in_force_or_none() {
    let mut state = on_overview(NURSE);
    let screen = render(&state, 100, 30);
    assert!(screen.contains("Visiting-nurse instructions"), "{screen}");
    assert!(!screen.contains("instructions (I)"), "{screen}");
    assert!(screen.contains("none in force"), "{screen}");
    // Ended instructions are not in force; the latest period is named.
    let ended = enkaku::domain::NursingInstructions {
        id: "ni-old".into(),
        doctor: DOCTOR.into(),
        valid_from: parse_date("2026-05-01").unwrap(),
        valid_to: parse_date("2026-10-31").unwrap(),
        observe: "褥瘡".into(),
        report: String::new(),
        thresholds: BTreeMap::new(),
        written_at: now(),
    };
    let chart = state.chart.as_mut().unwrap();
    chart
        .patient
        .nursing_instructions
        .insert(ended.id.clone(), ended);
    let screen = render(&state, 100, 30);
    assert!(
        screen.contains("none in force (latest 2026-05-01〜2026-10-31)"),
        "{screen}"
    );
    // A patient of no care team, with none written, has no such section.
    let mut state = on_overview(DOCTOR);
    state.chart.as_mut().unwrap().patient = patient("p-0013");
    let screen = render(&state, 100, 30);
    assert!(!screen.contains("Visiting-nurse"), "{screen}");
}
