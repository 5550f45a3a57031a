//! The consultation screen: the pre-flight checklist and the rules' findings by clause, the
//! running timer, the SOAP note, and the prescription with its live findings; at D to P with N,
//! the nurse's record of the visit above the note and the doctor's orders to her with the
//! prescription.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::chart::patient_header;
use super::{drug_marks, fit, fit_line, hhmm, wrap};
use crate::domain::{SessionChecks, VisitKind};
use crate::rules::Severity;
use crate::tui::i18n::Lang;
use crate::tui::state::{AppState, ConsultFocus, ConsultState, SoapNote, visit_label};
use crate::tui::theme::{Role, style};

/// The screen height (rows for the consultation) from which the room link has its own row.
const ROOM_ROW_FROM: u16 = 26;

/// A bordered pane of `area`, its title cut to fit between the corners.
fn pane(title: String, focused: bool, area: Rect) -> Block<'static> {
    let b = Block::default()
        .borders(Borders::ALL)
        .title(fit(&title, area.width.saturating_sub(2) as usize));
    if focused {
        b.border_style(style(Role::Guidance))
    } else {
        b
    }
}

fn timer(state: &AppState, c: &ConsultState) -> String {
    let l = state.lang;
    match (c.encounter.started_at, c.encounter.ended_at) {
        (None, _) => l.tr("未開始", "not started").to_string(),
        (Some(start), end) => {
            let secs = (end.unwrap_or(state.now) - start).whole_seconds().max(0);
            let state_label = if end.is_some() {
                l.tr("終了", "ended")
            } else {
                l.tr("診察中", "in session")
            };
            format!(
                "{} {} {:02}:{:02}",
                hhmm(start),
                state_label,
                secs / 60,
                secs % 60
            )
        }
    }
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(c) = &state.consult else { return };
    let l = state.lang;
    // A patient's allergies stay in sight above everything the doctor does.
    let allergies = super::chart::allergy_line(l, &c.patient);
    let room = c
        .encounter
        .video_room
        .as_ref()
        .map(|room| crate::video::link(&state.video_command, room));
    // The room link has a row of its own where the screen is tall enough; on a small terminal
    // it shares the complaint's row (last, so it is what a narrow screen cuts; `y` copies it
    // whole) and the checklist keeps its height.
    let own_row = room.is_some() && area.height >= ROOM_ROW_FROM;
    let [
        header,
        allergy_area,
        complaint_area,
        setting_area,
        room_area,
        body,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(allergies.is_some())),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(own_row)),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(setting(l, c, setting_area.width as usize)),
        setting_area,
    );
    let mut line = complaint(l, c);
    if let Some(link) = room {
        let label = Span::styled(
            format!("{} (y): ", l.tr("ビデオ室", "room")),
            style(Role::Title),
        );
        if own_row {
            let room_line = Line::from(vec![Span::raw(" "), label, Span::raw(link)]);
            let room_line = fit_line(room_line, room_area.width as usize);
            frame.render_widget(Paragraph::new(room_line), room_area);
        } else {
            line.spans.push(Span::raw(" │ "));
            line.spans.push(label);
            line.spans.push(Span::raw(link));
        }
    }
    let line = fit_line(line, complaint_area.width as usize);
    frame.render_widget(Paragraph::new(line), complaint_area);
    if let Some(line) = allergies {
        let line = fit_line(line, allergy_area.width as usize);
        frame.render_widget(Paragraph::new(line), allergy_area);
    }
    // Visit kind and timer first: on a narrow terminal the patient's details give way, not the clock.
    let mut head = Line::from(Span::styled(
        format!(
            " {} · {} │",
            visit_label(l, c.encounter.kind.as_str()),
            timer(state, c)
        ),
        style(Role::Guidance),
    ));
    head.spans.extend(patient_header(state, &c.patient).spans);
    let head = fit_line(head, header.width as usize);
    frame.render_widget(Paragraph::new(head), header);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    checklist(state, c, frame, left);
    // At D to P with N the nurse's record comes first: it is what the doctor was called for.
    let [note, rx] = if c.encounter.kind == VisitKind::DToPWithN {
        let rest = nurse_record(state, c, frame, right);
        // The note keeps its four parts in sight; the prescription and orders take the rest.
        let note = (rest.height * 6 / 10).max(6).min(rest.height);
        Layout::vertical([Constraint::Length(note), Constraint::Min(0)]).areas(rest)
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right)
    };
    soap(l, c, frame, note);
    prescriptions(state, c, frame, rx);
}

