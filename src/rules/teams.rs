//! Who consults with whom: the doctors a care plan names and their substitutes (指針 V.1(2)②ⅷ),
//! the nurse at D to P with N (指針 V.2(3)) and the partner doctor at D to P with D (指針 V.2(4)).

use crate::domain::VisitKind;

use super::catalogue::{
    DPD_INFORMATION, DPD_PARTNER_PRESENT, DPD_PARTNER_TREATING, DPD_RESPONSIBILITY,
    DPN_INSTRUCTIONS, DPN_NURSE_PRESENT, DPN_TEAM, TEAM_NAMED_DOCTORS, TEAM_SUBSTITUTE,
};
use super::{Facts, Finding, confirmed, when};

/// 指針 V.1(2)②ⅷ: several doctors may take turns online only when the care plan names them; a
/// doctor it does not name consults only as a substitute (see [`substitute`]).
pub(super) fn named_doctors(f: &Facts) -> Vec<Finding> {
    let named = f.c.care_plan.doctors.as_deref().unwrap_or_default();
    let Some(doctor) = f.c.doctor.id.as_deref() else {
        return Vec::new();
    };
    let unnamed = !named.is_empty() && !named.iter().any(|n| n.trim() == doctor.trim());
    when(
        f.under_care_plan() && unnamed && f.c.doctor.substitute.is_none(),
        || {
            TEAM_NAMED_DOCTORS.finding(
                (
                    format!("医師 {doctor} は診療計画に氏名が記載されていません (記載: {})。", named.join("、")),
                    format!("Doctor {doctor} is not named in the care plan (named: {}).", named.join(", ")),
                ),
                (
                    "診療計画に医師名と担当する場合を追記して患者の合意を得るか、代診として患者の同意と引継ぎを記録してください。".into(),
                    "Add the doctor and when they consult to the care plan with the patient's agreement, or record them as a substitute with consent and handover.".into(),
                ),
            )
        },
    )
}

/// 指針 V.1(2)②ⅷ: a substitute doctor (代診医) the plan did not foresee may consult when the
/// patient agrees and a full handover, including the chart, has been made.
pub(super) fn substitute(f: &Facts) -> Vec<Finding> {
    let Some(sub) = &f.c.doctor.substitute else {
        return Vec::new();
    };
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if !confirmed(sub.patient_consented) {
        missing.push(("患者の同意", "the patient's consent"));
    }
    if !confirmed(sub.handover_done) {
        missing.push((
            "診療録記載を含む十分な引継ぎ",
            "a full handover including the chart",
        ));
    }
    when(f.online_care() && !missing.is_empty(), || {
        let ja = missing.iter().map(|m| m.0).collect::<Vec<_>>().join("、");
        let en = missing
            .iter()
            .map(|m| m.1)
            .collect::<Vec<_>>()
            .join(" and ");
        TEAM_SUBSTITUTE.finding(
            (
                format!("代診医によるオンライン診療に、{ja}が記録されていません。"),
                format!("A substitute doctor consults online without {en} on record."),
            ),
            (
                "患者の同意を得て、診療録を含む引継ぎを行い記録してください。".into(),
                "Obtain the patient's consent and hand over fully, chart included, and record both.".into(),
            ),
        )
    })
}

/// 指針 V.2(3)①: D to P with N means a nurse is at the patient's side.
pub(super) fn dpn_nurse_present(f: &Facts) -> Vec<Finding> {
    when(
        f.kind == VisitKind::DToPWithN && !confirmed(f.c.nurse.present),
        || {
            DPN_NURSE_PRESENT.says(
                "D to P with N ですが、看護師等が患者の側にいることが記録されていません。",
                "D to P with N, but no nurse is recorded at the patient's side.",
                "看護師等の同席を記録するか、通常のオンライン診療として記録してください。",
                "Record the nurse's presence, or record the visit as an ordinary online consultation.",
            )
        },
    )
}

/// 指針 V.2(3)②: the nurse acts on the doctor's instructions, within what the care plan and the
/// 訪問看護指示書 foresee.
pub(super) fn dpn_instructions(f: &Facts) -> Vec<Finding> {
    let given =
        f.c.nurse
            .instructions
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty());
    when(f.kind == VisitKind::DToPWithN && !given, || {
        DPN_INSTRUCTIONS.says(
            "看護師等への診療の補助行為の指示 (当日有効な訪問看護指示書の観察項目等) が記録されていません。",
            "No instructions to the nurse for the care they give (what to observe, in a 訪問看護指示書 in force on the day) are recorded.",
            "診療計画及び訪問看護指示書に基づく指示 (予測されない症状への追加検査を含む) を記録してください。",
            "Record the instructions under the care plan and the 訪問看護指示書 (including any extra tests for unforeseen symptoms).",
        )
    })
}

