//! 指針 V.2(1): where the doctor consults from — belonging to a clinic, a quiet place with a
//! stable network, the records at hand, and a room no third party can see or hear into.

use super::catalogue::{
    PLACE_DOCTOR_AFFILIATION, PLACE_DOCTOR_PRIVATE, PLACE_DOCTOR_RECORDS, PLACE_DOCTOR_UNSUITABLE,
};
use super::{Facts, Finding, confirmed, when};

/// 指針 V.2(1)②ⅰ: the doctor belongs to a clinic and makes that known.
pub(super) fn doctor_affiliation(f: &Facts) -> Vec<Finding> {
    when(f.online() && f.c.doctor.affiliated == Some(false), || {
        PLACE_DOCTOR_AFFILIATION.says(
            "医師が医療機関に所属していない、またはその所属を明らかにしていないと記録されています。",
            "The doctor is recorded as not belonging to a clinic, or as not having made it known.",
            "医療機関に所属する医師が、所属を明らかにして診療してください。",
            "The consultation is held by a doctor who belongs to a clinic and says which.",
        )
    })
}

/// 指針 V.2(1)②ⅲ: not from a place where noise or an unstable network impairs judgement.
pub(super) fn doctor_unsuitable(f: &Facts) -> Vec<Finding> {
    when(
        f.online() && f.c.doctor.location.suitable == Some(false),
        || {
            PLACE_DOCTOR_UNSUITABLE.says(
                "医師のいる場所は騒音や通信の不安定さにより適切な判断を害すると記録されています。",
                "The doctor's place is recorded as noisy or with an unstable network.",
                "静かで通信の安定した場所に移ってから診療してください。",
                "Move to a quiet place with a stable connection before consulting.",
            )
        },
    )
}

/// 指針 V.2(1)②ⅳ: outside the clinic the doctor has the patient's records at hand, to learn as
/// much as in the clinic.
pub(super) fn doctor_records(f: &Facts) -> Vec<Finding> {
    let loc = &f.c.doctor.location;
    when(
        f.online() && loc.in_clinic == Some(false) && !confirmed(loc.records_accessible),
        || {
            PLACE_DOCTOR_RECORDS.says(
                "医療機関外での診療ですが、診療録等を参照できる体制が記録されていません。",
                "The doctor is outside the clinic, with no record of access to the patient's records.",
                "診療録等を参照できる環境で診療してください。",
                "Consult where the patient's records can be read.",
            )
        },
    )
}

/// 指針 V.2(1)②ⅴ: the doctor consults from a physically isolated room, so that no third party
/// learns anything of the patient.
pub(super) fn doctor_private(f: &Facts) -> Vec<Finding> {
    let loc = &f.c.doctor.location;
    when(f.online() && !confirmed(loc.private), || {
        let (ja, en) = match loc.description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => (
                format!(
                    "医師のいる場所 ({d}) が外部から隔離された空間であることが確認されていません。"
                ),
                format!("The doctor's place ({d}) is not confirmed to be physically isolated."),
            ),
            None => (
                "医師が外部から隔離された空間にいることが確認されていません。".to_string(),
                "The doctor is not confirmed to be in a physically isolated room.".to_string(),
            ),
        };
        PLACE_DOCTOR_PRIVATE.finding(
            (ja, en),
            (
                "公衆の場を避け、第三者に見聞きされない個室で診療してください。".into(),
                "Consult from a private room where no one can see or hear, never a public place."
                    .into(),
            ),
        )
    })
}
