//! The administrator's staff screen: moving through every member of staff (active and not),
//! adding and editing one through the staff form, and deactivating one through the typed confirm
//! step. Only an administrator reaches it; the store refuses what the clinic cannot allow (a
//! duplicate licence number, the last active administrator).

use super::{Press, message, write};
use crate::domain::Role;
use crate::tui::forms::{Form, FormKind, StaffForm};
use crate::tui::keymap::Command;
use crate::tui::state::*;

fn is_admin(state: &AppState) -> bool {
    state.user.as_ref().is_some_and(|u| u.role == Role::Admin)
}

/// `A` on the queue board: the staff screen, for administrators only.
pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    if !is_admin(state) {
        let text = state
            .lang
            .tr("管理者のみが行えます", "Only an administrator can do this");
        message(state, text, true);
        return Vec::new();
    }
    state.screen = Screen::Admin;
    state.admin.selected = 0;
    // The list is read from the clinic as the store has it now.
    vec![Effect::LoadClinic]
}

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let lang = state.lang;
    let n = state.all_staff().len();
    // Signed out, or no longer an administrator (another device changed the role).
    if !is_admin(state) {
        state.screen = Screen::Queue;
        return Vec::new();
    }
    match press.command {
        Command::Up => state.admin.selected = state.admin.selected.saturating_sub(1),
        Command::Down => state.admin.selected = (state.admin.selected + 1).min(n.saturating_sub(1)),
        Command::Back => {
            state.screen = Screen::Queue;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::AddStaff => {
            let Some(clinic) = &state.clinic else {
                return Vec::new();
            };
            let form = StaffForm::new(lang, clinic, None);
            state.overlay = Some(Overlay::Form(Form::new(
                StaffForm::title(lang, true),
                FormKind::Staff(Box::new(form)),
            )));
        }
        Command::EditStaff | Command::DeactivateStaff => {
            let Some(selected) = state
                .all_staff()
                .get(state.admin.selected)
                .map(|s| (*s).clone())
            else {
                message(
                    state,
                    lang.tr("職員が選ばれていません", "No staff member selected"),
                    true,
                );
                return Vec::new();
            };
            if press.command == Command::EditStaff {
                let Some(clinic) = &state.clinic else {
                    return Vec::new();
                };
                let form = StaffForm::new(lang, clinic, Some(&selected));
                state.overlay = Some(Overlay::Form(Form::new(
                    StaffForm::title(lang, false),
                    FormKind::Staff(Box::new(form)),
                )));
            } else if !selected.active {
                message(state, lang.tr("既に無効です", "Already deactivated"), true);
            } else if state.user.as_ref().is_some_and(|u| u.id == selected.id) {
                let text = lang.tr(
                    "サインイン中の自分は無効にできません",
                    "You cannot deactivate yourself while signed in",
                );
                message(state, text, true);
            } else {
                state.overlay = Some(Overlay::Confirm(Confirm::Deactivate {
                    staff_id: selected.id,
                    name: selected.name,
                }));
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The deactivation passed its confirm step.
pub(super) fn confirmed(state: &mut AppState, staff_id: String) -> Vec<Effect> {
    if !is_admin(state) {
        return Vec::new();
    }
    vec![write(state, Write::DeactivateStaff { staff_id })]
}
