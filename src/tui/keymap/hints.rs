//! The key-hint bar's pages: every key of a mode in priority order, cut into pages that fit the
//! terminal's width, each page ending with the key that turns to the next. One pure function
//! for the renderer and the tests, so that what the tests check is what the bar shows.

use unicode_width::UnicodeWidthStr;

use super::{Binding, Command, Keys, Mode, bindings};
use crate::domain::Role;
use crate::tui::i18n::Lang;

/// What the bar offers in `mode` to a user of `role` (nobody signed in: `None`), in order: the
/// bindings marked `hint` in table order (the table's order is their priority), then the others
/// in table order. Left out: a binding whose command is already offered (`?` is help like F1),
/// the more key itself (the bar names it last on every page), the text editor's and the help's
/// catch-all keys unless marked `hint` (typing needs no hint), and bindings for another role.
pub fn hint_entries(mode: Mode, role: Option<Role>) -> Vec<&'static Binding> {
    let shown: Vec<&'static Binding> = bindings(mode)
        .filter(|b| b.shown_to(role) && b.command != Command::MoreHints)
        .collect();
    let hinted = shown.iter().filter(|b| b.hint);
    let others = shown
        .iter()
        .filter(|b| !b.hint && !matches!(b.keys, Keys::Text | Keys::Any));
    let mut entries: Vec<&'static Binding> = Vec::new();
    for b in hinted.chain(others) {
        if !entries.iter().any(|e| e.command == b.command) {
            entries.push(b);
        }
    }
    entries
}

/// The key that turns the bar's page in `mode`, if the mode has one.
pub fn more_key(mode: Mode) -> Option<&'static Binding> {
    bindings(mode).find(|b| b.command == Command::MoreHints)
}

/// The two parts of a hint as the bar prints them: ` key` and ` what it does `.
pub fn hint_parts(b: &Binding, lang: Lang) -> (String, String) {
    (
        format!(" {}", b.label),
        format!(" {} ", lang.tr(b.ja, b.en)),
    )
}

/// The more key's hint on page `page` (from 0) of `pages`: ` F2` and ` 他のキー (1/3) `.
pub fn more_parts(more: &Binding, lang: Lang, page: usize, pages: usize) -> (String, String) {
    (
        format!(" {}", more.label),
        format!(" {} ({}/{pages}) ", lang.tr(more.ja, more.en), page + 1),
    )
}

fn width_of((key, text): &(String, String)) -> usize {
    key.width() + text.width()
}

