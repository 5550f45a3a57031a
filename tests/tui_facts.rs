//! The chart's overview, where a doctor or nurse records what the rules read, driven by keys over
//! a real temporary store: each fact stored and audited under the staff id, the front desk
//! refused with a message, the rules seeing the facts in the consultation, and the allergies in
//! the consultation header and the prescribe dialog. Snapshots in Japanese and English at 100×30
//! and 80×24 of every new form and screen.

mod common;

use common::app::App;
use enkaku::domain::{AllergySeverity, HistorySource, VerificationMethod};
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Confirm, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;

const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];
const SIZES: [(u16, u16); 2] = [(100, 30), (80, 24)];
/// 清水 大輔: first online visit, nothing recorded yet; in the demo queue.
const FIRST_VISIT: &str = "p-0013";
const VIDEO: &str = "true https://meet.example/{room}";

fn snap(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            (r"enkaku-[0-9a-f]{32}", "[room]"),
            (r"\b(en|rx|cs|cp|ic|ov|nt|al|md)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Snapshots the screen at both sizes.
fn snaps(a: &App, name: &str, tag: &str) {
    for (w, h) in SIZES {
        let screen = a.render(w, h);
        for line in screen.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= w as usize,
                "{name} at {w}x{h}: {line}"
            );
        }
        snap(&format!("{name}_{w}x{h}_{tag}"), &screen);
    }
}

fn signed_in(dir: &std::path::Path, lang: Lang, staff: &str) -> App {
    let mut a = App::new(dir, lang, VIDEO);
    a.sign_in(staff);
    a
}

fn open_chart(a: &mut App, patient: &str) {
    // A nurse of a team starts on her team's visits; the board is one key away.
    if a.state.screen == Screen::Visits {
        a.key(KeyCode::Char('Q'));
    }
    a.select_visit(patient);
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Chart);
}

fn patient(a: &mut App) -> enkaku::domain::Patient {
    a.worker
        .store
        .patient(FIRST_VISIT)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn audited(a: &App) -> Vec<(String, String)> {
    a.worker
        .store
        .audit_entries(Some("patient/p-0013"))
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| (e.staff_id, e.action))
        .collect()
}

fn status(a: &App) -> (String, bool) {
    a.state
        .status
        .as_ref()
        .map(|s| (s.text.clone(), s.error))
        .unwrap_or_default()
}

/// g: an allergy, its substance, reaction and severity (moved twice: moderate).
fn add_allergy(a: &mut App, substance: &str, reaction: &str) {
    a.key(KeyCode::Char('g'));
    a.type_text(substance);
    a.key(KeyCode::Down);
    a.type_text(reaction);
    a.key(KeyCode::Down);
    a.keys(&[KeyCode::Char(' '), KeyCode::Char(' ')]);
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
}

/// m: a medication from the drug master, with its dose.
fn add_medication(a: &mut App, query: &str, dose: &str) {
    a.key(KeyCode::Char('m'));
    a.type_text(query);
    a.key(KeyCode::Tab);
    a.type_text(dose);
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
}

