//! 指針 V.1(3): the care plan (診療計画) — that it exists with its nine items, was agreed and is
//! kept for two years; the next steps after an online first visit; the agreement on recordings;
//! and the handover to the hospital that would take a foreseeable deterioration.

use time::{Date, Month};

use crate::domain::format_date;

use super::catalogue::{
    CARE_PLAN_AGREEMENT, CARE_PLAN_EMERGENCY_HANDOVER, CARE_PLAN_ITEMS, CARE_PLAN_MISSING,
    CARE_PLAN_NEXT_STEPS, CARE_PLAN_PATIENT_ACCESS, CARE_PLAN_RECORDING, CARE_PLAN_RETENTION,
};
use super::{Facts, Finding, confirmed, reported, when};

/// 指針 V.1(3)②ⅰ: online care follows a care plan drawn up by the doctor; at an online first
/// visit too, since the agreement to consult online includes the plan's rules (指針 V.1(1)②).
pub(super) fn missing(f: &Facts) -> Vec<Finding> {
    when(f.plan_agreed_before() && !f.c.care_plan.exists(), || {
        CARE_PLAN_MISSING.says(
            "診療計画が記録されていません。",
            "No care plan is recorded.",
            "九つの事項を含む診療計画を定め、患者の合意を得て記録してください。",
            "Draw up a care plan stating the nine items, agree it with the patient and record it.",
        )
    })
}

/// Online-only smoking cessation with regular health checks needs no in-person schedule
/// (指針 V.1(2)②ⅸ).
fn in_person_schedule_waived(f: &Facts) -> bool {
    f.c.smoking_cessation
        .as_ref()
        .is_some_and(|s| confirmed(s.online_only) && confirmed(s.regular_health_checks))
}

/// Item 8 (the doctors' names, and which doctor consults when) is required only
/// 「複数の医師がオンライン診療を実施する予定がある場合」 (指針 V.1(3)②ⅰ): a plan whose recorded
/// doctors are one (or none) needs no item 8. Unrecorded doctors keep the item required, since
/// nothing shows that a single doctor is planned.
fn doctors_item_waived(f: &Facts) -> bool {
    f.c.care_plan.doctors.as_ref().is_some_and(|doctors| {
        let distinct: std::collections::HashSet<&str> = doctors
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .collect();
        distinct.len() <= 1
    })
}

/// 指針 V.1(3)②ⅰ: the plan states nine items — care content; how online and in-person care and
/// tests combine; hours; method and devices; when care stops being online; the patient's
/// cooperation; the emergency plan with the hospital that takes over; the doctors and when each
/// consults (only when several doctors take part, [`doctors_item_waived`]); the
/// responsibilities for security risks.
pub(super) fn items(f: &Facts) -> Vec<Finding> {
    if !f.plan_agreed_before() || !f.c.care_plan.exists() {
        return Vec::new();
    }
    let waived = in_person_schedule_waived(f);
    let single_doctor = doctors_item_waived(f);
    let missing: Vec<(&str, &str)> =
        f.c.care_plan
            .items
            .recorded()
            .filter(|(key, _, stated)| {
                let waived_here = (waived && *key == "in_person_schedule")
                    || (single_doctor && *key == "doctors");
                !(confirmed(*stated) || waived_here)
            })
            .map(|(key, ja, _)| (key, ja))
            .collect();
    when(!missing.is_empty(), || {
        let ja = missing.iter().map(|m| m.1).collect::<Vec<_>>().join("、");
        let en = missing.iter().map(|m| m.0).collect::<Vec<_>>().join(", ");
        CARE_PLAN_ITEMS.finding(
            (
                format!("診療計画に次の事項が記載されていません: {ja}。"),
                format!("The care plan does not state: {en}."),
            ),
            (
                "不足している事項を診療計画に追記し、患者の合意を得てください。".into(),
                "Add the missing items to the care plan and agree them with the patient.".into(),
            ),
        )
    })
}

/// 指針 V.1(1)① and V.1(3)①: the agreement to online care includes the care plan.
pub(super) fn agreement(f: &Facts) -> Vec<Finding> {
    let plan = &f.c.care_plan;
    when(
        f.plan_agreed_before() && plan.exists() && !confirmed(plan.agreed),
        || {
            CARE_PLAN_AGREEMENT.says(
                "診療計画について患者 (または代理人) の合意が記録されていません。",
                "The patient's (or proxy's) agreement to the care plan is not recorded.",
                "診療計画を説明し、合意を得て記録してください。",
                "Explain the care plan, obtain agreement and record it.",
            )
        },
    )
}

/// Two years after `ended`; a plan that ended on 29 February is kept to 1 March.
fn two_years_after(ended: Date) -> Option<Date> {
    let year = ended.year() + 2;
    ended
        .replace_year(year)
        .ok()
        .or_else(|| Date::from_calendar_date(year, Month::March, 1).ok())
}

