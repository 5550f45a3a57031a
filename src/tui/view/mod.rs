//! Rendering: a pure function of the state. The frame is a title bar, the screen, a status line
//! that tells the sync state honestly, and a key-hint bar generated from the keymap, a page at a
//! time. Here too the text helpers of every view: padding, wrapping (with Japanese line-start
//! rules) and cutting to a width with an ellipsis.

mod admin;
mod chart;
mod consult;
mod home_care;
mod nursing;
mod overlay;
mod queue;
mod sign_in;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keymap::hints::{hint_entries, hint_pages, hint_parts, more_key, more_parts};
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
        Screen::Visits => nursing::render_list(state, frame, body),
        Screen::Visit => nursing::render_visit(state, frame, body),
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

/// Japanese punctuation that does not begin a line (行頭禁則): 、 and 。 alone at the start of a
/// line read as a fault of the text.
const NO_LINE_START: &str = "、。，．）」』】〕〉》！？";

/// Takes from the end of `line` the character that the punctuation about to be written belongs
/// to (with any punctuation already after it), for the next line: 「…ません」 + 「。」 breaks as
/// 「…ま」 / 「せん。」. Nothing when that would leave the line without text of its own.
fn carry_before_punctuation(line: &mut String, indent: usize) -> String {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut at = chars.len();
    while at > 0 && NO_LINE_START.contains(chars[at - 1].1) {
        at -= 1;
    }
    if at <= indent + 1 || chars[at - 1].1 == ' ' {
        return String::new();
    }
    line.split_off(chars[at - 1].0)
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
            // Break Latin text at its last space; Japanese may break between any characters,
            // except before its closing punctuation.
            let carry = match line.rfind(' ') {
                Some(at) if at > indent && c != ' ' && c.is_ascii() => line.split_off(at + 1),
                _ if NO_LINE_START.contains(c) => carry_before_punctuation(&mut line, indent),
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
    cut(text, width)
}

/// `text` cut to `width` columns ending in an ellipsis, whether or not it would have fitted:
/// whole characters only, so a wide one that does not fit gives way to the ellipsis.
fn cut(text: &str, width: usize) -> String {
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

/// `line` cut to `width` columns like [`fit`], keeping the styles of its spans: a header longer
/// than its row ends with an ellipsis at a character boundary instead of being cut mid-word by
/// the screen's edge.
pub(crate) fn fit_line(mut line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut used = 0;
    let mut kept = Vec::new();
    for mut span in std::mem::take(&mut line.spans) {
        let w = span.width();
        // Whole while there is room for the span and an ellipsis after it.
        if used + w < width {
            used += w;
            kept.push(span);
            continue;
        }
        // A kept span always leaves a column, so there is room here for the ellipsis at least.
        if width > used {
            span.content = cut(&span.content, width - used).into();
            kept.push(span);
        }
        break;
    }
    line.spans = kept;
    line
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

/// The title bar: the product, the clinic, who is signed in and the screen. On a narrow
/// terminal the clinic's name gives way first, so that who and where stay in sight.
fn title_bar(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let product = Span::styled(" 遠隔 Enkaku ", style(Role::Title));
    let user = state
        .user
        .as_ref()
        .map(|u| format!("│ {} ({}) ", u.name, role_label(state, u.role)));
    let screen = match state.screen {
        Screen::SignIn => l.tr("サインイン", "Sign in"),
        Screen::Queue => l.tr("受付一覧", "Queue"),
        Screen::Chart => l.tr("カルテ", "Chart"),
        Screen::Consult => l.tr("診察", "Consultation"),
        Screen::Admin => l.tr("職員管理", "Staff"),
        Screen::Visits => l.tr("訪問予定", "Visits"),
        Screen::Visit => l.tr("訪問記録", "Visit record"),
    };
    let screen = Span::styled(format!("│ {screen}"), style(Role::Guidance));
    let width = area.width as usize;
    let mut spans = vec![product];
    if let Some(c) = &state.clinic {
        let others = spans[0].width()
            + user
                .as_deref()
                .map_or(0, unicode_width::UnicodeWidthStr::width)
            + screen.width();
        // "│ " before the name and " " after it.
        let room = width.saturating_sub(others + 3);
        if room > 0 {
            spans.push(Span::raw(format!("│ {} ", fit(&c.name, room))));
        }
    }
    spans.extend(user.map(Span::raw));
    spans.push(screen);
    frame.render_widget(Paragraph::new(fit_line(Line::from(spans), width)), area);
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
            if s.more {
                text.push_str(l.tr(" · 続きを同期中…", " · syncing more…"));
            }
            if s.quarantined > 0 {
                text.push_str(&format!(
                    " · {} {}",
                    l.tr("読めない文書を保留", "set aside unreadable"),
                    s.quarantined
                ));
            }
            if s.last_error.is_some() {
                text.push_str(l.tr(" · エラー", " · error"));
            }
            text
        }
    }
}

fn status_line(state: &AppState, frame: &mut Frame, area: Rect) {
    let mut sync = sync_label(state);
    if state.store_encrypted == Some(false) {
        sync = format!(
            "{}{sync}",
            state
                .lang
                .tr("保存データ: 暗号化なし · ", "store: not encrypted · ")
        );
    }
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

/// The keys of the current mode, one page of them (see [`hint_pages`]); when they do not all
/// fit, the last hint names the key that shows the next page.
fn hint_bar(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let mode = state.mode();
    let role = state.user.as_ref().map(|u| u.role);
    let entries = hint_entries(mode, role);
    let more = more_key(mode);
    let pages = hint_pages(&entries, more, area.width as usize, l);
    let page = state.hint_page % pages.len().max(1);
    let mut spans = Vec::new();
    for b in pages.get(page).into_iter().flatten() {
        let (key, text) = hint_parts(b, l);
        spans.push(Span::styled(key, style(Role::Key)));
        spans.push(Span::raw(text));
    }
    if let Some(more) = more.filter(|_| pages.len() > 1) {
        let (key, text) = more_parts(more, l, page, pages.len());
        spans.push(Span::styled(key, style(Role::Key)));
        spans.push(Span::styled(text, style(Role::Guidance)));
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
    fn japanese_punctuation_never_begins_a_line() {
        // 20 columns: the 。 would be the first character of the second line.
        let text = " 禁止 診療計画がありません。次へ";
        let lines = wrap(text, 20, 5);
        assert_eq!(lines, vec![" 禁止 診療計画があり", "     ません。次へ"]);
        // Punctuation after punctuation goes along with the character before both.
        let lines = wrap(" 注意 確認されてな」。", 20, 5);
        assert_eq!(lines, vec![" 注意 確認されて", "     な」。"]);
        for width in 12..40 {
            for text in [
                " 禁止 指針 V.1(1)②ⅰ オンライン診療の実施について、医師と患者の合意が記録されていません。",
                " 注意 転売や不適正使用のおそれがある医薬品 (向精神薬) です: マイスリー錠10mg。",
            ] {
                let lines = wrap(text, width, 5);
                for line in &lines {
                    assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= width);
                    let first = line.trim_start().chars().next();
                    assert!(
                        !first.is_some_and(|c| NO_LINE_START.contains(c)),
                        "{width}: {lines:?}"
                    );
                }
                assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            }
        }
    }

    #[test]
    fn fit_and_tail_cut_by_display_width() {
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(fit("山田太郎", 6), "山田…");
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(tail("山田太郎", 5), "…太郎");
    }

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_line_too_long_ends_in_an_ellipsis_at_a_character_boundary_keeping_styles() {
        let line = || {
            Line::from(vec![
                Span::styled(" 初診 │", style(Role::Guidance)),
                Span::raw(" 清水　大輔 · 生年月日 1984-01-01"),
            ])
        };
        // Short enough: unchanged.
        assert_eq!(text(&fit_line(line(), 80)), text(&line()));
        for width in 1..line().width() {
            let cut = fit_line(line(), width);
            assert!(cut.width() <= width, "{width}: {}", text(&cut));
            assert!(text(&cut).ends_with('…'), "{width}: {}", text(&cut));
            // What is kept is the line's own beginning, whole characters only.
            let kept = text(&cut);
            assert!(text(&line()).starts_with(kept.trim_end_matches('…')));
        }
        // The cut falls inside the second span: the first keeps its style whole.
        let cut = fit_line(line(), 16);
        assert_eq!(cut.spans[0].style, style(Role::Guidance));
        assert_eq!(cut.spans[0].content, " 初診 │");
        // 清 is two columns wide: at 11 columns it fits before the ellipsis, at 10 it gives way.
        assert_eq!(text(&fit_line(line(), 11)), " 初診 │ 清…");
        assert_eq!(text(&fit_line(line(), 10)), " 初診 │ …");
        // Exactly as wide as the first span, with more after: the ellipsis takes its last column.
        assert_eq!(text(&fit_line(line(), 7)), " 初診 …");
    }
}
