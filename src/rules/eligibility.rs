//! 指針 V.1(2): who may be seen online — the basis for a first online visit, emergencies, the
//! symptoms unsuitable for a first online visit, patients who cannot describe their condition,
//! and the notice before a pre-consult.

use crate::domain::VisitKind;

use super::catalogue::{
    ELIGIBILITY_COMMUNICATION, ELIGIBILITY_EMERGENCY, ELIGIBILITY_HISTORY_SOURCES,
    ELIGIBILITY_INITIAL_BASIS, ELIGIBILITY_RED_FLAG, ELIGIBILITY_RED_FLAG_FOLLOWUP,
    PRECONSULT_NOTICE, VISIT_KIND,
};
use super::red_flags::{self, RedFlag, Urgency};
use super::{Facts, Finding, confirmed, reported, when};

/// 指針 V.1(2): which rules apply depends on the kind of visit, so it must be recorded; until it
/// is, the consultation is judged as an online first visit, the strictest case.
pub(super) fn visit_kind_recorded(f: &Facts) -> Vec<Finding> {
    when(f.c.visit.is_none(), || {
        VISIT_KIND.says(
            "診療の種別が記録されていません。初診のオンライン診療として判定しています。",
            "The kind of visit is not recorded; the consultation is judged as an online first visit.",
            "種別 (pre_consult, online_initial, online_followup, in_person, d_to_p_with_n, d_to_p_with_d) を記録してください。",
            "Record the kind of visit (pre_consult, online_initial, online_followup, in_person, d_to_p_with_n, d_to_p_with_d).",
        )
    })
}

/// Whether the emergency-contraception exception of 指針 V.1(2)②ⅸ is claimed, with a ground;
/// its own rules then decide whether the first online visit may go ahead.
fn ec_exception_claimed(f: &Facts) -> bool {
    f.c.emergency_contraception
        .as_ref()
        .is_some_and(|ec| ec.reason.is_some())
}

/// 指針 V.1(2)②ⅲ・ⅳ: a first visit online is held by the かかりつけ doctor; or when enough
/// medical information is at hand (past records, referral letter, health check, regional
/// network, medication notebook, PHR); otherwise only after a pre-consult (診療前相談).
pub(super) fn initial_basis(f: &Facts) -> Vec<Finding> {
    let p = &f.c.patient;
    let basis = confirmed(p.kakaritsuke_here)
        || confirmed(p.history_known)
        || confirmed(f.c.pre_consult.done)
        || ec_exception_claimed(f);
    when(f.initial() && !basis, || {
        ELIGIBILITY_INITIAL_BASIS.says(
            "初診からのオンライン診療ですが、かかりつけの医師であること、基礎疾患等の医学的情報の把握、診療前相談のいずれも記録されていません。",
            "An online first visit, but none of these is recorded: this clinic is the patient's かかりつけ, the underlying conditions are known, a pre-consult was held.",
            "診療前相談を行う、過去の診療録・診療情報提供書・健康診断の結果・お薬手帳等から医学的情報を把握する、または対面診療にしてください。",
            "Hold a pre-consult, obtain the medical information (past records, referral letter, health check, medication notebook ...), or see the patient in person.",
        )
    })
}

/// 指針 V.1(2)②ⅲ: when a first online visit rests on medical information obtained beforehand
/// (not on being the かかりつけ, nor on a pre-consult), that information and its sources are
/// recorded in the chart.
pub(super) fn history_sources(f: &Facts) -> Vec<Finding> {
    let p = &f.c.patient;
    let rests_on_history = !confirmed(p.kakaritsuke_here)
        && !confirmed(f.c.pre_consult.done)
        && confirmed(p.history_known);
    let no_sources = p.history_sources.as_ref().is_none_or(Vec::is_empty);
    when(f.initial() && rests_on_history && no_sources, || {
        ELIGIBILITY_HISTORY_SOURCES.says(
            "基礎疾患等の情報に基づく初診ですが、情報の出典 (過去の診療録、診療情報提供書、健康診断の結果、地域医療情報ネットワーク、お薬手帳、PHR) が記録されていません。",
            "A first visit based on known underlying conditions, but the sources of that information (past records, referral letter, health check, regional network, medication notebook, PHR) are not recorded.",
            "事前に得た情報とその出典を診療録に記載してください。",
            "Record the information obtained beforehand and where it came from in the chart.",
        )
    })
}

/// 指針 V.1(2)②ⅶ: acutely ill or deteriorating patients (急病急変患者) are in principle seen in
/// person. At D to P with D a doctor is already with the patient.
pub(super) fn emergency(f: &Facts) -> Vec<Finding> {
    when(
        f.online() && f.kind != VisitKind::DToPWithD && reported(f.c.patient.emergency),
        || {
            ELIGIBILITY_EMERGENCY.says(
                "急病急変の患者です。原則として直接の対面診療を行います。",
                "The patient is acutely ill or deteriorating and is, in principle, seen in person.",
                "対面診療 (必要なら救急受診) につなげてください。容態が安定した後にオンライン診療を検討できます。",
                "Arrange in-person (if needed, emergency) care; online care may be considered once the patient is stable.",
            )
        },
    )
}

