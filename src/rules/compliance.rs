//! The compliance report: every online encounter of a period judged again through the one fact
//! model ([`super::facts::stored_case`]), with its open blocks, its overrides and the billing
//! record items it lacks, and totals per doctor and per rule.

use std::collections::BTreeMap;

use serde::Serialize;
use time::macros::offset;

use crate::domain::{Clinic, Date, Instant, Patient, format_date};

use super::{DrugLookup, evaluate, facts};

/// One online encounter of the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncounterLine {
    pub patient: String,
    pub encounter: String,
    /// `YYYY-MM-DD` (JST).
    pub day: String,
    pub visit: &'static str,
    pub doctor: Option<String>,
    pub signed: bool,
    /// Blocks in force that no override names.
    pub open_blocks: Vec<&'static str>,
    /// Each override on the encounter: the finding it names, the reason and the doctor.
    pub overrides: Vec<OverrideLine>,
    /// The billing record items (算定要件) the chart lacks: `billing.*` rules that fire.
    pub missing_billing: Vec<&'static str>,
    /// Set when the encounter could not be judged (no doctor, doctor not on staff).
    pub error: Option<String>,
}

/// One override as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideLine {
    pub rule: String,
    pub clause: String,
    /// The drug of the prescription line it is about, if it is about one.
    pub drug: Option<String>,
    pub reason: String,
    /// Staff id of the doctor.
    pub by: String,
}

/// Totals for one doctor.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DoctorTotals {
    pub encounters: usize,
    pub signed: usize,
    pub with_open_blocks: usize,
    pub open_blocks: usize,
    pub overrides: usize,
    pub missing_billing: usize,
}

/// The report of one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComplianceReport {
    pub from: String,
    pub to: String,
    pub encounters: Vec<EncounterLine>,
    /// Keyed by staff id; `-` for an encounter without a doctor.
    pub per_doctor: BTreeMap<String, DoctorTotals>,
    /// Open blocks per rule id.
    pub per_rule: BTreeMap<&'static str, usize>,
}

fn visit_name(kind: crate::domain::VisitKind) -> &'static str {
    use crate::domain::VisitKind::*;
    match kind {
        OnlineInitial => "online_initial",
        OnlineFollowup => "online_followup",
        InPerson => "in_person",
        PreConsult => "pre_consult",
        DToPWithD => "d_to_p_with_d",
        DToPWithN => "d_to_p_with_n",
        HomeNursing => "home_nursing",
    }
}

/// The JST day of an instant.
fn jst_day(at: Instant) -> Date {
    at.to_offset(offset!(+9)).date()
}

/// Adds the online encounters of `patient` that started between `from` and `to` (inclusive, JST)
/// to `report`, each judged at `now`. `pre_consult_done` answers, for a queue entry id, whether
/// it records a pre-consult.
pub fn add_patient(
    report: &mut ComplianceReport,
    patient: &Patient,
    clinic: Option<&Clinic>,
    drugs: &dyn DrugLookup,
    (from, to): (Date, Date),
    now: Instant,
    pre_consult_done: &dyn Fn(&str) -> bool,
) {
    for e in patient.encounters.values() {
        if !e.kind.is_online() {
            continue;
        }
        let Some(day) = e.started_at.map(jst_day) else {
            continue;
        };
        if day < from || day > to {
            continue;
        }
        let pre = e.queue_entry.as_deref().is_some_and(pre_consult_done);
        let mut line = EncounterLine {
            patient: patient.id.clone(),
            encounter: e.id.clone(),
            day: format_date(day),
            visit: visit_name(e.kind),
            doctor: e.doctor.clone(),
            signed: e.signed_at.is_some(),
            open_blocks: Vec::new(),
            overrides: e
                .overrides
                .values()
                .map(|o| OverrideLine {
                    rule: o.finding.rule.clone(),
                    clause: o.finding.clause.clone(),
                    drug: o.finding.drug_name.clone(),
                    reason: o.reason.clone(),
                    by: o.by.clone(),
                })
                .collect(),
            missing_billing: Vec::new(),
            error: None,
        };
        match facts::stored_case(patient, &e.id, clinic, day, pre) {
            Ok(case) => {
                for f in evaluate(&case, drugs, now) {
                    if f.rule.starts_with("billing.") {
                        line.missing_billing.push(f.rule);
                    }
                    if f.is_open_block(e) {
                        line.open_blocks.push(f.rule);
                    }
                }
                line.open_blocks.dedup();
            }
            Err(err) => line.error = Some(err.to_string()),
        }
        let doctor = line.doctor.clone().unwrap_or_else(|| "-".into());
        let t = report.per_doctor.entry(doctor).or_default();
        t.encounters += 1;
        t.signed += usize::from(line.signed);
        t.with_open_blocks += usize::from(!line.open_blocks.is_empty());
        t.open_blocks += line.open_blocks.len();
        t.overrides += line.overrides.len();
        t.missing_billing += line.missing_billing.len();
        for rule in &line.open_blocks {
            *report.per_rule.entry(rule).or_default() += 1;
        }
        report.encounters.push(line);
    }
}

impl ComplianceReport {
    pub fn new(from: Date, to: Date) -> ComplianceReport {
        ComplianceReport {
            from: format_date(from),
            to: format_date(to),
            ..ComplianceReport::default()
        }
    }

    /// Encounters in day, patient, encounter order, so the report reads as a log.
    pub fn sort(&mut self) {
        self.encounters.sort_by(|a, b| {
            (&a.day, &a.patient, &a.encounter).cmp(&(&b.day, &b.patient, &b.encounter))
        });
    }

    /// The report as terminal lines: one per encounter, then the totals.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "オンライン診療 コンプライアンス報告 / compliance report {} – {}: {} encounters",
            self.from,
            self.to,
            self.encounters.len()
        )];
        for e in &self.encounters {
            let signed = if e.signed { "signed" } else { "UNSIGNED" };
            out.push(format!(
                "{}  {}/{}  {}  {}  {}  blocks {}  overrides {}  billing missing {}",
                e.day,
                e.patient,
                e.encounter,
                e.visit,
                e.doctor.as_deref().unwrap_or("-"),
                signed,
                e.open_blocks.len(),
                e.overrides.len(),
                e.missing_billing.len()
            ));
            if let Some(err) = &e.error {
                out.push(format!("    error: {err}"));
            }
            if !e.open_blocks.is_empty() {
                out.push(format!("    open: {}", e.open_blocks.join(", ")));
            }
            for o in &e.overrides {
                let drug = o
                    .drug
                    .as_deref()
                    .map(|d| format!(" [{d}]"))
                    .unwrap_or_default();
                out.push(format!(
                    "    override {}{drug} ({}): {}, by {}",
                    o.rule, o.clause, o.reason, o.by
                ));
            }
            if !e.missing_billing.is_empty() {
                out.push(format!("    billing: {}", e.missing_billing.join(", ")));
            }
        }
        out.push("医師別 / per doctor".into());
        for (doctor, t) in &self.per_doctor {
            out.push(format!(
                "  {doctor}: {} encounters, {} signed, {} with open blocks ({} blocks), {} overrides, {} billing items missing",
                t.encounters, t.signed, t.with_open_blocks, t.open_blocks, t.overrides, t.missing_billing
            ));
        }
        out.push("規則別の未解決ブロック / open blocks per rule".into());
        let mut rules: Vec<(&&str, &usize)> = self.per_rule.iter().collect();
        rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (rule, n) in rules {
            out.push(format!("  {rule}: {n}"));
        }
        out
    }
}
