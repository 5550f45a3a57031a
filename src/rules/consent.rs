//! 指針 V.1(1): the agreement between doctor and patient to consult online — the patient's own
//! request, the explanations that come first, and a proxy for a patient who cannot agree alone.

use super::catalogue::{
    CONSENT_AGREEMENT, CONSENT_EXPLANATION, CONSENT_PATIENT_REQUEST, CONSENT_PROXY,
};
use super::consultation::ExplainedTopic;
use super::{Facts, Finding, confirmed, reported, when};

/// 指針 V.1(1)②ⅰ: online care only with the agreement of doctor and patient.
pub(super) fn agreement(f: &Facts) -> Vec<Finding> {
    when(f.online_care() && !confirmed(f.c.consent.agreed), || {
        CONSENT_AGREEMENT.says(
            "オンライン診療の実施について、医師と患者の合意が記録されていません。",
            "No agreement between doctor and patient to consult online is recorded.",
            "オンライン診療の利点と不利益を説明した上で患者 (または代理人) の合意を得て記録してください。",
            "Explain the benefits and drawbacks of online care, then obtain and record the agreement of the patient (or proxy).",
        )
    })
}

/// 指針 V.1(1)②ⅱ: the doctor confirms explicitly that the patient wants online care — it exists
/// only because the patient asks for it.
pub(super) fn patient_request(f: &Facts) -> Vec<Finding> {
    when(
        f.online_care() && !confirmed(f.c.consent.patient_requested),
        || {
            CONSENT_PATIENT_REQUEST.says(
                "患者がオンライン診療を希望する旨の明示的な確認が記録されていません。",
                "The patient's explicit request for online care is not recorded.",
                "患者本人 (または代理人) にオンライン診療を希望するか確認し、記録してください。",
                "Ask the patient (or proxy) whether they want online care and record the answer.",
            )
        },
    )
}

/// 指針 V.1(1)②ⅳ: before agreeing, the patient is told that the information online is limited
/// so in-person care must be combined, that the doctor decides at every consultation whether it
/// can be held online, and what the care plan contains.
pub(super) fn explanation(f: &Facts) -> Vec<Finding> {
    if !f.online_care() {
        return Vec::new();
    }
    let explained = f.c.consent.explained.as_deref().unwrap_or_default();
    let has = |t: ExplainedTopic| explained.contains(&t);
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if !has(ExplainedTopic::BenefitsAndRisks) {
        missing.push((
            "得られる情報が限られるため対面診療を組み合わせる必要があること",
            "the information online is limited, so in-person care must be combined",
        ));
    }
    if !has(ExplainedTopic::PerVisitJudgement) && !has(ExplainedTopic::SwitchToInPerson) {
        missing.push((
            "実施の都度、医師がオンライン診療の可否を判断すること",
            "the doctor decides at every consultation whether it can be held online",
        ));
    }
    if !has(ExplainedTopic::CarePlan) {
        missing.push(("診療計画に含まれる事項", "what the care plan contains"));
    }
    when(!missing.is_empty(), || {
        let ja = missing.iter().map(|m| m.0).collect::<Vec<_>>().join("、");
        let en = missing.iter().map(|m| m.1).collect::<Vec<_>>().join("; ");
        CONSENT_EXPLANATION.finding(
            (
                format!("合意の前の説明が記録されていません: {ja}。"),
                format!("Explanations before agreement are not recorded: {en}."),
            ),
            (
                "不足している事項を説明し、説明した事項を記録してください。".into(),
                "Explain the missing points and record what was explained.".into(),
            ),
        )
    })
}

/// 指針 V 前文 and V.1(1)②ⅰ: a patient who cannot communicate with the doctor (e.g. severe
/// dementia) agrees through family acting as proxy.
pub(super) fn proxy(f: &Facts) -> Vec<Finding> {
    let consent = &f.c.consent;
    when(
        f.online_care() && reported(consent.proxy_needed) && !confirmed(consent.by_proxy),
        || {
            CONSENT_PROXY.says(
                "患者は医師と十分に意思疎通ができないため、家族等の代理人による合意が必要ですが、記録されていません。",
                "The patient cannot communicate well enough to agree alone, and no agreement by a proxy is recorded.",
                "家族等に代理人として説明し、診療計画を含む合意を得て記録してください。",
                "Explain to a family member acting as proxy, and record their agreement, care plan included.",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::VisitKind;
    use crate::rules::Consultation;

    fn facts_for(c: &Consultation) -> Vec<&'static str> {
        let drugs = crate::rules::tests::NoDrugs;
        let f = Facts::new(c, &drugs, time::OffsetDateTime::UNIX_EPOCH);
        explanation(&f).iter().map(|x| x.rule).collect()
    }

    #[test]
    fn switch_to_in_person_counts_as_the_per_visit_judgement() {
        let mut c = Consultation {
            visit: Some(VisitKind::OnlineFollowup),
            ..Default::default()
        };
        c.consent.explained = Some(vec![
            ExplainedTopic::BenefitsAndRisks,
            ExplainedTopic::SwitchToInPerson,
            ExplainedTopic::CarePlan,
        ]);
        assert!(facts_for(&c).is_empty());
        c.consent.explained = Some(vec![
            ExplainedTopic::BenefitsAndRisks,
            ExplainedTopic::CarePlan,
        ]);
        assert_eq!(facts_for(&c), vec!["consent.explanation"]);
    }

    #[test]
    fn in_person_visits_need_no_online_consent() {
        let c = Consultation {
            visit: Some(VisitKind::InPerson),
            ..Default::default()
        };
        assert!(facts_for(&c).is_empty());
    }
}
