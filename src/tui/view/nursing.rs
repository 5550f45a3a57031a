//! The nurse's screens: the team's visits of the day in route order with what she needs at the
//! door (address, phone, allergies, current medications, the doctor's instructions, the care
//! plan), and her record of one visit with the values past the doctor's limits flagged.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{fit, hhmm, wrap};
use crate::domain::{NursingInstructions, NursingVisit, Patient, Vital, format_date};
use crate::tui::i18n::Lang;
use crate::tui::state::{AppState, TeamVisit, status_label, visit_label};
use crate::tui::theme::{Role, style};

fn boxed(title: String) -> Block<'static> {
    Block::default().borders(Borders::ALL).title(title)
}

/// Where the visit stands, as the list shows it.
fn progress(l: Lang, v: &TeamVisit) -> (String, Role) {
    if v.entry.consult_request.is_some() && v.room().is_none() {
        return (l.tr("医師に依頼中", "doctor asked").into(), Role::Warning);
    }
    match v.record() {
        Some(r) if r.left_at.is_some() => (l.tr("記録済", "recorded").into(), Role::Ok),
        Some(r) if r.arrived_at.is_some() => (
            format!(
                "{} {}",
                l.tr("到着", "arrived"),
                r.arrived_at.map(hhmm).unwrap_or_default()
            ),
            Role::Guidance,
        ),
        _ => (
            status_label(l, v.entry.status.as_str()).to_string(),
            Role::Normal,
        ),
    }
}

pub fn render_list(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let n = &state.nursing;
    let team = state
        .user
        .as_ref()
        .and_then(|u| u.care_team.as_ref())
        .map(|t| {
            state
                .clinic
                .as_ref()
                .and_then(|c| c.care_teams.get(t))
                .map(|c| c.name.clone())
                .unwrap_or_else(|| t.clone())
        })
        .unwrap_or_default();
    let day = n.day.map(format_date).unwrap_or_default();
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let width = list.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if n.visits.is_empty() {
        lines.push(Line::styled(
            l.tr(
                " この日のチームの訪問はありません (←→ で日を変更)",
                " No visits for the team on this day (←→ changes the day)",
            ),
            style(Role::Muted),
        ));
    }
    for (i, v) in n.visits.iter().enumerate() {
        let (said, role) = progress(l, v);
        let d = &v.patient.demographics;
        let text = format!(
            " {:>2} {} {} {} {}",
            i + 1,
            v.entry.time,
            d.name_kanji,
            visit_label(l, v.entry.visit.as_str()),
            said
        );
        let role = if i == n.selected {
            Role::Selected
        } else {
            role
        };
        lines.push(Line::styled(fit(&text, width), style(role)));
    }
    let title = format!(
        " {day} {team} — {} {} ",
        l.tr("訪問", "visits"),
        n.visits.len()
    );
    frame.render_widget(Paragraph::new(lines).block(boxed(fit(&title, width))), list);
    let Some(v) = n.current() else {
        frame.render_widget(Paragraph::new("").block(boxed(String::new())), detail);
        return;
    };
    let width = detail.width.saturating_sub(2) as usize;
    let day = n.day.unwrap_or(state.today);
    let lines = at_the_door(l, &v.patient, v.patient.instructions_on(day), width);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(fit(
            &format!(" {} ", v.patient.demographics.name_kanji),
            width,
        ))),
        detail,
    );
}

/// What the nurse needs before she rings the bell.
fn at_the_door(
    l: Lang,
    p: &Patient,
    instructions: Option<&NursingInstructions>,
    width: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut push = |text: String, role: Role| {
        for line in wrap(&text, width, 3) {
            lines.push(Line::styled(line, style(role)));
        }
    };
    let d = &p.demographics;
    push(format!(" {} · {}", d.address, d.phone), Role::Normal);
    if let Some(line) = super::chart::allergy_line(l, p) {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        push(text, Role::Danger);
    }
    let meds: Vec<String> = p
        .medications_in_order()
        .into_iter()
        .map(|(_, m)| m.name.clone())
        .collect();
    push(
        format!(
            " {}: {}",
            l.tr("服用中", "Medications"),
            if meds.is_empty() {
                l.tr("記録なし", "none recorded").to_string()
            } else {
                meds.join(l.tr("、", ", "))
            }
        ),
        Role::Normal,
    );
    match instructions {
        None => push(
            format!(
                " {}: {}",
                l.tr("指示書", "Instructions"),
                l.tr("有効なものなし", "none in force")
            ),
            Role::Warning,
        ),
        Some(i) => {
            push(
                format!(
                    " {} ({} – {}): {}",
                    l.tr("指示書", "Instructions"),
                    format_date(i.valid_from),
                    format_date(i.valid_to),
                    i.observe
                ),
                Role::Guidance,
            );
            if !i.report.is_empty() {
                push(
                    format!(" {}: {}", l.tr("報告", "Report"), i.report),
                    Role::Guidance,
                );
            }
        }
    }
    if let Some(plan) = p
        .care_plans
        .values()
        .filter(|c| c.agreed_on.is_some())
        .max_by_key(|c| c.agreed_on)
    {
        push(
            format!(" {}: {}", l.tr("診療計画", "Care plan"), plan.care_content),
            Role::Muted,
        );
    }
    lines
}

