//! 指針 V.2(2) and V.2(5): the privacy and security confirmations made at every consultation, and
//! the explanation of security risks when online care is agreed.

use super::catalogue::{
    SECURITY_DOCTOR_CONNECTS, SECURITY_PATIENT_PRIVACY, SECURITY_RECORDING,
    SECURITY_RISK_EXPLAINED, SECURITY_THIRD_PARTY,
};
use super::consultation::ExplainedTopic;
use super::{Facts, Finding, confirmed, when};

/// 指針 V.2(2)②ⅱ and V.2(5)②1-1): the patient is in a space physically isolated from others.
pub(super) fn patient_privacy(f: &Facts) -> Vec<Finding> {
    when(
        f.online() && !confirmed(f.c.security.privacy_confirmed),
        || {
            SECURITY_PATIENT_PRIVACY.says(
                "患者がプライバシーの保たれた空間にいることが確認されていません。",
                "The patient is not confirmed to be in a private space.",
                "診療の開始時に、患者が外部から隔離された空間にいることを確認してください。",
                "At the start, confirm that the patient is in a space isolated from others.",
            )
        },
    )
}

/// 指針 V.2(5)②1-1): the doctor shows whether anyone uninvolved is in the doctor's room and
/// confirms no third party is with the patient (family or supporters only with both sides'
/// agreement).
pub(super) fn third_party(f: &Facts) -> Vec<Finding> {
    when(
        f.online() && !confirmed(f.c.security.no_third_party_confirmed),
        || {
            SECURITY_THIRD_PARTY.says(
                "医師側・患者側の空間に第三者がいないことの確認が記録されていません。",
                "No confirmation is recorded that no third party is in the doctor's or the patient's room.",
                "医師側に診療に関わらない者がいないことを示し、患者側に第三者がいないことを確認してください。",
                "Show that nobody uninvolved is in the doctor's room and confirm nobody else is with the patient.",
            )
        },
    )
}

/// 指針 V.2(5)②1-1): neither side records, films or photographs without agreement.
pub(super) fn recording(f: &Facts) -> Vec<Finding> {
    when(
        f.online() && !confirmed(f.c.security.no_unagreed_recording_confirmed),
        || {
            SECURITY_RECORDING.says(
                "同意のない録音・録画・撮影を双方が行わないことの確認が記録されていません。",
                "No confirmation is recorded that neither side records, films or photographs without agreement.",
                "診療の開始時に、双方が同意なく録音・録画・撮影しないことを確認してください。",
                "At the start, confirm that neither side records without agreement.",
            )
        },
    )
}

/// 指針 V.2(5)②1-2) and 3-1): over a general-purpose service the doctor connects to the patient
/// (who logged in and waits), never the other way, so that no third party joins.
pub(super) fn doctor_connects(f: &Facts) -> Vec<Finding> {
    when(
        f.online()
            && confirmed(f.c.identity.general_purpose_video)
            && !confirmed(f.c.security.patient_logged_in_before_connecting),
        || {
            SECURITY_DOCTOR_CONNECTS.says(
                "汎用サービスでの診療ですが、患者が待機し医師側からつないだことが記録されていません。",
                "A general-purpose service is used, but no record that the patient waited and the doctor connected to them.",
                "患者に待機してもらい、医師側から患者側に接続してください (患者側から発信しない)。",
                "Have the patient wait and connect from the doctor's side (the patient never calls).",
            )
        },
    )
}

/// 指針 V.2(5)②1-1): when online care is planned, the doctor explains the system's security
/// risks, the measures and who is responsible, and obtains the patient's agreement.
pub(super) fn risk_explained(f: &Facts) -> Vec<Finding> {
    let explained =
        f.c.consent
            .explained
            .as_deref()
            .unwrap_or_default()
            .contains(&ExplainedTopic::SecurityRisks);
    when(f.online_care() && !explained, || {
        SECURITY_RISK_EXPLAINED.says(
            "使用するシステムのセキュリティリスクと責任の所在の説明が記録されていません。",
            "No explanation of the system's security risks and responsibilities is recorded.",
            "使用するシステム、セキュリティリスクと対策、責任の所在を説明し、合意を得て記録してください。",
            "Explain the system, its security risks and measures, and who is responsible; record the agreement.",
        )
    })
}
