//! The sign-in screen: choosing oneself on the staff list and typing the PIN. The PIN is checked
//! by the worker against the stored hash; the answer signs in or says why not.

use super::{Press, write};
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// The longest PIN the screen takes.
const LONGEST_PIN: usize = 12;

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let n = state.staff().len();
    match press.command {
        Command::Up => state.sign_in.selected = state.sign_in.selected.saturating_sub(1),
        Command::Down => {
            state.sign_in.selected = (state.sign_in.selected + 1).min(n.saturating_sub(1))
        }
        Command::PinDigit => {
            if let ratatui::crossterm::event::KeyCode::Char(d) = press.key.code
                && state.sign_in.pin.len() < LONGEST_PIN
            {
                state.sign_in.pin.push(d);
            }
        }
        Command::PinErase => {
            state.sign_in.pin.pop();
        }
        Command::Select => {
            let Some(staff) = state
                .staff()
                .get(state.sign_in.selected)
                .map(|s| s.id.clone())
            else {
                return Vec::new();
            };
            let pin = std::mem::take(&mut state.sign_in.pin);
            return vec![Effect::VerifyPin { staff, pin }];
        }
        _ => {}
    }
    Vec::new()
}

/// The worker's answer to a sign-in attempt.
pub(super) fn pin_checked(state: &mut AppState, staff: &str, check: PinCheck) -> Vec<Effect> {
    // Someone already signed in, or gone from the screen: the answer is stale.
    if state.screen != Screen::SignIn || state.user.is_some() {
        return Vec::new();
    }
    state.dirty = true;
    let lang = state.lang;
    let record = state.staff().into_iter().find(|s| s.id == staff).cloned();
    let (PinCheck::Accepted, Some(record)) = (check, record) else {
        state.sign_in.error = Some(match check {
            PinCheck::NotSet => lang
                .tr(
                    "PIN が未設定です。管理者に設定を依頼してください",
                    "No PIN is set: ask an administrator",
                )
                .to_string(),
            PinCheck::Locked { until } => format!(
                "{} {} {}",
                lang.tr(
                    "PIN の誤りが続いたためロック中:",
                    "Locked after 5 wrong PINs: try again at",
                ),
                crate::tui::view::hhmm(until),
                lang.tr("まで (この端末)", "(JST, this terminal)"),
            ),
            PinCheck::Inactive => lang
                .tr(
                    "この職員は無効にされています。管理者に確認してください",
                    "This staff member is deactivated: ask an administrator",
                )
                .to_string(),
            _ => lang.tr("PIN が違います", "Wrong PIN").to_string(),
        });
        return Vec::new();
    };
    state.sign_in.error = None;
    state.user = Some(record);
    state.screen = Screen::Queue;
    state.queue.day = state.today;
    let mut effects = vec![
        write(state, Write::SignedIn),
        Effect::LoadQueue { day: state.today },
    ];
    // A nurse of a home-care team starts on her team's day.
    effects.extend(super::nursing::open(state, state.today));
    effects
}
