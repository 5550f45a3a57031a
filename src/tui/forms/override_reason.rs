//! The written reason for overriding a block (最低限遵守する事項): the form names the one
//! finding it overrides (rule, clause, message and the prescription line's drug), and the
//! override is audited with it after a confirm step.

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::OverriddenFinding;
use crate::tui::i18n::Lang;
use crate::tui::state::Confirm;

/// The fewest characters (not bytes: Japanese counts by character) a reason may have.
const SHORTEST_REASON: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct OverrideForm {
    /// The finding whose block is overridden.
    pub finding: OverriddenFinding,
    pub reason: Text,
}

impl OverrideForm {
    pub fn new(lang: Lang, finding: OverriddenFinding) -> OverrideForm {
        OverrideForm {
            finding,
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
            finding: Box::new(self.finding.clone()),
            reason,
        })
    }
}

/// The finding an override names, as the dialog and its confirm step show it.
pub fn describe(lang: Lang, f: &OverriddenFinding) -> Vec<String> {
    let mut lines = vec![format!("{} ({})", f.rule, f.clause)];
    if let Some(drug) = &f.drug_name {
        lines.push(format!("{}: {drug}", lang.tr("処方", "prescription")));
    }
    lines.push(
        match lang {
            Lang::Ja => &f.message_ja,
            Lang::En => &f.message_en,
        }
        .clone(),
    );
    lines
}

impl Fields for OverrideForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.reason).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.reason).into())
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        describe(lang, &self.finding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> OverriddenFinding {
        OverriddenFinding {
            rule: "consent.agreement".into(),
            clause: "指針 V.1(1)②ⅰ".into(),
            message_ja: "合意が記録されていません。".into(),
            message_en: "No agreement is recorded.".into(),
            line: None,
            drug_name: None,
        }
    }

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
            let mut f = OverrideForm::new(Lang::En, finding());
            f.reason = Text::new("reason", typed);
            let want = match accepted {
                Some(reason) => Ok(Confirm::Override {
                    finding: Box::new(finding()),
                    reason: reason.into(),
                }),
                None => Err(FormError::ReasonTooShort),
            };
            assert_eq!(f.submit(), want, "{typed:?}");
        }
    }

    #[test]
    fn the_dialog_names_the_finding_and_its_drug() {
        let mut f = finding();
        f.rule = "rx.initial.psychotropic".into();
        f.drug_name = Some("マイスリー錠５ｍｇ".into());
        let about = OverrideForm::new(Lang::Ja, f).about(Lang::Ja);
        assert_eq!(about[0], "rx.initial.psychotropic (指針 V.1(1)②ⅰ)");
        assert_eq!(about[1], "処方: マイスリー錠５ｍｇ");
        assert_eq!(about[2], "合意が記録されていません。");
    }
}
