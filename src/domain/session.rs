//! The doctor's per-consultation confirmations of the pre-flight checklist (事前確認): what is
//! seen or said at the start of each online consultation and is not kept in any record, with
//! the guideline clause each one answers.

/// The per-consultation confirmations of the pre-flight checklist (事前確認), each answering a
/// clause of 指針 V.1(4) (identity), V.1(5)/(6) (prescribing, method), V.2(1) (the doctor's
/// place) or V.2(5) (security).
///
/// Kept on the encounter as each is ticked, so the record shows what the doctor confirmed; a
/// field missing from an older record reads as not confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SessionChecks {
    pub doctor_id_shown: bool,
    pub patient_identity_confirmed: bool,
    pub video_and_audio: bool,
    pub doctor_place_private: bool,
    pub patient_privacy: bool,
    pub no_third_party: bool,
    pub no_unagreed_recording: bool,
    pub patient_logged_in: bool,
    pub information_sufficient: bool,
    pub medications_confirmed: bool,
    pub next_steps_explained: bool,
    pub guideline_followed: bool,
}

/// One item of the checklist as the screen shows it: its label in Japanese and English and the
/// clause it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckItem {
    pub ja: &'static str,
    pub en: &'static str,
    pub clause: &'static str,
}

const fn item(ja: &'static str, en: &'static str, clause: &'static str) -> CheckItem {
    CheckItem { ja, en, clause }
}

impl SessionChecks {
    pub const COUNT: usize = 12;

    /// The items in checklist order.
    pub const ITEMS: [CheckItem; SessionChecks::COUNT] = [
        item(
            "医師の身分証・医籍登録年を提示した",
            "doctor showed photo ID and registration year",
            "指針 V.1(4)②ⅰ, V.2(5)②1-2)",
        ),
        item(
            "患者の本人確認をした",
            "patient identity confirmed",
            "指針 V.1(4)②ⅱ",
        ),
        item(
            "映像と音声でリアルタイムに診察する",
            "real-time video and audio",
            "指針 V.1(6)②ⅱ",
        ),
        item(
            "医師は第三者に見聞きされない場所にいる",
            "doctor in a private place",
            "指針 V.2(1)②ⅴ",
        ),
        item(
            "患者側のプライバシーを確認した",
            "patient's privacy confirmed",
            "指針 V.2(2)②ⅱ, V.2(5)②1-1)",
        ),
        item(
            "第三者がいないことを確認した",
            "no third party present",
            "指針 V.2(5)②1-1)",
        ),
        item(
            "合意のない録音・録画がない",
            "no recording without agreement",
            "指針 V.2(5)②1-1)",
        ),
        item(
            "患者が先にログインして待機している",
            "patient logged in before connecting",
            "指針 V.2(5)②1-2)",
        ),
        item(
            "オンラインで十分な情報が得られる",
            "enough information online",
            "指針 V.1(6)②ⅰ",
        ),
        item(
            "服用中の薬を患者と確認した",
            "current medications confirmed",
            "指針 V.1(5)②ⅱ",
        ),
        item(
            "今後の方針を説明した (次回・増悪時の受診先)",
            "next steps explained",
            "指針 V.1(3)②ⅱ",
        ),
        item(
            "指針に沿って診療・処方した",
            "care and prescription followed the guideline",
            "事業者ガイドライン 5(1)",
        ),
    ];

    /// Whether item `i` (checklist order) is confirmed.
    pub fn get(&self, i: usize) -> bool {
        self.as_array().get(i).copied().unwrap_or(false)
    }

    fn as_array(&self) -> [bool; Self::COUNT] {
        [
            self.doctor_id_shown,
            self.patient_identity_confirmed,
            self.video_and_audio,
            self.doctor_place_private,
            self.patient_privacy,
            self.no_third_party,
            self.no_unagreed_recording,
            self.patient_logged_in,
            self.information_sufficient,
            self.medications_confirmed,
            self.next_steps_explained,
            self.guideline_followed,
        ]
    }

    /// Flips item `i` (checklist order); an index past the list changes nothing.
    pub fn toggle(&mut self, i: usize) {
        let field = match i {
            0 => &mut self.doctor_id_shown,
            1 => &mut self.patient_identity_confirmed,
            2 => &mut self.video_and_audio,
            3 => &mut self.doctor_place_private,
            4 => &mut self.patient_privacy,
            5 => &mut self.no_third_party,
            6 => &mut self.no_unagreed_recording,
            7 => &mut self.patient_logged_in,
            8 => &mut self.information_sufficient,
            9 => &mut self.medications_confirmed,
            10 => &mut self.next_steps_explained,
            11 => &mut self.guideline_followed,
            _ => return,
        };
        *field = !*field;
    }

    /// The checklist position of "current medications confirmed", whose tick also records
    /// the confirmation on the patient (指針 V.1(5)②ⅱ).
    pub const MEDICATIONS: usize = 9;

    /// Item `i` of the checklist (the last one for an index past the list).
    pub fn item(i: usize) -> CheckItem {
        Self::ITEMS[i.min(Self::COUNT - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_toggles_its_own_confirmation_and_names_a_clause() {
        for i in 0..SessionChecks::COUNT {
            let mut checks = SessionChecks::default();
            checks.toggle(i);
            let on: Vec<usize> = (0..SessionChecks::COUNT)
                .filter(|j| checks.get(*j))
                .collect();
            assert_eq!(on, vec![i]);
            let item = SessionChecks::item(i);
            assert!(!item.ja.is_empty() && !item.en.is_empty());
            assert!(
                item.clause.starts_with("指針") || item.clause.starts_with("事業者"),
                "{item:?}"
            );
        }
        let mut checks = SessionChecks::default();
        checks.toggle(SessionChecks::COUNT);
        assert_eq!(checks, SessionChecks::default());
    }
}
