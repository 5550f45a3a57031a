//! 指針 V.1(2)②ⅸ: the two kinds of care allowed outside the usual principles, each with its
//! conditions — smoking cessation without in-person visits, and emergency contraception at a
//! first online visit.

use super::catalogue::{
    EC_COUNSELLING, EC_DOCTOR_QUALIFIED, EC_FOLLOWUP, EC_PHARMACIST_OBSERVED, EC_REASON,
    EC_SAFEGUARDING, EC_SINGLE_TABLET, EXCEPTION_SMOKING_CESSATION,
};
use super::consultation::EmergencyContraception;
use super::{Facts, Finding, confirmed, reported, when};

/// The follow-up "about three weeks" later: accepted between two and four weeks.
const EC_FOLLOWUP_DAYS: std::ops::RangeInclusive<u32> = 14..=28;

/// 指針 V.1(2)②ⅸ: smoking-cessation care may go without in-person visits only where regular
/// health checks rule out missed disease.
pub(super) fn smoking_cessation(f: &Facts) -> Vec<Finding> {
    let Some(s) = &f.c.smoking_cessation else {
        return Vec::new();
    };
    when(
        f.online_care() && confirmed(s.online_only) && !confirmed(s.regular_health_checks),
        || {
            EXCEPTION_SMOKING_CESSATION.says(
                "対面診療を組み合わせない禁煙外来ですが、定期的な健康診断等により疾病を見落とすリスクが排除されていることが記録されていません。",
                "Online-only smoking-cessation care, but no record that regular health checks rule out missed disease.",
                "定期的な健康診断等の受診を確認して記録するか、対面診療を組み合わせてください。",
                "Confirm and record regular health checks, or combine in-person visits.",
            )
        },
    )
}

/// Emergency contraception at an online first visit: the exception's conditions apply.
fn ec_active(f: &Facts) -> bool {
    f.initial()
        && (f.c.emergency_contraception.is_some()
            || f.prescriptions
                .iter()
                .any(|l| l.is_emergency_contraception()))
}

fn ec_fact(f: &Facts, field: impl Fn(&EmergencyContraception) -> Option<bool>) -> Option<bool> {
    f.c.emergency_contraception.as_ref().and_then(field)
}

/// 指針 V.1(2)②ⅸ: only an obstetrician-gynaecologist or a doctor who completed the
/// MHLW-designated training gives emergency contraception at a first online visit.
pub(super) fn ec_doctor_qualified(f: &Facts) -> Vec<Finding> {
    let today = f.today();
    let d = &f.c.doctor;
    let qualified = confirmed(d.obgyn)
        || d.emergency_contraception_trained_on
            .is_some_and(|t| t <= today);
    when(ec_active(f) && !qualified, || {
        EC_DOCTOR_QUALIFIED.says(
            "初診からの緊急避妊に係る診療ですが、医師が産婦人科医であること、または厚生労働省指定の研修の修了が記録されていません。",
            "Emergency contraception at a first online visit, but the doctor is not recorded as an OB/GYN nor as having completed the MHLW-designated training.",
            "産婦人科医または研修修了医が担当するか、対面診療が可能な医療機関を紹介してください。",
            "Have an OB/GYN or a trained doctor take the consultation, or refer to a clinic for an in-person visit.",
        )
    })
}

/// 指針 V.1(2)②ⅸ: the exception holds only where geography prevents an in-person visit, or a
/// doctor at (or working with) a women's health support desk judges one too hard for her.
pub(super) fn ec_reason(f: &Facts) -> Vec<Finding> {
    let reason = f.c.emergency_contraception.as_ref().and_then(|e| e.reason);
    when(ec_active(f) && reason.is_none(), || {
        EC_REASON.says(
            "初診からのオンライン診療による緊急避妊の理由 (地理的要因、または心理的状態により対面診療が困難との判断) が記録されていません。",
            "No ground is recorded for emergency contraception at a first online visit (geography, or a judgement that an in-person visit is too hard psychologically).",
            "対面診療が可能な医療機関を紹介するのが原則です。例外に当たる場合はその理由を記録してください。",
            "The rule is to refer to a clinic for an in-person visit; if the exception applies, record its ground.",
        )
    })
}