/// The nurse's record of the visit (hers, read-only here), at the top of `area` and at most
/// 45 % of it; returns what is left below.
fn nurse_record(state: &AppState, c: &ConsultState, frame: &mut Frame, area: Rect) -> Rect {
    let l = state.lang;
    let width = area.width.saturating_sub(2) as usize;
    let nurse = c
        .encounter
        .nurse
        .as_deref()
        .map(|n| super::home_care::staff_name(state, n));
    let record = c
        .encounter
        .nursing_visit
        .as_ref()
        .and_then(|id| c.patient.nursing_visits.get(id));
    let lines = match (record, &nurse) {
        (Some(visit), _) => {
            super::home_care::nurse_record_lines(state, &c.patient, visit, c.day, width)
        }
        (None, Some(_)) => vec![Line::styled(
            fit(
                l.tr(" 看護記録はまだありません", " no record of the visit yet"),
                width,
            ),
            style(Role::Muted),
        )],
        (None, None) => vec![Line::styled(
            fit(
                l.tr(
                    " 看護師の同席が記録されていません",
                    " no nurse recorded at the patient's side",
                ),
                width,
            ),
            style(Role::Warning),
        )],
    };
    let height = (lines.len() as u16 + 2).min(area.height * 45 / 100);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    let times = record.map(|v| format!(" · {}", super::home_care::visit_times(l, v)));
    let title = match nurse {
        Some(name) => format!(
            " {} {name}{} ",
            l.tr("看護記録", "Nurse's record:"),
            times.unwrap_or_default()
        ),
        None => format!(" {} ", l.tr("看護記録", "Nurse's record")),
    };
    frame.render_widget(Paragraph::new(lines).block(pane(title, false, top)), top);
    rest
}

/// Where the doctor is and who else is present (指針 V.2(1), V.1(6)②ⅳ), with the keys that
/// record them; someone present without the patient's consent stands out.
fn setting(l: Lang, c: &ConsultState, width: usize) -> Line<'static> {
    let e = &c.encounter;
    let place = match &e.doctor_location {
        None => l.tr("院内 (既定)", "in the clinic (default)").to_string(),
        Some(p) if p.in_clinic => l.tr("院内", "in the clinic").to_string(),
        Some(p) => format!("{}: {}", l.tr("院外", "outside"), p.description),
    };
    let people: Vec<String> = e
        .attendees
        .values()
        .map(|a| {
            let consent = if a.patient_consented {
                l.tr("同意あり", "consented")
            } else {
                l.tr("同意未記録", "consent not recorded")
            };
            format!("{} ({}) {consent}", a.name, a.role)
        })
        .collect();
    let people = if people.is_empty() {
        l.tr("なし", "none recorded").to_string()
    } else {
        people.join(l.tr("、", ", "))
    };
    let text = format!(
        " {} (l): {place} · {} (w): {people}",
        l.tr("医師の所在", "Doctor's place"),
        l.tr("同席者", "Others present")
    );
    let role = if e.attendees.values().any(|a| !a.patient_consented) {
        Role::Warning
    } else {
        Role::Muted
    };
    Line::styled(fit(&text, width), style(role))
}

/// The chief complaint, first of what the doctor writes, with the key that writes it.
fn complaint(l: Lang, c: &ConsultState) -> Line<'static> {
    let label = Span::styled(
        format!(" {}: ", l.tr("主訴", "Complaint")),
        style(Role::Title),
    );
    let text = c.encounter.chief_complaint.trim();
    if text.is_empty() {
        Line::from(vec![
            label,
            Span::styled(
                l.tr("未記入 (k で記入)", "not written (k to write)"),
                style(Role::Muted),
            ),
        ])
    } else {
        Line::from(vec![label, Span::raw(text.replace('\n', " "))])
    }
}

fn checklist(state: &AppState, c: &ConsultState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let focused = c.focus == ConsultFocus::Checklist;
    let width = area.width.saturating_sub(2) as usize;
    // Every selectable item with its lines, so the selected one can be kept in view.
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_span = (0, 0);
    let mut push_item =
        |lines: &mut Vec<Line>, index: Option<usize>, text: String, indent: usize, role: Role| {
            let start = lines.len();
            let selected = focused && index == Some(c.selected);
            for line in wrap(&text, width, indent) {
                lines.push(Line::styled(
                    line,
                    style(if selected { Role::Selected } else { role }),
                ));
            }
            if selected {
                selected_span = (start, lines.len());
            }
        };
    for i in 0..SessionChecks::COUNT {
        let text = format!(
            " [{}] {}",
            if c.encounter.checks.get(i) { "x" } else { " " },
            {
                let item = SessionChecks::item(i);
                l.tr(item.ja, item.en)
            }
        );
        let role = if c.encounter.checks.get(i) {
            Role::Ok
        } else {
            Role::Normal
        };
        push_item(&mut lines, Some(i), text, 5, role);
    }
    let blocks = c.findings.iter().filter(|f| f.is_block()).count();
    let open = c
        .findings
        .iter()
        .filter(|f| f.is_open_block(&c.encounter))
        .count();
    let summary = format!(
        " {} {} · {} {} · {} {}",
        l.tr("未解決ブロック", "open blocks"),
        open,
        l.tr("解除済", "overridden"),
        blocks - open,
        l.tr("指摘", "findings"),
        c.findings.len()
    );
    push_item(&mut lines, None, summary, 1, Role::Title);
    for (i, f) in c.findings.iter().enumerate() {
        let overridden = f.is_block() && f.override_on(&c.encounter).is_some();
        let (mark, role) = match f.severity {
            _ if overridden => (l.tr("解除", "OVR"), Role::Muted),
            Severity::Block => (l.tr("禁止", "BLK"), Role::Danger),
            Severity::Warn => (l.tr("注意", "WRN"), Role::Warning),
            Severity::Info => (l.tr("情報", "INF"), Role::Muted),
        };
        let message = match l {
            Lang::Ja => &f.message_ja,
            Lang::En => &f.message_en,
        };
        push_item(
            &mut lines,
            Some(SessionChecks::COUNT + i),
            format!(" {mark} {} {}", f.clause, message),
            5,
            role,
        );
    }
    let inner = area.height.saturating_sub(2) as usize;
    let (start, end) = selected_span;
    let scroll = if end > inner {
        (end - inner).min(start)
    } else {
        0
    };
    let title = format!(
        " {} ",
        l.tr(
            "事前確認と指針チェック",
            "Pre-flight checklist and guideline findings"
        )
    );
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(pane(title, focused, area)),
        area,
    );
}

