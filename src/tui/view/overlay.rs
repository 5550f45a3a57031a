//! Overlays drawn over the screen: the help generated from the keymap, patient search, drug
//! search for prescribing, forms, and the confirm step of clinical-risk actions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{drug_marks, fit, tail, wrap};
use crate::tui::forms::FieldView;
use crate::tui::forms::prescription::DrugField;
use crate::tui::keymap::{Mode, bindings};
use crate::tui::state::{AppState, Confirm, Overlay, SearchPurpose};
use crate::tui::theme::{Role, style};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [_, v, _] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(height.min(area.height)),
        Constraint::Min(0),
    ])
    .areas(area);
    let [_, h, _] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(width.min(area.width)),
        Constraint::Min(0),
    ])
    .areas(v);
    h
}

fn boxed(frame: &mut Frame, area: Rect, title: String, lines: Vec<Line>) {
    frame.render_widget(Clear, area);
    // A wide character cut in half by the box would spill over its border: blank the halves.
    let buffer = frame.buffer_mut();
    let bounds = buffer.area;
    for y in area.top()..area.bottom() {
        if area.x > bounds.x
            && unicode_width::UnicodeWidthStr::width(buffer[(area.x - 1, y)].symbol()) > 1
        {
            buffer[(area.x - 1, y)].set_symbol(" ");
        }
        if area.right() < bounds.right() && buffer[(area.right(), y)].symbol().is_empty() {
            buffer[(area.right(), y)].set_symbol(" ");
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style(Role::Guidance))
        .title(fit(&title, area.width.saturating_sub(2) as usize));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn input(text: &str, active: bool) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(text.to_string())];
    if active {
        spans.push(Span::styled("▏", style(Role::Guidance)));
    }
    spans
}

/// The help of `mode`, generated from the keymap that dispatches its keys.
pub fn render_help(state: &AppState, mode: Mode, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let role = state.user.as_ref().map(|u| u.role);
    let entries: Vec<(String, &str)> = bindings(mode)
        .filter(|b| b.shown_to(role))
        .map(|b| (format!(" {:<6}", b.label), l.tr(b.ja, b.en)))
        .collect();
    // A mode with more keys than the screen has rows shows them in two columns, so that the
    // help of the queue board is whole on 80×24 too.
    let columns = if entries.len() + 2 > area.height as usize {
        2
    } else {
        1
    };
    let rows = entries.len().div_ceil(columns);
    let cell = 38;
    let lines: Vec<Line> = (0..rows)
        .map(|r| {
            let mut spans = Vec::new();
            for c in 0..columns {
                if let Some((key, text)) = entries.get(c * rows + r) {
                    spans.push(Span::styled(key.clone(), style(Role::Key)));
                    let text = if c + 1 < columns {
                        super::pad(&fit(text, cell - 8), cell - 7)
                    } else {
                        text.to_string()
                    };
                    spans.push(Span::raw(text));
                }
            }
            Line::from(spans)
        })
        .collect();
    let height = lines.len() as u16 + 2;
    let width = if columns == 2 {
        2 * cell as u16 + 2
    } else {
        44
    };
    boxed(
        frame,
        centered(area, width, height),
        format!(
            " {} ",
            l.tr("キー操作 (何かキーで閉じる)", "Keys (any key closes)")
        ),
        lines,
    );
}

