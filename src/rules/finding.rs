//! What a rule says about a consultation: a finding, how serious it is, and the catalogue entry
//! that names the rule and the clause it implements.

use serde::Serialize;

/// How a finding weighs on the consultation.
///
/// 最低限遵守する事項 (what the 指針 says must be done) become [`Severity::Block`]: proceeding needs
/// an override with a written reason. 推奨される事項 (what it recommends) become
/// [`Severity::Warn`] or [`Severity::Info`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Block,
    Warn,
    Info,
}

impl Severity {
    /// The lowercase name used in JSON output and in the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Info => "info",
        }
    }
}

/// One rule of the catalogue: its stable id, the clause it implements, and what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id, e.g. `rx.initial.psychotropic`.
    pub id: &'static str,
    /// The clause, e.g. 「指針 V.1(5)②ⅰ」.
    pub clause: &'static str,
    pub severity: Severity,
    pub summary_ja: &'static str,
    pub summary_en: &'static str,
}

impl RuleInfo {
    /// A finding of this rule, with the rule's own id, clause and severity.
    pub fn finding(&self, message: (String, String), resolve: (String, String)) -> Finding {
        Finding {
            rule: self.id,
            clause: self.clause,
            severity: self.severity,
            message_ja: message.0,
            message_en: message.1,
            resolve_ja: resolve.0,
            resolve_en: resolve.1,
        }
    }

    /// A finding whose messages need no detail beyond fixed text.
    pub fn says(
        &self,
        message_ja: &str,
        message_en: &str,
        resolve_ja: &str,
        resolve_en: &str,
    ) -> Finding {
        self.finding(
            (message_ja.to_string(), message_en.to_string()),
            (resolve_ja.to_string(), resolve_en.to_string()),
        )
    }
}

/// What one rule found about one consultation: which rule, which clause, how serious, what is
/// wrong and what would resolve it, in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub clause: &'static str,
    pub severity: Severity,
    pub message_ja: String,
    pub message_en: String,
    pub resolve_ja: String,
    pub resolve_en: String,
}

impl Finding {
    pub fn is_block(&self) -> bool {
        self.severity == Severity::Block
    }
}
