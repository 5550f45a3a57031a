//! The sign-in screen: choose a member of staff and enter their PIN.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{pad, role_label, wrap};
use crate::tui::state::AppState;
use crate::tui::theme::{Role, style};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let staff = state.staff();
    // The refusal is wrapped inside the box: a lockout says until when, which must not be cut.
    let error: Vec<String> = state
        .sign_in
        .error
        .as_ref()
        .map(|e| wrap(&format!(" {e}"), 50, 1))
        .unwrap_or_default();
    let height = staff.len() as u16 + 5 + error.len().max(1) as u16;
    let [_, middle, _] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(height),
        Constraint::Min(0),
    ])
    .areas(area);
    let [_, boxed, _] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(52),
        Constraint::Min(0),
    ])
    .areas(middle);
    let mut lines: Vec<Line> = staff
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // A doctor who may not practise online care yet (指針 V.3(1)) is marked.
            let mark = if s.lacks_online_training(state.today) {
                l.tr("  ⚠研修未修了", "  ⚠ untrained")
            } else {
                ""
            };
            let text = format!(" {} {}{mark}", pad(role_label(state, s.role), 12), s.name);
            if i == state.sign_in.selected {
                Line::styled(text, style(Role::Selected))
            } else {
                Line::raw(text)
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::raw(format!(" {}: ", l.tr("PIN", "PIN"))),
        Span::raw("●".repeat(state.sign_in.pin.len())),
        Span::styled("▏", style(Role::Guidance)),
    ]));
    for e in error {
        lines.push(Line::styled(e, style(Role::Danger)));
    }
    let block = Block::default().borders(Borders::ALL).title(l.tr(
        " 職員を選び PIN を入力 ",
        " Choose your name and enter your PIN ",
    ));
    frame.render_widget(Paragraph::new(lines).block(block), boxed);
}