pub fn render(state: &AppState, overlay: &Overlay, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    match overlay {
        Overlay::Search(s) => {
            let mut lines = vec![Line::from(
                [
                    vec![Span::styled(
                        format!(" {}: ", l.tr("氏名・カナ・ID", "name, kana or id")),
                        style(Role::Title),
                    )],
                    input(&s.query.text(), true),
                ]
                .concat(),
            )];
            for (i, p) in s.results.iter().enumerate() {
                let text = format!(
                    " {}  {} ({})  {}",
                    p.patient_id, p.name_kanji, p.name_kana, p.date_of_birth
                );
                lines.push(if i == s.selected {
                    Line::styled(text, style(Role::Selected))
                } else {
                    Line::raw(text)
                });
            }
            boxed(
                frame,
                centered(area, 70, 16),
                format!(
                    " {} ",
                    match s.purpose {
                        SearchPurpose::OpenChart => l.tr(
                            "患者検索 (Enter: 開く Esc: 閉じる)",
                            "Find patient (Enter: open, Esc: close)"
                        ),
                        SearchPurpose::Book { walk_in: false } => l.tr(
                            "予約の追加: 患者を選択 (Enter: 選択 Esc: 閉じる)",
                            "Add a reservation: choose the patient (Enter, Esc)"
                        ),
                        SearchPurpose::Book { walk_in: true } => l.tr(
                            "当日受付: 患者を選択 (Enter: 選択 Esc: 閉じる)",
                            "Add a walk-in: choose the patient (Enter, Esc)"
                        ),
                    }
                ),
                lines,
            );
        }
        Overlay::Drugs(s) => {
            let label = |field: DrugField, ja, en| {
                Span::styled(
                    format!(" {}: ", l.tr(ja, en)),
                    style(if s.field == field {
                        Role::Key
                    } else {
                        Role::Title
                    }),
                )
            };
            // The allergies of the patient being prescribed for, above the search.
            let patient = state
                .consult
                .as_ref()
                .map(|c| &c.patient)
                .or(state.chart.as_ref().map(|c| &c.patient));
            let mut lines: Vec<Line> = patient
                .and_then(|p| super::chart::allergy_line(l, p))
                .into_iter()
                .collect();
            lines.push(Line::from(
                [
                    vec![label(
                        DrugField::Query,
                        "薬剤名・成分・コード",
                        "drug, ingredient or code",
                    )],
                    input(&s.query.text(), s.field == DrugField::Query),
                ]
                .concat(),
            ));
            for (i, d) in s.results.iter().take(8).enumerate() {
                let text = format!(
                    " {} [{}] {}",
                    d.name,
                    d.ingredient,
                    drug_marks(l, d).join(" ")
                );
                lines.push(if i == s.selected {
                    Line::styled(text, style(Role::Selected))
                } else {
                    Line::raw(text)
                });
            }
            lines.push(Line::from(
                [
                    vec![label(DrugField::Dose, "用法・用量", "dose")],
                    input(&s.dose.text(), s.field == DrugField::Dose),
                ]
                .concat(),
            ));
            if s.medication_for.is_none() {
                lines.push(Line::from(
                    [
                        vec![label(DrugField::Days, "日数", "days")],
                        input(&s.days.text(), s.field == DrugField::Days),
                    ]
                    .concat(),
                ));
            }
            if let Some(e) = s.error {
                lines.push(Line::styled(
                    format!(" {}", e.message(l)),
                    style(Role::Danger),
                ));
            }
            boxed(
                frame,
                centered(area, 76, 16),
                format!(
                    " {} ",
                    if s.medication_for.is_some() {
                        l.tr(
                            "服用中の薬を追加 (Tab: 欄 Enter: 追加 Esc: 取消)",
                            "Add current medication (Tab: field, Enter: add, Esc: cancel)",
                        )
                    } else {
                        l.tr(
                            "処方 (Tab: 欄 Enter: 追加 Esc: 取消)",
                            "Prescribe (Tab: field, Enter: add, Esc: cancel)",
                        )
                    }
                ),
                lines,
            );
        }
        Overlay::Form(f) => {
            let width = 84.min(area.width) as usize;
            let mut field_lines = Vec::new();
            for (i, field) in f.fields().into_iter().enumerate() {
                let active = i == f.selected;
                let label = format!(" {} ", field.label());
                let room =
                    width.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()) + 6);
                let label =
                    Span::styled(label, style(if active { Role::Key } else { Role::Normal }));
                let value: Vec<Span> = match field {
                    FieldView::Toggle(t) => vec![Span::raw(if t.on { "[x]" } else { "[ ]" })],
                    FieldView::Choice { shown, .. } => {
                        vec![Span::raw(format!(
                            "‹ {} ›",
                            fit(shown.unwrap_or("-"), room)
                        ))]
                    }
                    FieldView::Text(t) if t.masked => {
                        let dots = "●".repeat(t.editor.text().chars().count());
                        let mut spans = vec![Span::raw(": ")];
                        spans.extend(input(&dots, active));
                        spans
                    }
                    FieldView::Text(t) => {
                        let text = if active {
                            tail(&t.editor.text(), room)
                        } else {
                            fit(&t.editor.text(), room)
                        };
                        let mut spans = vec![Span::raw(": ")];
                        spans.extend(input(&text, active));
                        spans
                    }
                };
                let mut spans = vec![label];
                spans.extend(value);
                field_lines.push(Line::from(spans));
            }
            // What the form acts on, above its fields.
            let about: Vec<Line> = f
                .about(l)
                .iter()
                .flat_map(|t| wrap(&format!(" {t}"), width.saturating_sub(2), 1))
                .map(|t| Line::styled(t, style(Role::Guidance)))
                .collect();
            // Show the window of fields around the selected one when the form is taller than
            // the screen.
            let room = (area.height as usize)
                .saturating_sub(4 + usize::from(f.error.is_some()) + about.len());
            let first = f.selected.saturating_sub(room.saturating_sub(1));
            let mut lines: Vec<Line> = about;
            lines.extend(field_lines.into_iter().skip(first).take(room.max(1)));
            if let Some(e) = f.error {
                lines.push(Line::styled(
                    fit(&format!(" {}", e.message(l)), width.saturating_sub(2)),
                    style(Role::Danger),
                ));
            }
            lines.push(Line::styled(
                l.tr(
                    " ↑↓ 項目  Space 切替  Enter 保存  Esc 取消",
                    " ↑↓ field  Space toggle  Enter save  Esc cancel",
                ),
                style(Role::Muted),
            ));
            let height = lines.len() as u16 + 2;
            boxed(
                frame,
                centered(area, width as u16, height),
                format!(" {} ", f.title),
                lines,
            );
        }
        Overlay::Confirm(confirm) => {
            let text = match confirm {
                Confirm::Sign => l
                    .tr(
                        "この診察記録に署名します。署名後は変更できません。",
                        "Sign this record of the consultation. It cannot be changed afterwards.",
                    )
                    .to_string(),
                Confirm::Override { finding, reason } => format!(
                    "{}\n{}\n{}: {reason}",
                    l.tr("ブロックを解除します:", "Override the block:"),
                    crate::tui::forms::override_reason::describe(l, finding).join("\n"),
                    l.tr("理由", "reason")
                ),
                Confirm::Deactivate { staff_id, name } => format!(
                    "{} {name} ({staff_id})\n{}",
                    l.tr("職員を無効にします:", "Deactivate"),
                    l.tr(
                        "サインインできなくなります。記録と履歴は残ります。",
                        "They can no longer sign in; their record and history stay."
                    )
                ),
                Confirm::Vitals { outside, .. } => format!(
                    "{}\n{outside}\n{}",
                    l.tr(
                        "次の値は通常の測定範囲の外です:",
                        "These values lie outside what a measurement usually shows:",
                    ),
                    l.tr(
                        "測り直して正しければ記録します。",
                        "Record them if a second reading agrees.",
                    )
                ),
                Confirm::RemoveFact { what, .. } => format!(
                    "{} {what}",
                    l.tr("カルテから削除します:", "Remove from the chart:")
                ),
                Confirm::CancelVisit {
                    patient,
                    time,
                    reason,
                    ..
                } => format!(
                    "{} {time} {patient}\n{}: {reason}",
                    l.tr("この予約を取り消します:", "Cancel the visit:"),
                    l.tr("理由", "reason")
                ),
            };
            // Wrapped here, so that the box is as tall as what it says and the keys stay in it.
            let width = 64.min(area.width);
            let inner = (width as usize).saturating_sub(2);
            let mut lines: Vec<Line> = text
                .lines()
                .flat_map(|t| wrap(&format!(" {t}"), inner, 1))
                .map(Line::raw)
                .collect();
            lines.push(Line::styled(
                l.tr(" y: 確定   n: 取消", " y: confirm   n: cancel"),
                style(Role::Key),
            ));
            let height = (lines.len() as u16 + 2).max(6);
            boxed(
                frame,
                centered(area, width, height),
                format!(" {} ", l.tr("確認", "Confirm")),
                lines,
            );
        }
        Overlay::Duplicates(d) => {
            let width = 72.min(area.width);
            let room = (width as usize).saturating_sub(4);
            let p = &d.patient.demographics;
            let mut lines = vec![
                Line::raw(fit(
                    &format!(
                        " {} {} ({})  {}",
                        l.tr("登録しようとした患者:", "Registering:"),
                        p.name_kanji,
                        p.name_kana,
                        crate::domain::format_date(p.date_of_birth)
                    ),
                    room,
                )),
                Line::styled(
                    fit(
                        l.tr(
                            " 同じカナ氏名・生年月日の患者が登録されています:",
                            " Already registered with the same kana name and date of birth:",
                        ),
                        room,
                    ),
                    style(Role::Warning),
                ),
            ];
            for (i, m) in d.matches.iter().enumerate().take(8) {
                let number = m
                    .patient_number
                    .as_deref()
                    .map(|n| format!("  No.{n}"))
                    .unwrap_or_default();
                let text = fit(
                    &format!(
                        " {}  {} ({})  {}{number}",
                        m.patient_id, m.name_kanji, m.name_kana, m.date_of_birth
                    ),
                    room,
                );
                lines.push(if i == d.selected {
                    Line::styled(text, style(Role::Selected))
                } else {
                    Line::raw(text)
                });
            }
            lines.push(Line::styled(
                fit(
                    l.tr(
                        " Enter: 既存の患者を開く  y: 別人として登録  Esc: 戻る",
                        " Enter: open existing  y: register anyway  Esc: back",
                    ),
                    room,
                ),
                style(Role::Key),
            ));
            let height = lines.len() as u16 + 2;
            boxed(
                frame,
                centered(area, width, height),
                format!(" {} ", l.tr("重複の確認", "Possible duplicate")),
                lines,
            );
        }
    }
}
