//! Snapshots of every screen and overlay of the workstation, in Japanese and in English, rendered
//! through ratatui's `TestBackend` over a real temporary store seeded with the demo clinic.
//! Volatile text (audit timestamps, random ids and room names) is filtered before comparison.
//! At 80×24 the queue board and the consultation are also checked in code: no line is wider than
//! the terminal and the patients' Japanese names come through whole. The consultation with the
//! longest findings list is checked at 80×24 and 100×30: each finding whole on the screen when
//! selected, and every key of the screen on a page of the hint bar.

mod common;

use common::app::App;
use enkaku::domain::{Role, SessionChecks};
use enkaku::tui::i18n::Lang;
use enkaku::tui::keymap::Mode;
use enkaku::tui::keymap::hints::{hint_entries, hint_parts};
use enkaku::tui::state::{ConsultFocus, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

const W: u16 = 100;
const H: u16 = 30;
const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];

/// 山田 太郎: かかりつけ, history known, with consents, a care plan and encounters; first in the
/// demo queue.
const REGULAR: &str = "p-0001";
/// 清水 大輔: first online visit, no consent or care plan yet; last in the demo queue.
const FIRST_VISIT: &str = "p-0013";

/// A harmless video command: `true` ignores its arguments.
const VIDEO: &str = "true https://meet.example/{room}";

fn snap(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            // Video rooms and record ids are random (a small screen may cut the room's name).
            (r"enkaku-[0-9a-f]{1,32}", "[room]"),
            (r"\b(en|rx|cs|cp|ic|ov|nt)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The chart's History tab: the audit log's times are the wall clock of each write.
fn snap_history(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "[audit time]"),
            (r"\b(en|rx|cs|cp|ic|ov|nt)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn app(dir: &std::path::Path, lang: Lang) -> App {
    App::new(dir, lang, VIDEO)
}

fn doctor(dir: &std::path::Path, lang: Lang) -> App {
    let mut a = app(dir, lang);
    a.sign_in("dr-sato");
    a
}

/// Opens the chart of `patient` from the queue with Enter.
fn open_chart(a: &mut App, patient: &str) {
    a.select_visit(patient);
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Chart);
}

/// Opens the consultation of `patient` from the queue with `c` (the second `c` does nothing there).
fn open_consult(a: &mut App, patient: &str) {
    a.select_visit(patient);
    a.key(KeyCode::Char('c'));
    a.key(KeyCode::Char('c'));
    assert_eq!(a.state.screen, Screen::Consult);
}

fn confirm_checks(a: &mut App, upto: usize) {
    for i in 0..upto {
        a.state.consult.as_mut().unwrap().selected = i;
        a.key(KeyCode::Char(' '));
    }
}

/// Records consent and an agreed care plan from the consultation, as in the journey test.
fn consent_and_care_plan(a: &mut App) {
    a.key(KeyCode::Char('a'));
    for _ in 0..7 {
        a.key(KeyCode::Char(' '));
        a.key(KeyCode::Down);
    }
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('n'));
    for text in [
        "花粉症の薬物療法",
        "3か月ごとに対面診療",
        "予約制 平日9-17時",
        "Enkaku Video",
        "症状増悪時・通信障害時は対面",
        "症状を正確に伝える",
        "急変時は救急要請",
    ] {
        a.type_text(text);
        a.key(KeyCode::Down);
    }
    a.key(KeyCode::Char(' '));
    a.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Down]);
    a.type_text("医療情報は暗号化して院内で管理");
    a.key(KeyCode::Down);
    a.key(KeyCode::Char(' '));
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
}

/// Drives the first-visit consultation to just before signing: every check, consent, care plan,
/// video started, a prescription, a SOAP note, the session ended.
fn consult_ready_to_sign(a: &mut App) {
    open_consult(a, FIRST_VISIT);
    confirm_checks(a, SessionChecks::COUNT);
    consent_and_care_plan(a);
    a.key(KeyCode::Char('v'));
    assert!(
        a.state
            .consult
            .as_ref()
            .unwrap()
            .encounter
            .started_at
            .is_some(),
        "{:?}",
        a.state.status
    );
    a.key(KeyCode::Char('r'));
    a.type_text("フェキソフェナジン");
    a.key(KeyCode::Tab);
    a.type_text("1回1錠 1日2回");
    a.key(KeyCode::Tab);
    a.type_text("7");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('e'));
    a.type_text("くしゃみと鼻汁が続く");
    a.key(KeyCode::Tab);
    a.type_text("映像上、鼻閉感あり");
    a.key(KeyCode::Tab);
    a.type_text("アレルギー性鼻炎");
    a.key(KeyCode::Tab);
    a.type_text("抗ヒスタミン薬7日分、増悪時は対面受診");
    a.key(KeyCode::Esc);
}