/// 指針 V.1(2)②ⅸ: one tablet only, prescribed for a community pharmacy (院外処方).
pub(super) fn ec_single_tablet(f: &Facts) -> Vec<Finding> {
    if !ec_active(f) {
        return Vec::new();
    }
    let lines: Vec<_> = f
        .prescriptions
        .iter()
        .filter(|l| l.is_emergency_contraception())
        .collect();
    let mut problems: Vec<(String, String)> = Vec::new();
    if lines.len() > 1 {
        problems.push((
            format!("緊急避妊薬が {} 行処方されています", lines.len()),
            format!("emergency contraception appears on {} lines", lines.len()),
        ));
    }
    for l in &lines {
        let q = l.line.and_then(|x| x.quantity);
        if q != Some(1) {
            let (ja, en) = match q {
                Some(n) => (format!("{n} 錠"), format!("{n} tablets")),
                None => (
                    "数量の記録なし".to_string(),
                    "no quantity recorded".to_string(),
                ),
            };
            problems.push((
                format!("{}: {ja}", l.label()),
                format!("{}: {en}", l.label()),
            ));
        }
    }
    if !confirmed(ec_fact(f, |e| e.out_of_clinic_prescription)) {
        problems.push((
            "院外処方であることの記録なし".into(),
            "not recorded as prescribed for a community pharmacy".into(),
        ));
    }
    when(!problems.is_empty(), || {
        let ja = problems
            .iter()
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>()
            .join("、");
        let en = problems
            .iter()
            .map(|p| p.1.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        EC_SINGLE_TABLET.finding(
            (
                format!("緊急避妊薬は一錠のみの院外処方とします: {ja}。"),
                format!("Emergency contraception is one tablet for a community pharmacy: {en}."),
            ),
            (
                "一錠のみを院外処方としてください。".into(),
                "Prescribe a single tablet, for a community pharmacy.".into(),
            ),
        )
    })
}

/// 指針 V.1(2)②ⅸ: a trained pharmacist dispenses the tablet and she takes it in front of them.
pub(super) fn ec_pharmacist_observed(f: &Facts) -> Vec<Finding> {
    when(
        ec_active(f) && !confirmed(ec_fact(f, |e| e.pharmacist_observed)),
        || {
            EC_PHARMACIST_OBSERVED.says(
                "研修を受けた薬剤師による調剤と、薬剤師の面前での内服の手配が記録されていません。",
                "No record that dispensing by a trained pharmacist, and taking the tablet in front of them, are arranged.",
                "研修を受けた薬剤師のいる薬局を案内し、面前内服を依頼してください。",
                "Direct her to a pharmacy with a trained pharmacist and ask for the tablet to be taken there.",
            )
        },
    )
}

/// 指針 V.1(2)②ⅸ: an in-person follow-up with an obstetrician-gynaecologist about three weeks
/// later is secured, so that she can confirm whether contraception succeeded.
pub(super) fn ec_followup(f: &Facts) -> Vec<Finding> {
    let days =
        f.c.emergency_contraception
            .as_ref()
            .and_then(|e| e.obgyn_followup_days);
    when(
        ec_active(f) && !days.is_some_and(|d| EC_FOLLOWUP_DAYS.contains(&d)),
        || {
            let (ja, en) = match days {
                Some(d) => (
                    format!(
                        "産婦人科医の対面診療が {d} 日後に予定されています (約三週間後とします)。"
                    ),
                    format!(
                        "The in-person OB/GYN follow-up is booked {d} days later (it should be about three weeks)."
                    ),
                ),
                None => (
                    "約三週間後の産婦人科医による対面診療が確保されていません。".to_string(),
                    "No in-person OB/GYN follow-up in about three weeks is secured.".to_string(),
                ),
            };
            EC_FOLLOWUP.finding(
                (ja, en),
                (
                    "約三週間後 (14〜28日後) の産婦人科受診を予約し記録してください。".into(),
                    "Book and record an OB/GYN visit about three weeks later (14–28 days).".into(),
                ),
            )
        },
    )
}

/// 指針 V.1(2)②ⅸ: doctor and pharmacist explain more reliable contraception.
pub(super) fn ec_counselling(f: &Facts) -> Vec<Finding> {
    when(
        ec_active(f) && !confirmed(ec_fact(f, |e| e.contraception_counselled)),
        || {
            EC_COUNSELLING.says(
                "より確実な避妊法についての説明が記録されていません。",
                "No counselling on more reliable contraception is recorded.",
                "より確実な避妊法を説明し、記録してください。",
                "Explain more reliable contraception and record it.",
            )
        },
    )
}

/// 指針 V.1(2)②ⅸ 注: where she may have been sexually assaulted, encourage contacting the police
/// and introduce the one-stop support centre; under 18, where it may be child abuse, notify the
/// child guidance centre.
pub(super) fn ec_safeguarding(f: &Facts) -> Vec<Finding> {
    let at_risk = reported(ec_fact(f, |e| e.possible_sexual_assault));
    let supported = confirmed(ec_fact(f, |e| e.support_offered));
    when(ec_active(f) && at_risk && !supported, || {
        let minor = f.c.patient.age.is_some_and(|a| a < 18);
        let (ja, en) = if minor {
            (
                "18歳未満で性被害の可能性があります。児童虐待に当たると思われる場合は児童相談所への通告が必要です。",
                "Under 18 with a possible sexual assault: where it may be child abuse, the child guidance centre must be notified.",
            )
        } else {
            (
                "性被害の可能性がありますが、支援につないだことが記録されていません。",
                "A possible sexual assault, with no record of support offered.",
            )
        };
        EC_SAFEGUARDING.says(
            ja,
            en,
            "心理面・社会的状況に配慮し、警察への相談、性犯罪・性暴力被害者のためのワンストップ支援センター等を案内して記録してください。",
            "With care for her situation, encourage contacting the police, introduce the one-stop support centre, and record it.",
        )
    })
}