#[test]
fn a_doctor_records_every_fact_the_rules_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = signed_in(dir.path(), Lang::En, "dr-sato");
    open_chart(&mut a, FIRST_VISIT);

    add_allergy(&mut a, "penicillin", "rash");
    assert_eq!(status(&a), ("Allergy recorded".to_string(), false));
    let p = patient(&mut a);
    let allergy = p.allergies.values().next().cloned();
    assert_eq!(
        allergy.map(|x| (x.substance, x.reaction, x.severity)),
        Some((
            "penicillin".into(),
            "rash".into(),
            AllergySeverity::Moderate
        ))
    );

    let had = patient(&mut a).medications.len();
    add_medication(&mut a, "ニトロペン", "発作時1錠");
    let p = patient(&mut a);
    let med = p
        .medications
        .values()
        .find(|m| m.drug_code.as_deref() == Some("2171018K1039"))
        .cloned();
    assert_eq!(med.map(|m| m.dose), Some("発作時1錠".to_string()));

    // M: one written by hand, not on the list.
    a.key(KeyCode::Char('M'));
    a.type_text("kampo from a pharmacy");
    a.key(KeyCode::Enter);
    assert_eq!(patient(&mut a).medications.len(), had + 2);

    a.key(KeyCode::Char('k'));
    assert_eq!(patient(&mut a).medications_confirmed_at, Some(a.state.now));

    // h: the form holds what is recorded (known, from the referral letter and the お薬手帳).
    // Known needs a source: with both sources off it is refused; with past records it is stored.
    a.key(KeyCode::Char('h'));
    a.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Char(' ')]);
    a.keys(&[
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Char(' '),
    ]);
    a.key(KeyCode::Enter);
    assert!(
        a.state.overlay.is_some(),
        "known without a source was accepted"
    );
    a.keys(&[KeyCode::Up; 4]);
    a.key(KeyCode::Char(' '));
    a.keys(&[KeyCode::Down; 6]);
    a.type_text(" angina");
    a.key(KeyCode::Enter);
    let p = patient(&mut a);
    assert!(p.history.known);
    assert_eq!(p.history.sources, [HistorySource::PastRecords]);
    assert!(
        p.history.summary.ends_with(" angina"),
        "{}",
        p.history.summary
    );

    a.key(KeyCode::Char('K'));
    assert!(patient(&mut a).kakaritsuke);

    a.key(KeyCode::Char('p'));
    a.type_text("清水 花");
    a.key(KeyCode::Down);
    a.type_text("妻");
    a.key(KeyCode::Enter);
    assert_eq!(
        patient(&mut a).proxy.map(|p| (p.name, p.relationship)),
        Some(("清水 花".to_string(), "妻".to_string()))
    );

    a.key(KeyCode::Char('i'));
    a.key(KeyCode::Char(' '));
    a.key(KeyCode::Enter);
    let p = patient(&mut a);
    let seen: Vec<_> = p
        .identity_checks
        .values()
        .filter(|c| c.method == VerificationMethod::OnVideo)
        .collect();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].checked_by, "dr-sato");

    // Enter edits the selected allergy, Del removes the selected medication.
    a.key(KeyCode::Enter);
    a.keys(&[
        KeyCode::Down,
        KeyCode::Backspace,
        KeyCode::Backspace,
        KeyCode::Backspace,
        KeyCode::Backspace,
    ]);
    a.type_text("hives");
    a.key(KeyCode::Enter);
    let p = patient(&mut a);
    assert_eq!(p.allergies.len(), 1);
    assert_eq!(
        p.allergies.values().next().map(|x| x.reaction.as_str()),
        Some("hives")
    );
    a.key(KeyCode::Down);
    a.key(KeyCode::Delete);
    // Del asks first, naming what goes; n keeps it, y removes it.
    let Some(Overlay::Confirm(Confirm::RemoveFact { what, .. })) = &a.state.overlay else {
        panic!("a confirm step: {:?}", a.state.overlay);
    };
    assert!(what.starts_with("medication:"), "{what}");
    a.key(KeyCode::Char('n'));
    assert_eq!(patient(&mut a).medications.len(), had + 2, "kept");
    a.key(KeyCode::Delete);
    a.key(KeyCode::Char('y'));
    assert_eq!(patient(&mut a).medications.len(), had + 1);

    let actions: Vec<String> = audited(&a)
        .into_iter()
        .filter(|(who, _)| who == "dr-sato")
        .map(|(_, what)| what)
        .collect();
    for action in [
        "patient.allergies",
        "patient.medications",
        "patient.medications.confirmed",
        "patient.history",
        "patient.kakaritsuke",
        "patient.proxy",
        "identity.check.on_video",
        "patient.medications.remove",
    ] {
        assert!(actions.iter().any(|x| x == action), "{action}: {actions:?}");
    }
}