fn red_flag_hits(f: &Facts) -> Result<Vec<&'static RedFlag>, red_flags::TableError> {
    let symptoms = f.c.patient.symptoms.as_deref().unwrap_or_default();
    if symptoms.is_empty() {
        return Ok(Vec::new());
    }
    Ok(red_flags::screen(red_flags::table()?, symptoms))
}

fn describe(hits: &[&RedFlag]) -> (String, String, bool) {
    let ja = hits
        .iter()
        .map(|h| h.ja.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let en = hits
        .iter()
        .map(|h| h.en.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let urgent = hits.iter().any(|h| h.urgency == Urgency::Emergency);
    (ja, en, urgent)
}

/// 指針 V.1(2)②ⅱ: symptoms on the 日本医学会連合 list 「オンライン診療の初診に適さない症状」
/// are not seen at a first online visit (nor taken on from a pre-consult); urgent ones are sent
/// to in-person care at once.
pub(super) fn red_flag(f: &Facts) -> Vec<Finding> {
    if !(f.initial() || f.kind == VisitKind::PreConsult) {
        return Vec::new();
    }
    match red_flag_hits(f) {
        Err(e) => vec![ELIGIBILITY_RED_FLAG.finding(
            (
                format!("初診に適さない症状の表を読めないため、症状を確認できません ({e})。"),
                format!("The table of symptoms unsuitable for a first online visit could not be read ({e})."),
            ),
            (
                "症状を医師が直接確認してください。".into(),
                "Have the doctor screen the symptoms by hand.".into(),
            ),
        )],
        Ok(hits) if hits.is_empty() => Vec::new(),
        Ok(hits) => {
            let (ja, en, urgent) = describe(&hits);
            let (resolve_ja, resolve_en) = if urgent {
                (
                    "緊急性の高い症状です。速やかに対面受診 (必要なら救急) を促してください。",
                    "These symptoms are urgent: direct the patient to in-person (if needed, emergency) care at once.",
                )
            } else {
                (
                    "対面診療を行うか、対面診療が可能な医療機関を紹介してください。",
                    "See the patient in person, or refer them to a clinic that can.",
                )
            };
            vec![ELIGIBILITY_RED_FLAG.finding(
                (
                    format!("オンライン診療の初診に適さない症状があります: {ja}。"),
                    format!("Symptoms unsuitable for a first online visit: {en}."),
                ),
                (resolve_ja.into(), resolve_en.into()),
            )]
        }
    }
}

/// 指針 V.1(1)②ⅲ and V.1(2)②ⅱ: at a follow-up, a red-flag symptom does not forbid online care,
/// but the doctor judges each time whether it is still appropriate.
pub(super) fn red_flag_followup(f: &Facts) -> Vec<Finding> {
    if !f.online_care() || f.initial() {
        return Vec::new();
    }
    let Ok(hits) = red_flag_hits(f) else {
        return Vec::new();
    };
    when(!hits.is_empty(), || {
        let (ja, en, _) = describe(&hits);
        ELIGIBILITY_RED_FLAG_FOLLOWUP.finding(
            (
                format!("対面診療が必要となりうる症状があります: {ja}。"),
                format!("Symptoms that may need in-person care: {en}."),
            ),
            (
                "オンライン診療で十分な情報が得られるか判断し、得られなければ中止して対面診療につなげてください。".into(),
                "Judge whether enough can be learnt online; if not, stop and arrange in-person care.".into(),
            ),
        )
    })
}

/// 指針 V.1(2)③: for a patient who has difficulty conveying their condition, whether to consult
/// online is judged with care.
pub(super) fn communication(f: &Facts) -> Vec<Finding> {
    when(
        f.online_care() && reported(f.c.consent.proxy_needed),
        || {
            ELIGIBILITY_COMMUNICATION.says(
            "心身の状態を伝えることが困難な患者です。オンライン診療の適用は慎重に判断してください。",
            "The patient has difficulty conveying their condition; consider carefully whether to consult online.",
            "家族等の同席や対面診療の組み合わせを検討し、判断を記録してください。",
            "Consider family being present or combining in-person care, and record the judgement.",
        )
        },
    )
}

/// 指針 V.1(2)②ⅵ: before a pre-consult the patient is told that online care may not follow and
/// what the pre-consult costs.
pub(super) fn pre_consult_notice(f: &Facts) -> Vec<Finding> {
    when(
        f.kind == VisitKind::PreConsult && !confirmed(f.c.pre_consult.notice_given),
        || {
            PRECONSULT_NOTICE.says(
                "診療前相談の結果オンライン診療を行えない可能性があること、及び費用の周知が記録されていません。",
                "No record that the patient was told the pre-consult may not lead to online care, nor what it costs.",
                "ホームページ等での掲示に加え、事前に患者へ周知し記録してください。",
                "Tell the patient beforehand (as well as on the clinic's website) and record it.",
            )
        },
    )
}
