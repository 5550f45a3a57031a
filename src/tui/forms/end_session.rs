//! Ending the session: completed online, or switched to in-person care with the reason and
//! where the patient is referred (指針 V.1(3)②ⅱ, the plan's conditions for switching).

use super::{Choice, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{Outcome, Referral};
use crate::tui::i18n::Lang;

/// How the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Completed,
    SwitchToInPerson,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndSessionForm {
    pub ending: Choice<Ending>,
    /// Why care switches to in person.
    pub reason: Text,
    pub referred_to: Text,
}

impl EndSessionForm {
    pub fn new(lang: Lang) -> EndSessionForm {
        EndSessionForm {
            ending: Choice::new(
                lang.tr("転帰", "outcome"),
                vec![
                    (Ending::Completed, lang.tr("完了", "completed").into()),
                    (
                        Ending::SwitchToInPerson,
                        lang.tr("対面診療へ切替", "switch to in person").into(),
                    ),
                ],
                0,
            ),
            reason: Text::new(lang.tr("切替の理由", "reason for switching"), ""),
            referred_to: Text::new(lang.tr("紹介先", "referred to"), ""),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("診察終了", "End the session")
    }

    /// The encounter's outcome.
    pub fn submit(&self) -> Result<Outcome, FormError> {
        match self.ending.value() {
            Some(Ending::SwitchToInPerson) => {
                let reason = self.reason.value();
                if reason.is_empty() {
                    return Err(FormError::NoSwitchReason);
                }
                let to = self.referred_to.value();
                Ok(Outcome::SwitchedToInPerson {
                    reason,
                    referral: (!to.is_empty()).then_some(Referral {
                        to,
                        reason: String::new(),
                    }),
                })
            }
            _ => Ok(Outcome::Completed),
        }
    }
}

impl Fields for EndSessionForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.ending).into(),
            (&self.reason).into(),
            (&self.referred_to).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        Some(match i {
            0 => (&mut self.ending).into(),
            1 => (&mut self.reason).into(),
            2 => (&mut self.referred_to).into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_needs_a_reason_and_may_name_a_referral() {
        // (ending, reason, referred to, expected)
        let cases = [
            (Ending::Completed, "", "", Ok(Outcome::Completed)),
            // A reason typed for a completed session is not recorded.
            (Ending::Completed, "理由", "病院", Ok(Outcome::Completed)),
            (
                Ending::SwitchToInPerson,
                "  ",
                "",
                Err(FormError::NoSwitchReason),
            ),
            (
                Ending::SwitchToInPerson,
                "聴診が必要",
                "",
                Ok(Outcome::SwitchedToInPerson {
                    reason: "聴診が必要".into(),
                    referral: None,
                }),
            ),
            (
                Ending::SwitchToInPerson,
                "聴診が必要",
                " 市民病院 ",
                Ok(Outcome::SwitchedToInPerson {
                    reason: "聴診が必要".into(),
                    referral: Some(Referral {
                        to: "市民病院".into(),
                        reason: String::new(),
                    }),
                }),
            ),
        ];
        for (ending, reason, to, expected) in cases {
            let mut f = EndSessionForm::new(Lang::Ja);
            f.ending.selected = usize::from(ending == Ending::SwitchToInPerson);
            f.reason = Text::new("", reason);
            f.referred_to = Text::new("", to);
            assert_eq!(f.submit(), expected, "{ending:?} {reason:?} {to:?}");
        }
    }
}
