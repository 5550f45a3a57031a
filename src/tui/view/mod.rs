//! Rendering: a pure function of the state. The frame is a title bar, the screen, a status line
//! that tells the sync state honestly, and a key-hint bar generated from the keymap.

mod admin;
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
        Screen::Admin => admin::render(state, frame, body),
    }
    status_line(state, frame, status);
    hint_bar(state, frame, hints);
    if let Some(o) = &state.overlay {
        overlay::render(state, o, frame, body);
    }
    if let Some(mode) = state.help {
        overlay::render_help(state, mode, frame, body);
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

/// `text` broken into lines of at most `width` terminal columns, continuation lines indented by
/// `indent` spaces. Done here rather than by the paragraph so that wide characters never run
/// into a border and the caller knows how many lines each item takes.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            // Break Latin text at its last space; Japanese may break between any characters.
            let carry = match line.rfind(' ') {
                Some(at) if at > indent && c != ' ' && c.is_ascii() => line.split_off(at + 1),
                _ => String::new(),
            };
            lines.push(line.trim_end().to_string());
            line = " ".repeat(indent) + &carry;
            used = unicode_width::UnicodeWidthStr::width(line.as_str());
            if c == ' ' {
                continue;
            }
        }
        line.push(c);
        used += w;
    }
    lines.push(line);
    lines
}

/// `text` cut to `width` columns, with an ellipsis when cut.
pub(crate) fn fit(text: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The last `width` columns of `text`, with an ellipsis in front when cut: a text field being
/// typed into shows its end.
pub(crate) fn tail(text: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// A time written in RFC 3339 (UTC), as `YYYY-MM-DD HH:MM` in Japan.
pub(crate) fn jst_text(rfc3339: &str) -> String {
    match time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(at) => format!(
            "{} {}",
            crate::domain::format_date(at.to_offset(time::macros::offset!(+9)).date()),
            hhmm(at)
        ),
        Err(_) => rfc3339.to_string(),
    }
}

/// The classifications of a drug that matter at the screen: narcotic, psychotropic, high-risk.
pub(crate) fn drug_marks(
    l: crate::tui::i18n::Lang,
    d: &crate::domain::DrugInfo,
) -> Vec<&'static str> {
    let mut marks = Vec::new();
    if d.narcotic {
        marks.push(l.tr("麻薬", "narcotic"));
    }
    if d.psychotropic_class.is_some() {
        marks.push(l.tr("向精神薬", "psychotropic"));
    }
    if d.high_risk_category.is_some() {
        marks.push(l.tr("ハイリスク", "high-risk"));
    }
    marks
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
        Screen::Admin => l.tr("職員管理", "Staff"),
    };
    spans.push(Span::styled(format!("│ {screen}"), style(Role::Guidance)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What the status line says about sync: never more than is known.
fn sync_label(state: &AppState) -> String {
    let l = state.lang;
    match &state.sync {
        SyncState::LocalOnly => l
            .tr("同期: なし (この端末のみ)", "sync: off (this machine only)")
            .to_string(),
        SyncState::Enrolled(None) => l.tr("同期: 確認中", "sync: checking").to_string(),
        SyncState::Enrolled(Some(s)) => {
            let link = if s.online {
                l.tr("オンライン", "online")
            } else {
                l.tr("オフライン", "offline")
            };
            let last = s
                .last_sync
                .as_deref()
                .map(jst_text)
                .map(|t| t.chars().skip(11).collect::<String>());
            let mut text = format!(
                "{} {link} · {} {}",
                l.tr("同期:", "sync:"),
                l.tr("未送信", "waiting"),
                s.pending
            );
            if let Some(last) = last {
                text.push_str(&format!(" · {} {last}", l.tr("最終", "last")));
            }
            if s.last_error.is_some() {
                text.push_str(l.tr(" · エラー", " · error"));
            }
            text
        }
    }
}

fn status_line(state: &AppState, frame: &mut Frame, area: Rect) {
    let sync = sync_label(state);
    let sync = sync.as_str();
    let width = unicode_width::UnicodeWidthStr::width(sync) as u16 + 1;
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(area);
    if let Some(m) = &state.status {
        let role = if m.error { Role::Danger } else { Role::Ok };
        // Leave a gap before the sync state; a message too long is cut visibly.
        let text = fit(
            &format!(" {}", m.text),
            (left.width as usize).saturating_sub(2),
        );
        frame.render_widget(Paragraph::new(Span::styled(text, style(role))), left);
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
    let role = state.user.as_ref().map(|u| u.role);
    for b in bindings(state.mode()).filter(|b| b.hint && b.shown_to(role)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_words_at_spaces_and_japanese_anywhere_within_the_width() {
        assert_eq!(
            wrap(" [ ] care and prescription followed the guideline", 20, 5),
            vec![
                " [ ] care and",
                "     prescription",
                "     followed the",
                "     guideline"
            ]
        );
        let ja = wrap(" [ ] 医師の身分証・医籍登録年を提示した", 20, 5);
        assert!(
            ja.iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 20),
            "{ja:?}"
        );
        assert_eq!(
            ja.concat().replace(' ', ""),
            "[]医師の身分証・医籍登録年を提示した"
        );
    }

    #[test]
    fn fit_and_tail_cut_by_display_width() {
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(tail("山田太郎", 5), "…太郎");
    }
}