pub fn render_visit(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let Some(v) = state.nursing.current() else {
        return;
    };
    let day = state.nursing.day.unwrap_or(state.today);
    let instructions = v.patient.instructions_on(day);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let d = &v.patient.demographics;
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(
                &format!(
                    " {} {} ({}) {}{} · {}",
                    v.entry.time,
                    d.name_kanji,
                    d.name_kana,
                    d.age_on(state.today),
                    l.tr("歳", "y"),
                    visit_label(l, v.entry.visit.as_str())
                ),
                area.width as usize,
            ),
            style(Role::Title),
        )),
        head,
    );
    let [record, door] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
    let width = record.width.saturating_sub(2) as usize;
    let empty = NursingVisit::new("", day, "");
    let r = v.record().unwrap_or(&empty);
    let mut lines = Vec::new();
    let mut push = |text: String, role: Role| {
        for line in wrap(&text, width, 3) {
            lines.push(Line::styled(line, style(role)));
        }
    };
    let time = |t: Option<crate::domain::Instant>| t.map(hhmm).unwrap_or_else(|| "—".into());
    push(
        format!(
            " {} (a): {} · {} (l): {}",
            l.tr("到着", "Arrived"),
            time(r.arrived_at),
            l.tr("退出", "Left"),
            time(r.left_at)
        ),
        Role::Normal,
    );
    let flags = r.flags(instructions);
    push(
        format!(
            " {} (b): {}",
            l.tr("バイタル", "Vitals"),
            if r.vitals.is_empty() {
                l.tr("未測定", "not measured").to_string()
            } else {
                vitals_text(l, &r.vitals)
            }
        ),
        Role::Normal,
    );
    for (vital, value, limits) in &flags {
        let (ja, en) = vital.label();
        push(
            format!(
                " ⚠ {} {} {} — {} {}",
                l.tr(ja, en),
                crate::tui::forms::vitals::shown(*value),
                vital.unit(),
                l.tr("指示書の範囲外", "past the instructions' limit"),
                super::home_care::range_text(*vital, limits)
            ),
            Role::Danger,
        );
    }
    push(
        format!(
            " {} (e): {}",
            l.tr("観察・ケア", "Observations"),
            if r.note.is_empty() {
                l.tr("未記入", "not written").to_string()
            } else {
                r.note.clone()
            }
        ),
        Role::Normal,
    );
    let meds: Vec<String> = v
        .patient
        .medications_in_order()
        .into_iter()
        .filter_map(|(id, m)| {
            r.medications.get(id).map(|t| {
                let said = if t.taken {
                    l.tr("服用", "taken")
                } else {
                    l.tr("飲み忘れ", "missed")
                };
                format!("{} {said}", m.name)
            })
        })
        .collect();
    push(
        format!(
            " {} (m): {}",
            l.tr("服薬", "Medications"),
            if meds.is_empty() {
                l.tr("未確認", "not asked").to_string()
            } else {
                meds.join(l.tr("、", ", "))
            }
        ),
        Role::Normal,
    );
    if !r.photos.is_empty() {
        push(
            format!(" {} (p): {}", l.tr("写真", "Photos"), r.photos.join(", ")),
            Role::Muted,
        );
    }
    match (&v.entry.consult_request, v.room()) {
        (_, Some(room)) => push(
            format!(
                " {} (v/y): {}",
                l.tr("医師のビデオ室", "Doctor's room"),
                crate::video::link(&state.video_command, room)
            ),
            Role::Ok,
        ),
        (Some(req), None) => push(
            format!(
                " D to P with N {} {} — {}",
                l.tr("依頼", "asked"),
                hhmm(req.at),
                req.reason
            ),
            Role::Warning,
        ),
        (None, None) => {}
    }
    frame.render_widget(
        Paragraph::new(lines).block(boxed(fit(
            &format!(" {} ", l.tr("訪問記録", "Visit record")),
            width,
        ))),
        record,
    );
    let width = door.width.saturating_sub(2) as usize;
    frame.render_widget(
        Paragraph::new(at_the_door(l, &v.patient, instructions, width)).block(boxed(fit(
            &format!(" {} ", l.tr("患者情報・指示書", "Patient and instructions")),
            width,
        ))),
        door,
    );
}

/// Vitals as one line: each with its unit, in the order the vitals are listed.
fn vitals_text(l: Lang, vitals: &std::collections::BTreeMap<Vital, f64>) -> String {
    vitals
        .iter()
        .map(|(v, value)| {
            let (ja, en) = v.label();
            format!(
                "{} {} {}",
                l.tr(ja, en),
                crate::tui::forms::vitals::shown(*value),
                v.unit()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