#[test]
fn sign_in() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = app(dir.path(), lang);
        snap(&format!("sign_in_{tag}"), &a.render(W, H));
        // A wrong PIN is refused on the sign-in screen itself.
        a.key(KeyCode::Down);
        a.type_text("9999");
        a.key(KeyCode::Enter);
        assert!(a.state.user.is_none());
        snap(&format!("sign_in_wrong_pin_{tag}"), &a.render(W, H));
    }
}

#[test]
fn queue_board() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        assert_eq!(a.state.queue.rows.len(), 15);
        snap(&format!("queue_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('f'));
        assert!(a.state.queue.filter.is_some());
        snap(&format!("queue_filter_reserved_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('f'));
        snap(&format!("queue_filter_checked_in_{tag}"), &a.render(W, H));
        // The next day has no queue.
        a.key(KeyCode::Char('f'));
        a.keys(&[KeyCode::Char('f'); 5]);
        assert!(a.state.queue.filter.is_none());
        a.key(KeyCode::Right);
        snap(&format!("queue_next_day_empty_{tag}"), &a.render(W, H));
    }
}

#[test]
fn chart_tabs() {
    let tabs = [
        "overview",
        "identity",
        "consents",
        "care_plans",
        "encounters",
        "history",
    ];
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        open_chart(&mut a, REGULAR);
        for (i, name) in tabs.iter().enumerate() {
            if i > 0 {
                a.key(KeyCode::Tab);
            }
            let screen = a.render(W, H);
            if *name == "history" {
                snap_history(&format!("chart_{name}_{tag}"), &screen);
            } else {
                snap(&format!("chart_{name}_{tag}"), &screen);
            }
        }
        // Shift-Tab goes back round to the encounters.
        a.key(KeyCode::BackTab);
        a.key(KeyCode::Down);
        snap(&format!("chart_encounters_second_{tag}"), &a.render(W, H));
        // The first-visit patient's chart, where nothing is recorded yet.
        a.key(KeyCode::Esc);
        open_chart(&mut a, FIRST_VISIT);
        snap(
            &format!("chart_first_visit_overview_{tag}"),
            &a.render(W, H),
        );
        a.keys(&[KeyCode::Tab, KeyCode::Tab]);
        snap(
            &format!("chart_first_visit_consents_{tag}"),
            &a.render(W, H),
        );
    }
}

#[test]
fn consultation() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        open_consult(&mut a, FIRST_VISIT);
        snap(&format!("consult_start_{tag}"), &a.render(W, H));
        confirm_checks(&mut a, 4);
        snap(&format!("consult_some_checks_{tag}"), &a.render(W, H));
        // Start video is refused while blocks stand: the status line says why.
        a.key(KeyCode::Char('v'));
        assert!(a.state.status.as_ref().unwrap().error);
        snap(&format!("consult_status_error_{tag}"), &a.render(W, H));
        // The findings, scrolled into view with the selection.
        a.state.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
        a.keys(&[KeyCode::Down; 6]);
        snap(&format!("consult_findings_scrolled_{tag}"), &a.render(W, H));
    }
}