#[test]
fn the_front_desk_is_told_it_may_not_and_a_nurse_may() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = signed_in(dir.path(), Lang::En, "fd-suzuki");
    open_chart(&mut a, FIRST_VISIT);
    let before = audited(&a);
    for key in ['g', 'm', 'k', 'h', 'K', 'p', 'i'] {
        a.key(KeyCode::Char(key));
        assert!(a.state.overlay.is_none(), "{key}");
        let (text, error) = status(&a);
        assert!(
            error && text.contains("Only a doctor or a nurse"),
            "{key}: {text}"
        );
    }
    assert_eq!(audited(&a), before);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = signed_in(dir.path(), Lang::En, "ns-ito");
    let search = a
        .state
        .queue
        .rows
        .iter()
        .any(|r| r.patient_id == FIRST_VISIT);
    if !search {
        // A nurse's board may not list the visit: open the chart by patient search.
        a.ctrl('f');
        a.type_text("p-0013");
        a.key(KeyCode::Enter);
    } else {
        open_chart(&mut a, FIRST_VISIT);
    }
    add_allergy(&mut a, "latex", "itching");
    assert!(audited(&a).contains(&("ns-ito".to_string(), "patient.allergies".to_string())));
    // Identity seen on video is the doctor's.
    a.key(KeyCode::Char('i'));
    assert!(a.state.overlay.is_none());
    assert!(status(&a).1);
}

#[test]
fn the_consultation_sees_the_recorded_facts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = signed_in(dir.path(), Lang::En, "dr-sato");
    open_chart(&mut a, FIRST_VISIT);
    add_medication(&mut a, "ニトロペン", "発作時1錠");
    a.key(KeyCode::Char('k'));
    a.key(KeyCode::Char('c'));
    assert_eq!(a.state.screen, Screen::Consult);
    a.key(KeyCode::Char('r'));
    a.type_text("バイアグラ錠25");
    a.key(KeyCode::Tab);
    a.type_text("1錠");
    a.key(KeyCode::Tab);
    a.type_text("4");
    a.key(KeyCode::Enter);
    let rules: Vec<&str> = a
        .state
        .consult
        .as_ref()
        .map(|c| c.findings.iter().map(|f| f.rule).collect())
        .unwrap_or_default();
    assert!(rules.contains(&"rx.pde5.contraindicated"), "{rules:?}");
    assert!(!rules.contains(&"rx.current_medications"), "{rules:?}");
}

#[test]
fn snapshots_of_the_facts_screens_and_forms() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut a = signed_in(dir.path(), lang, "dr-sato");
        open_chart(&mut a, FIRST_VISIT);
        a.key(KeyCode::Char('g'));
        a.type_text("ペニシリン");
        snaps(&a, "facts_form_allergy", tag);
        a.key(KeyCode::Down);
        a.type_text("アナフィラキシー");
        a.key(KeyCode::Down);
        a.keys(&[KeyCode::Char(' '); 3]);
        a.key(KeyCode::Enter);

        a.key(KeyCode::Char('m'));
        a.type_text("ニトロ");
        snaps(&a, "facts_drug_search_medication", tag);
        a.key(KeyCode::Tab);
        a.type_text("発作時1錠");
        a.key(KeyCode::Enter);

        a.key(KeyCode::Char('M'));
        a.type_text("市販の漢方薬");
        snaps(&a, "facts_form_medication_written", tag);
        a.key(KeyCode::Enter);
        a.key(KeyCode::Char('k'));

        a.key(KeyCode::Char('h'));
        a.keys(&[KeyCode::Down, KeyCode::Char(' ')]);
        snaps(&a, "facts_form_history", tag);
        a.key(KeyCode::Enter);

        a.key(KeyCode::Char('p'));
        a.type_text("清水 花");
        a.key(KeyCode::Down);
        a.type_text("妻");
        snaps(&a, "facts_form_proxy", tag);
        a.key(KeyCode::Enter);

        a.key(KeyCode::Char('i'));
        a.key(KeyCode::Char(' '));
        snaps(&a, "facts_form_identity_seen", tag);
        a.key(KeyCode::Enter);
        a.state.status = None;
        snaps(&a, "facts_overview", tag);

        a.key(KeyCode::Char('c'));
        assert_eq!(a.state.screen, Screen::Consult);
        snaps(&a, "facts_consult_header_allergies", tag);
        a.key(KeyCode::Char('r'));
        a.type_text("アレグラ");
        assert!(matches!(a.state.overlay, Some(Overlay::Drugs(_))));
        snaps(&a, "facts_prescribe_allergies", tag);

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut desk = signed_in(dir.path(), lang, "fd-suzuki");
        open_chart(&mut desk, FIRST_VISIT);
        desk.key(KeyCode::Char('g'));
        snaps(&desk, "facts_front_desk_refused", tag);
    }
}
