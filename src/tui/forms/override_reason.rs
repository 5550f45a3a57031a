//! The written reason for overriding a block (最低限遵守する事項): the override is audited with
//! it, after a confirm step.

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::tui::i18n::Lang;
use crate::tui::state::Confirm;

/// The fewest characters (not bytes: Japanese counts by character) a reason may have.
const SHORTEST_REASON: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct OverrideForm {
    /// The rule whose block is overridden.
    pub rule: String,
    pub reason: Text,
}

impl OverrideForm {
    pub fn new(lang: Lang, rule: String) -> OverrideForm {
        OverrideForm {
            rule,
            reason: Text::new(lang.tr("理由", "reason"), ""),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "ブロックの解除: 理由を記載",
            "Override a block: write the reason",
        )
    }

    /// The confirm step the override passes through before it is recorded.
    pub fn submit(&self) -> Result<Confirm, FormError> {
        let reason = self.reason.value();
        if reason.chars().count() < SHORTEST_REASON {
            return Err(FormError::ReasonTooShort);
        }
        Ok(Confirm::Override {
            rule: self.rule.clone(),
            reason,
        })
    }
}

impl Fields for OverrideForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.reason).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.reason).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_needs_five_characters() {
        let cases: [(&str, Option<&str>); 6] = [
            ("", None),
            ("four", None),
            ("理由です", None),
            ("   ok    ", None),
            ("理由は明白", Some("理由は明白")),
            (" no camera today ", Some("no camera today")),
        ];
        for (typed, accepted) in cases {
            let mut f = OverrideForm::new(Lang::En, "consent.agreement".into());
            f.reason = Text::new("reason", typed);
            let want = match accepted {
                Some(reason) => Ok(Confirm::Override {
                    rule: "consent.agreement".into(),
                    reason: reason.into(),
                }),
                None => Err(FormError::ReasonTooShort),
            };
            assert_eq!(f.submit(), want, "{typed:?}");
        }
    }
}