#[test]
fn consultation_under_way_and_signing() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        consult_ready_to_sign(&mut a);
        snap(&format!("consult_in_session_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('e'));
        snap(&format!("consult_editing_note_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('z'));
        assert!(matches!(a.state.overlay, Some(Overlay::Form(_))));
        snap(&format!("form_end_session_{tag}"), &a.render(W, H));
        a.key(KeyCode::Enter);
        snap(&format!("consult_ended_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('s'));
        assert!(
            matches!(a.state.overlay, Some(Overlay::Confirm(_))),
            "{:?}",
            a.state.status
        );
        snap(&format!("confirm_sign_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('y'));
        assert_eq!(a.state.screen, Screen::Chart);
        snap(&format!("signed_back_to_chart_{tag}"), &a.render(W, H));
        // The chart now shows the signed encounter and, in History, every step audited.
        a.keys(&[KeyCode::Tab; 4]);
        snap(
            &format!("chart_encounters_after_signing_{tag}"),
            &a.render(W, H),
        );
        a.key(KeyCode::Tab);
        snap_history(
            &format!("chart_history_after_signing_{tag}"),
            &a.render(W, H),
        );
    }
}

#[test]
fn overlays() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);

        a.key(KeyCode::F(1));
        snap(&format!("help_queue_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);

        a.ctrl('f');
        a.type_text("やまだ");
        snap(&format!("search_yamada_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);

        a.select_visit(FIRST_VISIT);
        a.key(KeyCode::Char('i'));
        a.keys(&[KeyCode::Down, KeyCode::Char(' ')]);
        snap(&format!("form_check_in_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);

        a.key(KeyCode::Char('d'));
        snap(&format!("form_assign_doctor_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);

        open_chart(&mut a, REGULAR);
        a.key(KeyCode::F(1));
        snap(&format!("help_chart_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('n'));
        snap(&format!("form_care_plan_existing_{tag}"), &a.render(W, H));
        // The last text field (9, security responsibility) selected.
        a.keys(&[KeyCode::Down; 10]);
        snap(
            &format!("form_care_plan_existing_field_9_{tag}"),
            &a.render(W, H),
        );
        a.key(KeyCode::Esc);
        a.key(KeyCode::Esc);

        open_consult(&mut a, FIRST_VISIT);
        a.key(KeyCode::F(1));
        snap(&format!("help_consult_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('a'));
        a.keys(&[KeyCode::Char(' '), KeyCode::Down, KeyCode::Char(' ')]);
        snap(&format!("form_consent_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('n'));
        a.type_text("花粉症の薬物療法");
        snap(&format!("form_care_plan_new_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('r'));
        a.type_text("ゾルピデム");
        assert!(matches!(&a.state.overlay, Some(Overlay::Drugs(s)) if !s.results.is_empty()));
        snap(&format!("drug_search_zolpidem_{tag}"), &a.render(W, H));
        // Enter without days: the overlay says what is missing.
        a.key(KeyCode::Enter);
        snap(&format!("drug_search_error_{tag}"), &a.render(W, H));
        a.key(KeyCode::Esc);

        // Override: select the first block, give a reason, reach the confirm step.
        let c = a.state.consult.as_mut().unwrap();
        c.selected = SessionChecks::COUNT;
        a.key(KeyCode::Char('o'));
        snap(&format!("form_override_{tag}"), &a.render(W, H));
        a.type_text("短い");
        a.key(KeyCode::Enter);
        snap(
            &format!("form_override_short_reason_{tag}"),
            &a.render(W, H),
        );
        a.type_text("理由を記載します");
        a.key(KeyCode::Enter);
        assert!(matches!(a.state.overlay, Some(Overlay::Confirm(_))));
        snap(&format!("confirm_override_{tag}"), &a.render(W, H));
        a.key(KeyCode::Char('n'));
    }
}

#[test]
fn front_desk_status_error() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = app(dir.path(), lang);
        a.sign_in("fd-suzuki");
        a.select_visit(FIRST_VISIT);
        a.key(KeyCode::Char('c'));
        assert!(a.state.status.as_ref().unwrap().error);
        snap(&format!("front_desk_cannot_consult_{tag}"), &a.render(W, H));
    }
}

/// Every line of `screen` fits in `width` columns, counting wide characters as two.
fn assert_fits(screen: &str, width: usize) {
    for (i, line) in screen.lines().enumerate() {
        assert!(
            line.width() <= width,
            "line {i} is {} columns wide: {line:?}",
            line.width()
        );
    }
}

#[test]
fn small_terminal_80x24() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        let screen = a.render(80, 24);
        assert_fits(&screen, 80);
        assert_eq!(screen.lines().count(), 24);
        // Every visit that fits on the board shows its name whole (24 rows: title, border,
        // header, 17 rows, border, status, hints).
        let shown = &a.state.queue.visible()[..17.min(a.state.queue.visible().len())];
        for row in shown {
            assert!(
                screen.contains(&row.name_kanji),
                "{tag}: {} cut on the 80x24 queue board:\n{screen}",
                row.name_kanji
            );
        }
        snap(&format!("queue_80x24_{tag}"), &screen);

        open_consult(&mut a, FIRST_VISIT);
        confirm_checks(&mut a, 4);
        let screen = a.render(80, 24);
        assert_fits(&screen, 80);
        let name = a
            .state
            .consult
            .as_ref()
            .unwrap()
            .patient
            .demographics
            .name_kanji
            .clone();
        assert!(
            screen.lines().nth(1).unwrap().contains(&name),
            "{tag}: {name} cut in the consultation header:\n{screen}"
        );
        snap(&format!("consult_80x24_{tag}"), &screen);

        consent_and_care_plan(&mut a);
        confirm_checks(&mut a, SessionChecks::COUNT);
        a.key(KeyCode::Char('e'));
        a.type_text("くしゃみと鼻汁が続く。夜間に増悪し、眠れないことがある");
        a.key(KeyCode::Esc);
        let screen = a.render(80, 24);
        assert_fits(&screen, 80);
        assert!(
            screen.contains("くしゃみと鼻汁が続く"),
            "{tag}: the note is not shown whole:\n{screen}"
        );
        snap(&format!("consult_note_80x24_{tag}"), &screen);
    }
}

/// 前田 雄一: a first online visit whose history is unknown, no consent or care plan, who asks
/// for マイスリー on the booking form.
const UNKNOWN_HISTORY: &str = "p-0018";

/// His consultation with nothing ticked, prescribed a psychotropic, a narcotic and an everyday
/// drug, all for weeks: the longest findings list the demo gives. Returns how many it holds.
fn consult_with_many_findings(a: &mut App) -> usize {
    open_consult(a, UNKNOWN_HISTORY);
    for (drug, dose, days) in [
        ("ゾルピデム", "1回1錠 就寝前", "30"),
        ("オキシコドン", "1回1錠 1日2回", "30"),
        ("アムロジピン", "1回1錠 1日1回", "90"),
    ] {
        a.key(KeyCode::Char('r'));
        a.type_text(drug);
        a.key(KeyCode::Tab);
        a.type_text(dose);
        a.key(KeyCode::Tab);
        a.type_text(days);
        a.key(KeyCode::Enter);
        assert!(a.state.overlay.is_none(), "{drug}: {:?}", a.state.overlay);
    }
    let c = a.state.consult.as_ref().unwrap();
    assert_eq!(c.encounter.prescriptions.len(), 3);
    c.findings.len()
}

/// The text of the left pane (the checklist and the findings) of a consultation screen, its
/// lines joined and every space taken out, so that a wrapped finding reads as one string.
fn checklist_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|line| line.strip_prefix('│'))
        .map(|rest| rest.split('│').next().unwrap_or(""))
        .collect::<String>()
        .replace([' ', '　'], "")
}

/// The hint bar: the screen's last line.
fn hint_line(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_string()
}

#[test]
fn consultation_with_at_least_25_findings_at_80x24_and_100x30() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = doctor(dir.path(), lang);
        let count = consult_with_many_findings(&mut a);
        assert!(count >= 25, "{tag}: only {count} findings");
        // The findings pane: the checklist's pane, where the findings follow the items.
        while a.state.consult.as_ref().unwrap().focus != ConsultFocus::Checklist {
            a.key(KeyCode::Tab);
        }
        let findings = a.state.consult.as_ref().unwrap().findings.clone();
        for (w, h) in [(80u16, 24u16), (100, 30)] {
            let size = format!("{w}x{h}");
            // The help and back: another mode in between, so the bar starts at its first page.
            a.key(KeyCode::F(1));
            a.key(KeyCode::Esc);
            assert_eq!(a.state.hint_page, 0);
            a.state.consult.as_mut().unwrap().selected = SessionChecks::COUNT;
            // Each finding, selected in turn, is on the screen whole in its language.
            for (i, f) in findings.iter().enumerate() {
                if i > 0 {
                    a.key(KeyCode::Down);
                }
                assert_eq!(
                    a.state.consult.as_ref().unwrap().selected,
                    SessionChecks::COUNT + i
                );
                let screen = a.render(w, h);
                assert_fits(&screen, w as usize);
                let message = match lang {
                    Lang::Ja => &f.message_ja,
                    Lang::En => &f.message_en,
                };
                assert!(
                    checklist_text(&screen).contains(&message.replace([' ', '　'], "")),
                    "{tag} {size}: finding {i} ({}) not whole on screen:\n{screen}",
                    f.rule
                );
                if i == 0 {
                    snap(&format!("consult_findings_first_{size}_{tag}"), &screen);
                }
            }
            let screen = a.render(w, h);
            snap(&format!("consult_findings_last_{size}_{tag}"), &screen);

            // The hint bar's pages, F2 after F2, until it is back at the first.
            let first = hint_line(&screen);
            let mut pages = vec![first.clone()];
            loop {
                a.key(KeyCode::F(2));
                let screen = a.render(w, h);
                assert_fits(&screen, w as usize);
                let line = hint_line(&screen);
                if line == first {
                    break;
                }
                assert!(pages.len() < 10, "{tag} {size}: the bar never comes back");
                pages.push(line);
                snap(
                    &format!("consult_findings_hints_{}_{size}_{tag}", pages.len()),
                    &screen,
                );
            }
            assert!(pages.len() > 1, "{tag} {size}: every key on one page?");
            let more = lang.tr("他のキー", "more keys");
            for (i, page) in pages.iter().enumerate() {
                let count = format!("F2 {more} ({}/{})", i + 1, pages.len());
                assert!(page.ends_with(&count), "{tag} {size}: {page:?}");
            }
            // Every key of the consultation is on a page, as the keymap prints it.
            let all = pages.concat();
            for b in hint_entries(Mode::Consult, Some(Role::Doctor)) {
                let (key, text) = hint_parts(b, lang);
                let hint = format!("{key}{}", text.trim_end());
                assert!(all.contains(&hint), "{tag} {size}: {hint:?} not on the bar");
            }
        }
    }
}
