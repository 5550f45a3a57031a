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

/// What the doctor can do to clear a finding that no override can clear: data for the screen to
/// offer, each with its label in Japanese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Record the underlying conditions as known, with their sources (指針 V.1(2)②ⅳ).
    RecordHistory,
    /// Shorten the course to 7 days or fewer.
    ShortenCourse,
    /// Remove the prescription line.
    RemoveLine,
    /// Hold the visit in person instead.
    SwitchToInPerson,
}

impl Resolution {
    /// The snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::RecordHistory => "record_history",
            Resolution::ShortenCourse => "shorten_course",
            Resolution::RemoveLine => "remove_line",
            Resolution::SwitchToInPerson => "switch_to_in_person",
        }
    }

    /// The label in Japanese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Resolution::RecordHistory => (
                "基礎疾患等の情報とその情報源を記録する",
                "record the underlying conditions and their sources",
            ),
            Resolution::ShortenCourse => {
                ("7日分以内に減らす", "shorten the course to 7 days or fewer")
            }
            Resolution::RemoveLine => ("処方を削除する", "remove the line"),
            Resolution::SwitchToInPerson => ("対面診療に切り替える", "switch to in-person care"),
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
    /// Whether a doctor may proceed over a block of this rule with a written reason. `false` for
    /// the prohibitions the 指針 states without exception (「…は行わないこと」); rules it states
    /// 「原則として」 stay overridable.
    pub overridable: bool,
    /// What clears a finding of this rule when it cannot be overridden.
    pub resolutions: &'static [Resolution],
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
            overridable: self.overridable,
            resolutions: self.resolutions,
            line: None,
        }
    }

    /// This rule made a prohibition no override can clear, cleared only by `resolutions`.
    pub const fn not_overridable(self, resolutions: &'static [Resolution]) -> RuleInfo {
        RuleInfo {
            overridable: false,
            resolutions,
            ..self
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
    /// Whether an override with a reason may proceed over it (the rule's, [`RuleInfo`]).
    pub overridable: bool,
    /// What clears it when it cannot be overridden; empty otherwise.
    pub resolutions: &'static [Resolution],
    /// The id of the prescription line the finding is about, when it is about one line, so that
    /// an override can name the line and be withdrawn with it.
    pub line: Option<String>,
}

impl Finding {
    pub fn is_block(&self) -> bool {
        self.severity == Severity::Block
    }

    /// The override on `encounter` that lets the doctor proceed past this finding: one naming
    /// it (its rule and its line), on a finding that may be overridden at all.
    pub fn override_on<'e>(
        &self,
        encounter: &'e crate::domain::Encounter,
    ) -> Option<(&'e String, &'e crate::domain::Override)> {
        if !self.overridable {
            return None;
        }
        // Two findings of one rule on one line (a drug contraindicated with two medications)
        // are two overrides: the message tells them apart. A record without the message
        // names the rule and line only.
        encounter.overrides.iter().find(|(_, o)| {
            o.covers(self.rule, self.line.as_deref())
                && (o.finding.message_en.is_empty() || o.finding.message_en == self.message_en)
        })
    }

    /// A block no override on `encounter` lets the doctor past.
    pub fn is_open_block(&self, encounter: &crate::domain::Encounter) -> bool {
        self.is_block() && self.override_on(encounter).is_none()
    }

    /// What an override over this finding records of it; `drug_name` is its line's drug.
    pub fn overridden(&self, drug_name: Option<String>) -> crate::domain::OverriddenFinding {
        crate::domain::OverriddenFinding {
            rule: self.rule.to_string(),
            clause: self.clause.to_string(),
            message_ja: self.message_ja.clone(),
            message_en: self.message_en.clone(),
            line: self.line.clone(),
            drug_name,
        }
    }

    /// The same finding, about the prescription line `id` (none when the line has no id).
    pub fn on_line(mut self, id: Option<&str>) -> Finding {
        self.line = id.map(str::to_string);
        self
    }
}