/// `entries` cut into pages of at most `width` columns, wide characters counting two, in order.
/// When they all fit there is one page. Otherwise each page leaves room for the more key's hint
/// (`more`); without a more key there is only the first page, of the hints that fit whole.
/// A hint wider than a page on its own has a page to itself, cut by the screen.
pub fn hint_pages<'a>(
    entries: &[&'a Binding],
    more: Option<&Binding>,
    width: usize,
    lang: Lang,
) -> Vec<Vec<&'a Binding>> {
    let widths: Vec<usize> = entries
        .iter()
        .map(|b| width_of(&hint_parts(b, lang)))
        .collect();
    let Some(more) = more.filter(|_| widths.iter().sum::<usize>() > width) else {
        let mut used = 0;
        let page = entries
            .iter()
            .zip(&widths)
            .take_while(|(_, w)| {
                used += **w;
                used <= width
            })
            .map(|(b, _)| *b)
            .collect();
        return vec![page];
    };
    // The more hint's width grows with the number of pages: reserve room for "(9/9)", and for
    // "(99/99)" if that turns out not to be enough.
    let mut most = 9;
    loop {
        let room = width.saturating_sub(width_of(&more_parts(more, lang, most - 1, most)));
        let mut pages: Vec<Vec<&'a Binding>> = Vec::new();
        let mut used = 0;
        for (b, w) in entries.iter().zip(&widths) {
            match pages.last_mut() {
                Some(page) if used + w <= room => {
                    page.push(*b);
                    used += w;
                }
                _ => {
                    pages.push(vec![*b]);
                    used = *w;
                }
            }
        }
        if pages.len() <= most {
            return pages;
        }
        most = most * 10 + 9;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::FieldKind;

    const ROLES: [Option<Role>; 5] = [
        None,
        Some(Role::FrontDesk),
        Some(Role::Doctor),
        Some(Role::Nurse),
        Some(Role::Admin),
    ];

    fn page_width(page: &[&Binding], more: Option<(String, String)>, lang: Lang) -> usize {
        page.iter()
            .map(|b| width_of(&hint_parts(b, lang)))
            .sum::<usize>()
            + more.as_ref().map_or(0, width_of)
    }

    #[test]
    fn every_key_of_every_mode_is_on_a_page_that_fits_at_80_and_100_columns() {
        for mode in Mode::ALL {
            for role in ROLES {
                let entries = hint_entries(mode, role);
                for lang in [Lang::Ja, Lang::En] {
                    for width in [80, 100] {
                        let pages = hint_pages(&entries, more_key(mode), width, lang);
                        let on_pages: Vec<&Binding> = pages.iter().flatten().copied().collect();
                        let more = (pages.len() > 1).then(|| {
                            more_key(mode).unwrap_or_else(|| {
                                panic!("{mode:?} overflows {width} columns without a more key")
                            })
                        });
                        // Checked against the table itself, not against `hint_entries`: each
                        // binding shown to the role is on a page, or is the more key (on every
                        // page, or not needed when there is one), or repeats a command a page
                        // offers, or is typing.
                        for b in bindings(mode).filter(|b| b.shown_to(role)) {
                            let reachable = on_pages.iter().any(|p| std::ptr::eq(*p, b))
                                || more.is_some_and(|m| std::ptr::eq(m, b))
                                || (pages.len() == 1 && b.command == Command::MoreHints)
                                || on_pages.iter().any(|p| p.command == b.command)
                                || (!b.hint && matches!(b.keys, Keys::Text | Keys::Any));
                            assert!(
                                reachable,
                                "{mode:?} {role:?} {lang:?} {width}: {} not on the bar",
                                b.label
                            );
                        }
                        // Each binding once, in the order the entries give.
                        assert_eq!(on_pages.len(), entries.len(), "{mode:?} {role:?}");
                        for (p, e) in on_pages.iter().zip(&entries) {
                            assert!(std::ptr::eq(*p, *e), "{mode:?}: order of {}", p.label);
                        }
                        for (i, page) in pages.iter().enumerate() {
                            let more = more.map(|m| more_parts(m, lang, i, pages.len()));
                            let used = page_width(page, more, lang);
                            assert!(
                                used <= width,
                                "{mode:?} {role:?} {lang:?}: page {i} is {used} > {width}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn hinted_keys_come_first_then_the_rest_without_repeats() {
        let entries = hint_entries(Mode::Queue, Some(Role::Doctor));
        let labels: Vec<&str> = entries.iter().map(|b| b.label).collect();
        // F1, the queue's hinted keys and the screens' hinted tail before ↑ and the others.
        assert_eq!(labels[0], "F1");
        let first_unhinted = entries.iter().position(|b| !b.hint).unwrap();
        assert!(entries[..first_unhinted].iter().all(|b| b.hint));
        assert!(entries[first_unhinted..].iter().all(|b| !b.hint));
        assert!(labels.contains(&"c") && labels.contains(&"^O") && labels.contains(&"F5"));
        // `?` is help like F1; `A` is the administrator's; F2 is named by the bar itself.
        assert!(!labels.contains(&"?"));
        assert!(!labels.contains(&"A"));
        assert!(!labels.contains(&"F2"));
        assert!(
            hint_entries(Mode::Queue, Some(Role::Admin))
                .iter()
                .any(|b| b.label == "A")
        );
        // Typing needs no hint; the PIN's digits keep theirs.
        assert!(
            hint_entries(Mode::Form(FieldKind::Text), None)
                .iter()
                .all(|b| b.keys != Keys::Text)
        );
        assert!(
            hint_entries(Mode::SignIn, None)
                .iter()
                .any(|b| b.keys == Keys::Digit)
        );
        // The help's any-key hint stays: it is the only thing to say there.
        assert_eq!(hint_entries(Mode::Help, None).len(), 1);
    }

    #[test]
    fn the_queue_board_at_80_columns_turns_pages_that_each_fit() {
        let entries = hint_entries(Mode::Queue, Some(Role::Doctor));
        let more = more_key(Mode::Queue).unwrap();
        let pages = hint_pages(&entries, Some(more), 80, Lang::Ja);
        assert!(pages.len() > 1, "{}", pages.len());
        assert_eq!(
            more_parts(more, Lang::Ja, 0, pages.len()),
            (" F2".to_string(), format!(" 他のキー (1/{}) ", pages.len()))
        );
        // Wider, fewer pages; wide enough, one page and no more key.
        assert!(hint_pages(&entries, Some(more), 100, Lang::Ja).len() <= pages.len());
        assert_eq!(hint_pages(&entries, Some(more), 1000, Lang::Ja).len(), 1);
        // Without a more key only the first page's worth shows, whole hints only.
        let only = hint_pages(&entries, None, 80, Lang::Ja);
        assert_eq!(only.len(), 1);
        assert!(page_width(&only[0], None, Lang::Ja) <= 80);
        assert!(only[0].len() < entries.len());
    }

    #[test]
    fn many_pages_reserve_room_for_a_two_digit_count() {
        let entries = hint_entries(Mode::Queue, Some(Role::Admin));
        let more = more_key(Mode::Queue).unwrap();
        // So narrow that every hint has a page of its own.
        let pages = hint_pages(&entries, Some(more), 30, Lang::En);
        assert!(pages.len() >= 10, "{}", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let used = page_width(
                page,
                Some(more_parts(more, Lang::En, i, pages.len())),
                Lang::En,
            );
            assert!(used <= 30 || page.len() == 1, "page {i}: {used}");
        }
    }
}
