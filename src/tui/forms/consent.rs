//! Consent to online care (指針 V.1(1)): whether the patient asked for it, what the doctor
//! explained, the recording agreement, and whether the patient or the registered proxy agreed.

use super::{Author, FieldEdit, FieldView, Fields, FormError, Toggle};
use crate::domain::{Agreement, Consent, ConsentTopic, Proxy};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

const TOPICS: [(ConsentTopic, &str, &str); 5] = [
    (
        ConsentTopic::BenefitsAndRisks,
        "利点と限界 (対面との組合せ)",
        "benefits and limits",
    ),
    (
        ConsentTopic::SwitchToInPerson,
        "対面への切替・都度の判断",
        "switch to in person",
    ),
    (ConsentTopic::CarePlan, "診療計画の内容", "the care plan"),
    (
        ConsentTopic::SecurityRisks,
        "セキュリティリスクと責任",
        "security risks",
    ),
    (ConsentTopic::Fees, "費用", "fees"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentForm {
    pub patient_id: String,
    /// The patient's registered proxy, who may agree in the patient's place.
    pub proxy: Option<Proxy>,
    pub patient_requested: Toggle,
    pub explained: Vec<(ConsentTopic, Toggle)>,
    pub recording_agreed: Toggle,
    pub by_proxy: Toggle,
}

impl ConsentForm {
    pub fn new(lang: Lang, patient_id: String, proxy: Option<Proxy>) -> ConsentForm {
        ConsentForm {
            patient_id,
            patient_requested: Toggle::new(
                lang.tr("患者が明示的に希望した", "patient asked explicitly"),
                false,
            ),
            explained: TOPICS
                .iter()
                .map(|(t, ja, en)| (*t, Toggle::new(lang.tr(ja, en), false)))
                .collect(),
            recording_agreed: Toggle::new(
                lang.tr("録音・録画の取り決めに合意", "agreed on recording"),
                false,
            ),
            // A patient with a registered proxy usually agrees through them.
            by_proxy: Toggle::new(
                lang.tr("代理人が同意した", "agreed by the proxy"),
                proxy.is_some(),
            ),
            proxy,
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "オンライン診療の同意 (指針 V.1(1))",
            "Consent to online care (指針 V.1(1))",
        )
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let agreed_by = match (self.by_proxy.on, &self.proxy) {
            (false, _) => Agreement::Patient,
            (true, Some(p)) => Agreement::Proxy {
                name: p.name.clone(),
                relationship: p.relationship.clone(),
            },
            (true, None) => return Err(FormError::NoProxy),
        };
        let consent = Consent {
            id: by.fresh.id("cs"),
            patient_requested: self.patient_requested.on,
            explained: self
                .explained
                .iter()
                .filter(|(_, t)| t.on)
                .map(|(topic, _)| *topic)
                .collect(),
            agreed_by,
            agreed_at: by.now,
            recorded_by: by.staff.to_string(),
            recording_agreed: self.recording_agreed.on,
            care_plan: None,
            withdrawn_at: None,
        };
        Ok(Write::Consent {
            patient_id: self.patient_id.clone(),
            consent: Box::new(consent),
        })
    }
}

impl Fields for ConsentForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = vec![(&self.patient_requested).into()];
        fields.extend(self.explained.iter().map(|(_, t)| FieldView::from(t)));
        fields.push((&self.recording_agreed).into());
        fields.push((&self.by_proxy).into());
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        let topics = self.explained.len();
        match i {
            0 => Some((&mut self.patient_requested).into()),
            i if i <= topics => self.explained.get_mut(i - 1).map(|(_, t)| t.into()),
            i if i == topics + 1 => Some((&mut self.recording_agreed).into()),
            i if i == topics + 2 => Some((&mut self.by_proxy).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn proxy() -> Proxy {
        Proxy {
            name: "清水 花子".into(),
            relationship: "妻".into(),
            phone: String::new(),
            reason: "聴覚障害".into(),
        }
    }

    #[test]
    fn submit_records_who_agreed_to_what() {
        // (proxy registered, by proxy, requested, topics explained, recording, expected agreement)
        type Case = (
            bool,
            bool,
            bool,
            &'static [ConsentTopic],
            bool,
            Result<Agreement, FormError>,
        );
        let cases: [Case; 4] = [
            (false, false, true, &[], false, Ok(Agreement::Patient)),
            (
                false,
                false,
                false,
                &[ConsentTopic::BenefitsAndRisks, ConsentTopic::Fees],
                true,
                Ok(Agreement::Patient),
            ),
            (
                true,
                true,
                true,
                &[ConsentTopic::CarePlan],
                false,
                Ok(Agreement::Proxy {
                    name: "清水 花子".into(),
                    relationship: "妻".into(),
                }),
            ),
            (false, true, true, &[], false, Err(FormError::NoProxy)),
        ];
        for (registered, by_proxy, requested, topics, recording, expected) in cases {
            let mut f = ConsentForm::new(Lang::En, "p-0013".into(), registered.then(proxy));
            assert_eq!(f.by_proxy.on, registered, "preselected when registered");
            f.by_proxy.on = by_proxy;
            f.patient_requested.on = requested;
            f.recording_agreed.on = recording;
            for (t, toggle) in &mut f.explained {
                toggle.on = topics.contains(t);
            }
            let by = author();
            let got = f.submit(&by);
            let want = expected.map(|agreed_by| Write::Consent {
                patient_id: "p-0013".into(),
                consent: Box::new(Consent {
                    id: by.fresh.id("cs"),
                    patient_requested: requested,
                    explained: topics.to_vec(),
                    agreed_by,
                    agreed_at: by.now,
                    recorded_by: "dr-sato".into(),
                    recording_agreed: recording,
                    care_plan: None,
                    withdrawn_at: None,
                }),
            });
            assert_eq!(got, want, "{registered} {by_proxy} {topics:?}");
        }
    }

    #[test]
    fn fields_in_order_end_with_the_proxy() {
        let mut f = ConsentForm::new(Lang::En, "p".into(), None);
        assert_eq!(f.fields().len(), TOPICS.len() + 3);
        if let Some(FieldEdit::Toggle(on)) = f.field_mut(TOPICS.len() + 2) {
            *on = true;
        }
        assert!(f.by_proxy.on);
        if let Some(FieldEdit::Toggle(on)) = f.field_mut(TOPICS.len() + 1) {
            *on = true;
        }
        assert!(f.recording_agreed.on);
        assert!(f.field_mut(TOPICS.len() + 3).is_none());
    }
}
