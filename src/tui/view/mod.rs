//! Rendering: a pure function of the state. The frame is a title bar, the screen, a status line
//! that tells the sync state honestly, and a key-hint bar generated from the keymap.

mod chart;
mod consult;
mod overlay;
mod queue;
mod sign_in;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keymap::bindings;
use super::state::{AppState, Screen, SyncState};
use super::theme::{Role, style};
use crate::domain::{Instant, Role as StaffRole};

/// Draws the whole workstation.
pub fn render(state: &AppState, frame: &mut Frame) {
    let [top, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    title_bar(state, frame, top);
    match state.screen {
        Screen::SignIn => sign_in::render(state, frame, body),
        Screen::Queue => queue::render(state, frame, body),
        Screen::Chart => chart::render(state, frame, body),
        Screen::Consult => consult::render(state, frame, body),
    }
    status_line(state, frame, status);
    hint_bar(state, frame, hints);
    if let Some(o) = &state.overlay {
        overlay::render(state, o, frame, body);
    }
}

pub(crate) fn role_label(state: &AppState, role: StaffRole) -> &'static str {
    let l = state.lang;
    match role {
        StaffRole::FrontDesk => l.tr("受付", "front desk"),
        StaffRole::Doctor => l.tr("医師", "doctor"),
        StaffRole::Nurse => l.tr("看護師", "nurse"),
        StaffRole::Admin => l.tr("管理者", "admin"),
    }
}

/// `text` padded with spaces to `width` terminal columns (wide characters count two).
pub(crate) fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// Time of day in Japan, `HH:MM`.
pub(crate) fn hhmm(at: Instant) -> String {
    let t = at.to_offset(time::macros::offset!(+9));
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn title_bar(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let mut spans = vec![Span::styled(" 遠隔 Enkaku ", style(Role::Title))];
    if let Some(c) = &state.clinic {
        spans.push(Span::raw(format!("│ {} ", c.name)));
    }
    if let Some(u) = &state.user {
        spans.push(Span::raw(format!(
            "│ {} ({}) ",
            u.name,
            role_label(state, u.role)
        )));
    }
    let screen = match state.screen {
        Screen::SignIn => l.tr("サインイン", "Sign in"),
        Screen::Queue => l.tr("受付一覧", "Queue"),
        Screen::Chart => l.tr("カルテ", "Chart"),
        Screen::Consult => l.tr("診察", "Consultation"),
    };
    spans.push(Span::styled(format!("│ {screen}"), style(Role::Guidance)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let sync = match state.sync {
        SyncState::LocalOnly => l.tr("同期: なし (この端末のみ)", "sync: off (this machine only)"),
    };
    let width = unicode_width::UnicodeWidthStr::width(sync) as u16 + 1;
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(area);
    if let Some(m) = &state.status {
        let role = if m.error { Role::Danger } else { Role::Ok };
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {}", m.text), style(role))),
            left,
        );
    }
    frame.render_widget(
        Paragraph::new(Span::styled(sync, style(Role::Muted))),
        right,
    );
}

fn hint_bar(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let mut spans = Vec::new();
    let mut used = 0;
    // Only whole hints: one that does not fit is left for the help overlay.
    for b in bindings(state.screen).filter(|b| b.hint) {
        let key = format!(" {}", b.label);
        let text = format!(" {} ", l.tr(b.ja, b.en));
        let width = unicode_width::UnicodeWidthStr::width(key.as_str())
            + unicode_width::UnicodeWidthStr::width(text.as_str());
        if used + width > area.width as usize {
            break;
        }
        used += width;
        spans.push(Span::styled(key, style(Role::Key)));
        spans.push(Span::raw(text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
