//! The queue board: a day's visits in time order with their status, filterable by status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

use crate::domain::{QueueStatus, format_date};
use crate::tui::state::{AppState, row_is, status_label, visit_label};
use crate::tui::theme::{Role, style};

fn status_role(status: &str) -> Role {
    match QueueStatus::parse(status) {
        Some(QueueStatus::Waiting | QueueStatus::CheckedIn) => Role::Guidance,
        Some(QueueStatus::InSession) => Role::Warning,
        Some(QueueStatus::Done) => Role::Ok,
        Some(QueueStatus::Cancelled) => Role::Muted,
        Some(QueueStatus::SwitchedToInPerson) => Role::Danger,
        _ => Role::Normal,
    }
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let q = &state.queue;
    let visible = q.visible();
    let counts: Vec<String> = QueueStatus::ALL
        .iter()
        .filter_map(|s| {
            let n = q.rows.iter().filter(|r| row_is(r, *s)).count();
            (n > 0).then(|| format!("{} {n}", status_label(l, s.as_str())))
        })
        .collect();
    let filter = q
        .filter
        .map(|f| {
            format!(
                " [{}: {}]",
                l.tr("絞込", "filter"),
                status_label(l, f.as_str())
            )
        })
        .unwrap_or_default();
    let title = format!(
        " {}{} — {} ",
        format_date(q.day),
        filter,
        counts.join(" · ")
    );
    let doctor_name = |id: &Option<String>| -> String {
        id.as_ref()
            .map(|id| {
                state
                    .clinic
                    .as_ref()
                    .and_then(|c| c.staff.get(id))
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .unwrap_or_default()
    };
    let rows: Vec<Row> = visible
        .iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(r.time.clone()),
                Cell::from(Line::styled(
                    status_label(l, r.status.as_str()),
                    style(status_role(r.status.as_str())),
                )),
                Cell::from(visit_label(l, r.visit_kind.as_str())),
                Cell::from(r.name_kanji.clone()),
                Cell::from(r.name_kana.clone()),
                Cell::from(doctor_name(&r.doctor)),
                Cell::from(if r.pre_consult_done {
                    l.tr("相談済", "pre-c.")
                } else {
                    ""
                }),
            ])
        })
        .collect();
    let header = Row::new(vec![
        l.tr("時刻", "Time"),
        l.tr("状態", "Status"),
        l.tr("種別", "Visit"),
        l.tr("氏名", "Name"),
        l.tr("カナ", "Kana"),
        l.tr("担当医", "Doctor"),
        l.tr("相談", "Pre"),
    ])
    .style(style(Role::Title));
    let widths = [
        Constraint::Length(5),
        Constraint::Length(12),
        Constraint::Length(16),
        Constraint::Length(14),
        Constraint::Min(12),
        Constraint::Length(10),
        Constraint::Length(6),
    ];
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(Role::Selected))
        .block(Block::default().borders(Borders::ALL).title(title));
    let mut ts = TableState::default().with_selected((!empty).then_some(q.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}
