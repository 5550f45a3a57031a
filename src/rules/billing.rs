//! The records an insurance claim for online care needs (事業者ガイドライン 5(1), which applies
//! the fee rules to the clinic): content, date, time, place outside the clinic, the arrangement
//! for deterioration, and the statement that the 指針 was followed.

use super::catalogue::{
    BILLING_CONTENT, BILLING_DATE, BILLING_EMERGENCY_ARRANGEMENT, BILLING_GUIDELINE_STATEMENT,
    BILLING_PLACE, BILLING_TIME,
};
use super::{Facts, Finding, confirmed, when};

/// Online care that is claimed: a pre-consult is not.
fn billed(f: &Facts) -> bool {
    f.online_care()
}

/// 事業者ガイドライン 5(1): the chart records the gist of the consultation (診療内容).
pub(super) fn content(f: &Facts) -> Vec<Finding> {
    when(billed(f) && !confirmed(f.c.billing_record.content), || {
        BILLING_CONTENT.says(
            "診療録に診療内容の要点が記載されていません。",
            "The chart does not record the gist of the consultation.",
            "診療内容の要点を診療録に記載してください。",
            "Write the gist of the consultation in the chart.",
        )
    })
}

/// 事業者ガイドライン 5(1): the chart records the date (診療日).
pub(super) fn date(f: &Facts) -> Vec<Finding> {
    when(billed(f) && !confirmed(f.c.billing_record.date), || {
        BILLING_DATE.says(
            "診療録に診療日が記載されていません。",
            "The chart does not record the date of the consultation.",
            "診療日を診療録に記載してください。",
            "Write the date in the chart.",
        )
    })
}

/// 事業者ガイドライン 5(1): the chart records the time (診療時間).
pub(super) fn time(f: &Facts) -> Vec<Finding> {
    when(billed(f) && !confirmed(f.c.billing_record.time), || {
        BILLING_TIME.says(
            "診療録に診療時間が記載されていません。",
            "The chart does not record the time of the consultation.",
            "診療時間を診療録に記載してください。",
            "Write the time in the chart.",
        )
    })
}

/// 事業者ガイドライン 5(1): outside the insured clinic, the doctor consults from a place that can
/// be checked afterwards, and the chart records it. Unrecorded whereabouts count as outside.
pub(super) fn place(f: &Facts) -> Vec<Finding> {
    let outside = f.c.doctor.location.in_clinic != Some(true);
    when(
        billed(f) && outside && !confirmed(f.c.billing_record.place),
        || {
            BILLING_PLACE.says(
                "医療機関外 (または所在の記録なし) での診療ですが、事後に確認できる診療場所が記載されていません。",
                "The doctor was outside the clinic (or the place is unrecorded), and the chart does not record the place so it can be checked later.",
                "診療を行った場所を診療録に記載してください。",
                "Write where the doctor consulted from in the chart.",
            )
        },
    )
}

/// 事業者ガイドライン 5(1): the chart records what happens if the patient deteriorates — the
/// かかりつけ doctor's clinic, or why in-person care here is impossible, the clinic referred to,
/// how, and the patient's consent.
pub(super) fn emergency_arrangement(f: &Facts) -> Vec<Finding> {
    when(
        billed(f) && !confirmed(f.c.billing_record.emergency_arrangement),
        || {
            BILLING_EMERGENCY_ARRANGEMENT.says(
                "急変時の対応 (かかりつけ医の医療機関名、または対面診療が不可能な理由・紹介先・紹介方法・患者の同意) が診療録に記載されていません。",
                "The chart does not record the arrangement for deterioration (the かかりつけ clinic, or why in-person care here is impossible, where and how the patient is referred, and their consent).",
                "急変時の受診先を患者に説明し、診療録に記載してください。",
                "Explain to the patient where to go if they deteriorate and write it in the chart.",
            )
        },
    )
}

/// 事業者ガイドライン 5(1): the chart and the 摘要欄 of the claim state that the consultation was
/// appropriate under 指針 V.1(2) and the prescription under V.1(5).
pub(super) fn guideline_statement(f: &Facts) -> Vec<Finding> {
    when(
        billed(f) && !confirmed(f.c.billing_record.guideline_statement),
        || {
            BILLING_GUIDELINE_STATEMENT.says(
                "当該診療が指針 V.1(2) に、当該処方が V.1(5) に照らし適切である旨が、診療録と摘要欄に記載されていません。",
                "The chart and the 摘要欄 do not state that the consultation followed 指針 V.1(2) and the prescription V.1(5).",
                "その旨を診療録と診療報酬明細書の摘要欄に記載してください。",
                "State it in the chart and in the 摘要欄 of the claim.",
            )
        },
    )
}
