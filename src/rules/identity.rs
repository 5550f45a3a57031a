//! 指針 V.1(4) and V.2(5): showing who is who — the doctor's licence, photo ID and 医籍登録年,
//! and the patient's identity documents (two without a photo at a first online visit).

use std::collections::HashSet;

use super::catalogue::{
    IDENTITY_DOCTOR_HPKI, IDENTITY_DOCTOR_LICENCE, IDENTITY_DOCTOR_PHOTO_ID, IDENTITY_PATIENT,
    IDENTITY_PATIENT_INITIAL_DOCUMENTS,
};
use super::{Facts, Finding, confirmed, when};

/// 指針 V.1(4)②ⅰ: the patient can verify that the doctor holds a licence — by the HPKI card, the
/// licence, photo ID with 医籍登録年, or an online-care system that shows them — unless the
/// patient evidently knows the doctor (e.g. from an in-person first visit).
pub(super) fn doctor_licence(f: &Facts) -> Vec<Finding> {
    let id = &f.c.identity;
    let verifiable = confirmed(id.doctor_known_to_patient)
        || confirmed(id.doctor_hpki_shown)
        || confirmed(id.doctor_licence_shown)
        || (confirmed(id.doctor_photo_id_shown) && confirmed(id.doctor_registration_year_shown))
        || id.general_purpose_video == Some(false);
    when(f.online() && !verifiable, || {
        IDENTITY_DOCTOR_LICENCE.says(
            "患者が医師の免許を確認できる手段 (HPKI カード、医師免許証、顔写真付き身分証明書と医籍登録年、またはそれらを表示するオンライン診療システム) が記録されていません。",
            "Nothing is recorded by which the patient can verify the doctor's licence (HPKI card, licence, photo ID with 医籍登録年, or an online-care system that shows them).",
            "HPKI カード等を提示し、記録してください。",
            "Show the HPKI card (or the licence, or photo ID and 医籍登録年) and record it.",
        )
    })
}

/// 指針 V.2(5)②1-2): over a general-purpose video service the doctor shows a photo ID and the
/// 医籍登録年, against impersonation, unless the patient evidently knows them.
pub(super) fn doctor_photo_id(f: &Facts) -> Vec<Finding> {
    let id = &f.c.identity;
    let shown = (confirmed(id.doctor_photo_id_shown) || confirmed(id.doctor_hpki_shown))
        && confirmed(id.doctor_registration_year_shown);
    when(
        f.online()
            && confirmed(id.general_purpose_video)
            && !confirmed(id.doctor_known_to_patient)
            && !shown,
        || {
            IDENTITY_DOCTOR_PHOTO_ID.says(
                "汎用サービスでの診療ですが、医師が顔写真付きの身分証明書と医籍登録年を示したことが記録されていません。",
                "The consultation uses a general-purpose service, but the doctor is not recorded as showing a photo ID and the 医籍登録年.",
                "顔写真付きの身分証明書 (マイナンバー・住所・本籍は隠す) と医籍登録年を示してください。",
                "Show a photo ID (with My Number, address and 本籍 hidden) and the 医籍登録年.",
            )
        },
    )
}

/// 指針 V.2(5)②1-2): with a general-purpose service the HPKI card is the preferred proof.
pub(super) fn doctor_hpki(f: &Facts) -> Vec<Finding> {
    let id = &f.c.identity;
    when(
        f.online()
            && confirmed(id.general_purpose_video)
            && !confirmed(id.doctor_known_to_patient)
            && !confirmed(id.doctor_hpki_shown),
        || {
            IDENTITY_DOCTOR_HPKI.says(
                "汎用サービスでは HPKI カード (医師資格証) の使用が望ましいとされています。",
                "With a general-purpose service the HPKI card (医師資格証) is the preferred proof.",
                "HPKI カードを提示してください。",
                "Show the HPKI card.",
            )
        },
    )
}

fn documents(f: &Facts) -> HashSet<crate::domain::IdentityDocument> {
    f.c.identity
        .patient_documents
        .iter()
        .flatten()
        .copied()
        .collect()
}

/// 指針 V.1(4)②ⅱ: the patient shows an identity document (insurance card, My Number card,
/// driving licence ...) unless the doctor evidently knows them. First visits: see
/// [`patient_initial_documents`].
pub(super) fn patient(f: &Facts) -> Vec<Finding> {
    let known = confirmed(f.c.identity.patient_known_to_doctor);
    when(
        f.online() && !f.initial() && !known && documents(f).is_empty(),
        || {
            IDENTITY_PATIENT.says(
                "患者の本人確認 (身分確認書類の提示) が記録されていません。",
                "No identity check of the patient against a document is recorded.",
                "被保険者証・マイナンバーカード・運転免許証等の提示を受け、記録してください。",
                "Have the patient show an insurance card, My Number card, driving licence or similar, and record it.",
            )
        },
    )
}

/// How many different documents the patient showed. Each named kind counts once (a card listed
/// twice is still one card), but each `OtherWithoutPhoto` entry is a document of its own: the
/// 年金手帳 and a 住民票 are both "other, without a photo", and together they are the
/// 「2種類以上の身分証明書」 of 指針 V.2(5)②3-3), with or without the insurance card.
fn document_count(f: &Facts) -> usize {
    let listed = f.c.identity.patient_documents.iter().flatten();
    let others = listed
        .clone()
        .filter(|d| **d == crate::domain::IdentityDocument::OtherWithoutPhoto)
        .count();
    let named = documents(f)
        .into_iter()
        .filter(|d| *d != crate::domain::IdentityDocument::OtherWithoutPhoto)
        .count();
    named + others
}

/// 指針 V.2(5)②3-3): at a first online visit the patient proves who they are with a photo ID, or
/// without one, with two or more identity documents ([`document_count`]).
pub(super) fn patient_initial_documents(f: &Facts) -> Vec<Finding> {
    let docs = documents(f);
    let photo = docs.iter().any(|d| d.has_photo());
    when(f.initial() && !photo && document_count(f) < 2, || {
        let (ja, en) = if docs.is_empty() {
            (
                "初診ですが、患者の身分証明書が記録されていません。".to_string(),
                "A first online visit, but no identity document of the patient is recorded."
                    .to_string(),
            )
        } else {
            (
                "初診で顔写真付きの身分証明書がなく、身分証明書が1種類しか記録されていません。"
                    .to_string(),
                "A first online visit without a photo ID, and only one identity document recorded."
                    .to_string(),
            )
        };
        IDENTITY_PATIENT_INITIAL_DOCUMENTS.finding(
            (ja, en),
            (
                "顔写真付きの身分証明書 (マイナンバーカード、運転免許証、旅券等)、またはそれがなければ2種類以上の身分証明書で確認してください。".into(),
                "Check a photo ID (My Number card, driving licence, passport ...), or without one, two or more documents.".into(),
            ),
        )
    })
}