fn soap(l: Lang, c: &ConsultState, frame: &mut Frame, area: Rect) {
    let focused = c.focus == ConsultFocus::Note;
    let mut lines = Vec::new();
    for (i, tag) in SoapNote::TAGS.iter().enumerate() {
        let active = focused && c.note_field == i;
        let editor = c.note.part(i);
        for (row, text) in editor.lines().iter().enumerate() {
            let prefix = if row == 0 {
                format!("{tag}: ")
            } else {
                "   ".into()
            };
            let mut spans = vec![Span::styled(
                prefix,
                style(if active { Role::Key } else { Role::Title }),
            )];
            if active && c.editing_note && editor.cursor().0 == row {
                let col = editor.cursor().1;
                let before: String = text.chars().take(col).collect();
                let after: String = text.chars().skip(col).collect();
                spans.push(Span::raw(before));
                spans.push(Span::styled("▏", style(Role::Guidance)));
                spans.push(Span::raw(after));
            } else {
                spans.push(Span::raw(text.clone()));
            }
            lines.push(Line::from(spans));
        }
    }
    // What was added after the signature, below the note as signed.
    for a in c.encounter.addenda.values() {
        lines.push(Line::styled(
            format!(
                "{} {} {}: {}",
                l.tr("追記", "Addendum"),
                hhmm(a.written_at),
                a.author,
                a.reason
            ),
            style(Role::Title),
        ));
        lines.push(Line::raw(format!("   {}", a.text)));
    }
    let title = if c.encounter.signed_at.is_some() {
        format!(
            " {} ",
            l.tr("SOAP 署名済 (e: 追記)", "SOAP note — signed (e: addendum)")
        )
    } else if c.editing_note {
        format!(
            " {} ",
            l.tr(
                "SOAP 記載中 (Tab: 次の欄 Esc: 保存)",
                "SOAP note — editing (Tab: next field, Esc: save)"
            )
        )
    } else {
        format!(" {} ", l.tr("SOAP", "SOAP note"))
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane(title, focused, area)),
        area,
    );
}

fn prescriptions(state: &AppState, c: &ConsultState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let focused = c.focus == ConsultFocus::Prescriptions;
    let dpn = c.encounter.kind == VisitKind::DToPWithN;
    let mut lines = Vec::new();
    for (i, rx) in c.encounter.prescriptions.values().enumerate() {
        let info = c.drugs.iter().find(|d| d.code == rx.drug_code);
        let marks = info.map(|d| drug_marks(l, d)).unwrap_or_default();
        let text = format!(
            " {} {} {}{} {}",
            rx.drug_name,
            rx.dose,
            rx.days,
            l.tr("日分", " days"),
            marks.join(" ")
        );
        let role = if focused && c.rx_selected == i {
            Role::Selected
        } else {
            Role::Normal
        };
        lines.push(Line::styled(text, style(role)));
        for f in c.findings.iter().filter(|f| {
            f.rule.starts_with("rx.")
                && (f.message_ja.contains(&rx.drug_name)
                    || f.message_en.contains(&rx.drug_code)
                    || f.message_ja.contains(&rx.drug_code))
        }) {
            let role = if f.severity == Severity::Block {
                Role::Danger
            } else {
                Role::Warning
            };
            lines.push(Line::styled(
                format!("   {} {}", f.rule, f.clause),
                style(role),
            ));
        }
    }
    if lines.is_empty() {
        let none = if dpn {
            l.tr(
                " 処方なし (r) · 指示 (d)",
                " no prescription (r) · orders (d)",
            )
        } else {
            l.tr(" 処方なし (r で追加)", " no prescription (r to add)")
        };
        lines.push(Line::styled(none, style(Role::Muted)));
    }
    // The doctor's orders to the nurse, below what is prescribed.
    for (text, role) in super::home_care::order_lines(state, &c.encounter, " ", false) {
        lines.push(Line::styled(text, style(role)));
    }
    let title = if dpn {
        l.tr("処方・看護師への指示", "Prescription and orders")
    } else {
        l.tr("処方", "Prescription")
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(pane(
            format!(" {title} "),
            focused,
            area,
        )),
        area,
    );
}