/// 指針 V.2(3)③: D to P with N is, as a rule, by a doctor who makes regular home visits, with a
/// nurse of the same clinic or one working under its 訪問看護指示書.
pub(super) fn dpn_team(f: &Facts) -> Vec<Finding> {
    let nurse = &f.c.nurse;
    let nurse_ok = confirmed(nurse.same_clinic) || confirmed(nurse.visiting_nurse_order);
    let doctor_ok = confirmed(f.c.doctor.regular_home_visits);
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if !doctor_ok {
        missing.push((
            "医師が訪問診療等を定期的に行っていること",
            "that the doctor makes regular home visits",
        ));
    }
    if !nurse_ok {
        missing.push((
            "看護師等が同一医療機関の所属か訪問看護の指示を受けていること",
            "that the nurse belongs to the clinic or works under its visiting-nurse order",
        ));
    }
    when(
        f.kind == VisitKind::DToPWithN && !missing.is_empty(),
        || {
            let ja = missing.iter().map(|m| m.0).collect::<Vec<_>>().join("、");
            let en = missing.iter().map(|m| m.1).collect::<Vec<_>>().join("; ");
            DPN_TEAM.finding(
                (
                    format!("D to P with N の体制が記録されていません: {ja}。"),
                    format!("The D to P with N team is not recorded: {en}."),
                ),
                (
                    "担当医師と看護師等の関係を確認し記録してください。".into(),
                    "Confirm and record how the doctor and the nurse work with this patient."
                        .into(),
                ),
            )
        },
    )
}

fn dpd(f: &Facts) -> bool {
    f.kind == VisitKind::DToPWithD
}

/// 指針 V.2(4)①: D to P with D means a doctor is with the patient.
pub(super) fn dpd_partner_present(f: &Facts) -> Vec<Finding> {
    when(dpd(f) && !confirmed(f.c.partner_doctor.present), || {
        DPD_PARTNER_PRESENT.says(
            "D to P with D ですが、患者の側に医師がいることが記録されていません。",
            "D to P with D, but no doctor is recorded at the patient's side.",
            "患者の側の医師 (主治医等) の同席を記録してください。",
            "Record the doctor (the 主治医) at the patient's side.",
        )
    })
}

/// 指針 V.2(4)①: the doctor with the patient is the 主治医 who has already seen them in person.
pub(super) fn dpd_partner_treating(f: &Facts) -> Vec<Finding> {
    when(
        dpd(f) && !confirmed(f.c.partner_doctor.already_treating),
        || {
            DPD_PARTNER_TREATING.says(
                "患者の側の医師が、既に直接の対面診療を行っている主治医等であることが記録されていません。",
                "The doctor with the patient is not recorded as the 主治医 who has already seen them in person.",
                "主治医等であることを確認し記録してください。",
                "Confirm and record that the partner is the patient's 主治医.",
            )
        },
    )
}

/// 指針 V.2(4)①: the remote doctor receives enough information from the 主治医 beforehand.
pub(super) fn dpd_information(f: &Facts) -> Vec<Finding> {
    when(
        dpd(f) && !confirmed(f.c.partner_doctor.information_provided),
        || {
            DPD_INFORMATION.says(
                "遠隔地の医師が主治医等からあらかじめ十分な情報提供を受けたことが記録されていません。",
                "No record that the remote doctor received enough information from the 主治医 beforehand.",
                "診療情報提供書等による事前の情報提供を受け、記録してください。",
                "Obtain the information beforehand (referral letter etc.) and record it.",
            )
        },
    )
}

/// 指針 V.2(4)①: the two doctors agree beforehand on who is responsible if a problem arises.
pub(super) fn dpd_responsibility(f: &Facts) -> Vec<Finding> {
    when(
        dpd(f) && !confirmed(f.c.partner_doctor.responsibility_agreed),
        || {
            DPD_RESPONSIBILITY.says(
                "問題が生じた場合の責任分担等の事前協議が記録されていません。",
                "No prior agreement on who is responsible if a problem arises is recorded.",
                "主治医等と責任分担を協議し、記録してください。",
                "Agree the division of responsibility with the 主治医 and record it.",
            )
        },
    )
}