/// 指針 V.1(3)②ⅰ: the plan is kept for two years (from the end of online care under it).
pub(super) fn retention(f: &Facts) -> Vec<Finding> {
    let plan = &f.c.care_plan;
    let Some(ended) = plan.online_care_ended_on else {
        return Vec::new();
    };
    let Some(required) = two_years_after(ended) else {
        return Vec::new();
    };
    let short = plan.keep_until.is_none_or(|keep| keep < required);
    when(short, || {
        let (ja, en) = match plan.keep_until {
            Some(keep) => (
                format!(
                    "診療計画の保存期限 {} は、オンライン診療終了日 {} から2年 ({}) より前です。",
                    format_date(keep),
                    format_date(ended),
                    format_date(required)
                ),
                format!(
                    "The care plan is kept until {}, less than two years after online care ended on {} ({}).",
                    format_date(keep),
                    format_date(ended),
                    format_date(required)
                ),
            ),
            None => (
                format!(
                    "オンライン診療終了日 {} の診療計画に保存期限が記録されていません。",
                    format_date(ended)
                ),
                format!(
                    "No retention date is recorded for a care plan whose online care ended on {}.",
                    format_date(ended)
                ),
            ),
        };
        CARE_PLAN_RETENTION.finding(
            (ja, en),
            (
                format!("{} まで保存してください。", format_date(required)),
                format!("Keep it until {}.", format_date(required)),
            ),
        )
    })
}

/// 指針 V.1(3)②ⅱ: after an online first visit the doctor explains the next steps — when and how
/// the next consultation is, and where to go in person if symptoms worsen.
pub(super) fn next_steps(f: &Facts) -> Vec<Finding> {
    when(
        f.initial() && !confirmed(f.c.care_plan.next_steps_explained),
        || {
            CARE_PLAN_NEXT_STEPS.says(
                "初診のオンライン診療の後の方針 (次回の日時・方法、症状が悪化した場合の対面受診先) の説明が記録されていません。",
                "No record that the next steps were explained (next consultation, when and how; where to go in person if worse).",
                "診察の後に今後の方針を説明し、記録してください。",
                "Explain the next steps after the consultation and record it.",
            )
        },
    )
}

/// 指針 V.1(3)②ⅲ: video or audio is kept on either side's device only under a prior agreement
/// on whether and where.
pub(super) fn recording(f: &Facts) -> Vec<Finding> {
    let consent = &f.c.consent;
    when(
        f.online() && reported(consent.recording_planned) && !confirmed(consent.recording_agreed),
        || {
            CARE_PLAN_RECORDING.says(
                "映像・音声を保存する予定ですが、保存の要否や保存端末についての医師と患者の合意が記録されていません。",
                "Video or audio is to be kept, but no agreement between doctor and patient on keeping it and where is recorded.",
                "保存の要否と保存先を取り決めて双方で合意するか、保存しないでください。",
                "Agree with the patient whether and where to keep it, or do not keep it.",
            )
        },
    )
}

/// 指針 V.1(3)②ⅳ: where a deterioration the doctor could not handle is foreseen, the hospital
/// that would take it receives the patient's information in advance.
pub(super) fn emergency_handover(f: &Facts) -> Vec<Finding> {
    let plan = &f.c.care_plan;
    when(
        f.online_care()
            && reported(plan.deterioration_expected)
            && !confirmed(plan.emergency_hospital_informed),
        || {
            CARE_PLAN_EMERGENCY_HANDOVER.says(
                "急変が想定されますが、対応できる医療機関への診療情報の事前の伝達が記録されていません。",
                "A deterioration is foreseen, but no record that the hospital able to take it has been given the patient's information.",
                "急変時に対応する医療機関へ定期的に情報提供し、その旨を記録してください。",
                "Send the patient's information to the hospital that would take over, regularly, and record it.",
            )
        },
    )
}

/// 指針 V.1(3)③ⅰ: the patient should be able to read the plan, on paper or electronically.
pub(super) fn patient_access(f: &Facts) -> Vec<Finding> {
    let plan = &f.c.care_plan;
    when(
        f.under_care_plan() && plan.exists() && !confirmed(plan.patient_can_view),
        || {
            CARE_PLAN_PATIENT_ACCESS.says(
                "患者が診療計画を参照できることが記録されていません。",
                "No record that the patient can read the care plan.",
                "文書または電磁的記録で診療計画を患者に渡してください。",
                "Give the patient the care plan on paper or electronically.",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_years_after_handles_leap_days() {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).unwrap();
        assert_eq!(
            two_years_after(d(2024, Month::March, 31)),
            Some(d(2026, Month::March, 31))
        );
        assert_eq!(
            two_years_after(d(2024, Month::February, 29)),
            Some(d(2026, Month::March, 1))
        );
    }
}
