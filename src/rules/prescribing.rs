//! 指針 V.1(5): prescribing online — what a first online visit may not prescribe, confirming
//! current medications, PDE5 inhibitors and their contraindications, drugs open to misuse,
//! duplicate ingredients, and codes the drug master does not know.
//!
//! Over 600 lines only with its tests, which sit beside the rules they check.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::{DrugInfo, VisitKind, nfkc};

use super::catalogue::{
    RX_CURRENT_MEDICATIONS, RX_DUPLICATE_INGREDIENT, RX_INITIAL_HIGH_RISK, RX_INITIAL_LONG_COURSE,
    RX_INITIAL_NARCOTIC, RX_INITIAL_PSYCHOTROPIC, RX_INITIAL_UNKNOWN_DRUG, RX_MISUSE_WATCH,
    RX_PDE5_CONTRAINDICATED, RX_PDE5_UNVERIFIED, RX_PRE_CONSULT, RX_UNKNOWN_DRUG,
};
use super::{Facts, Finding, Line, confirmed};

/// The longest course a first online visit may prescribe when underlying conditions are unknown
/// (「8日分以上の処方」 is not allowed).
const MAX_INITIAL_DAYS_UNKNOWN_HISTORY: u32 = 7;

/// 指針 V.1(2)②ⅳ (and the 指針's definition of 診療前相談): a pre-consult includes no diagnosis
/// and no prescription.
pub(super) fn pre_consult(f: &Facts) -> Vec<Finding> {
    if f.kind != VisitKind::PreConsult || f.prescriptions.is_empty() {
        return Vec::new();
    }
    let names = labels(f.prescriptions.iter());
    vec![RX_PRE_CONSULT.finding(
        (
            format!("診療前相談で処方はできません: {names}。"),
            format!("A pre-consult cannot prescribe: {names}."),
        ),
        (
            "処方はオンライン診療 (初診) または対面診療で行ってください。".into(),
            "Prescribe at the online first visit or in person.".into(),
        ),
    )]
}

fn labels<'a>(lines: impl Iterator<Item = &'a Line<'a>>) -> String {
    lines.map(Line::label).collect::<Vec<_>>().join("、")
}

/// 指針 V.1(5)②ⅰ: no narcotics (麻薬) at an online first visit.
pub(super) fn initial_narcotic(f: &Facts) -> Vec<Finding> {
    if !f.initial() {
        return Vec::new();
    }
    f.prescriptions
        .iter()
        .filter(|l| l.info.as_ref().is_some_and(|i| i.narcotic))
        .map(|l| {
            let name = l.label();
            RX_INITIAL_NARCOTIC
                .finding(
                    (
                        format!("初診のオンライン診療では麻薬は処方できません: {name}。"),
                        format!("Narcotics cannot be prescribed at an online first visit: {name}."),
                    ),
                    (
                        "処方を削除し、対面診療で評価してください。".into(),
                        "Remove the line and assess the patient in person.".into(),
                    ),
                )
                .on_line(l.id())
        })
        .collect()
}

fn class_ja(class: u8) -> &'static str {
    match class {
        1 => "第一種",
        2 => "第二種",
        _ => "第三種",
    }
}

/// 指針 V.1(5)②ⅰ: no psychotropics (向精神薬) at an online first visit.
pub(super) fn initial_psychotropic(f: &Facts) -> Vec<Finding> {
    if !f.initial() {
        return Vec::new();
    }
    f.prescriptions
        .iter()
        .filter_map(|l| Some((l, l.info.as_ref()?.psychotropic_class?)))
        .map(|(l, class)| {
            let name = l.label();
            RX_INITIAL_PSYCHOTROPIC.finding(
                (
                    format!("初診のオンライン診療では向精神薬は処方できません: {name} ({}向精神薬)。", class_ja(class)),
                    format!("Psychotropics cannot be prescribed at an online first visit: {name} (class {class} psychotropic)."),
                ),
                (
                    "処方を削除し、対面診療で評価してください。".into(),
                    "Remove the line and assess the patient in person.".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// The 薬剤管理指導料「1」 category ids of the drug master, in words.
fn high_risk_names(category: &str) -> (String, String) {
    let names: Vec<(&str, &str)> = category
        .split([',', ';', ' '])
        .filter(|c| !c.is_empty())
        .map(|c| match c {
            "antineoplastics" => ("抗悪性腫瘍剤", "antineoplastic"),
            "immunosuppressants" => ("免疫抑制剤", "immunosuppressant"),
            "antiarrhythmics" => ("不整脈用剤", "antiarrhythmic"),
            "antiepileptics" => ("抗てんかん剤", "antiepileptic"),
            "anticoagulants" => ("血液凝固阻止剤", "anticoagulant"),
            "digitalis" => ("ジギタリス製剤", "digitalis"),
            "theophylline" => ("テオフィリン製剤", "theophylline"),
            "potassium_injection" => ("カリウム製剤 (注射薬)", "potassium injection"),
            "psychiatric" => ("精神神経用剤", "psychiatric drug"),
            "antidiabetics" => ("糖尿病用剤", "antidiabetic"),
            "pancreatic_hormones" => ("膵臓ホルモン剤", "pancreatic hormone"),
            "anti_hiv" => ("抗HIV薬", "anti-HIV drug"),
            other => (other, other),
        })
        .collect();
    (
        names.iter().map(|n| n.0).collect::<Vec<_>>().join("・"),
        names.iter().map(|n| n.1).collect::<Vec<_>>().join(", "),
    )
}

/// 指針 V.1(5)②ⅰ: when the underlying conditions are unknown, no drug needing special safety
/// management (the 薬剤管理指導料「1」 drugs) at an online first visit.
pub(super) fn initial_high_risk(f: &Facts) -> Vec<Finding> {
    if !f.initial() || f.c.patient.underlying_known() {
        return Vec::new();
    }
    f.prescriptions
        .iter()
        .filter_map(|l| Some((l, l.info.as_ref()?.high_risk_category.as_deref()?)))
        .map(|(l, category)| {
            let name = l.label();
            let (ja, en) = high_risk_names(category);
            RX_INITIAL_HIGH_RISK.finding(
                (
                    format!("基礎疾患等の情報が把握できていない初診患者に、特に安全管理が必要な医薬品 ({ja}) は処方できません: {name}。"),
                    format!("The underlying conditions are unknown: a drug needing special safety management ({en}) cannot be prescribed at an online first visit: {name}."),
                ),
                (
                    "処方を削除するか、基礎疾患等の情報 (診療情報提供書、お薬手帳等) を把握して記録してください。".into(),
                    "Remove the line, or obtain and record the underlying conditions (referral letter, medication notebook ...).".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// A line that is one dose taken once: the emergency contraceptive written with its quantity (one
/// tablet) and no days. Its course is that single day, not an unknown length; how many tablets
/// it may be is checked by `ec.single_tablet` (指針 V.1(2)②ⅸ).
fn single_dose(l: &Line) -> bool {
    l.is_emergency_contraception()
        && l.line
            .is_some_and(|x| x.days.is_none() && x.quantity.is_some())
}

/// 指針 V.1(5)②ⅰ: when the underlying conditions are unknown, no prescription of 8 days or more
/// at an online first visit. A line without its days is treated as too long, except the one
/// emergency-contraception dose written by its quantity ([`single_dose`]).
pub(super) fn initial_long_course(f: &Facts) -> Vec<Finding> {
    if !f.initial() || f.c.patient.underlying_known() {
        return Vec::new();
    }
    f.prescriptions
        .iter()
        .filter(|l| !single_dose(l))
        .filter_map(|l| {
            let days = l.line.and_then(|x| x.days);
            match days {
                Some(d) if d <= MAX_INITIAL_DAYS_UNKNOWN_HISTORY => None,
                _ => Some((l, days)),
            }
        })
        .map(|(l, days)| {
            let name = l.label();
            let (ja, en) = match days {
                Some(d) => (format!("{d}日分"), format!("{d} days")),
                None => ("日数の記録なし".to_string(), "no days recorded".to_string()),
            };
            RX_INITIAL_LONG_COURSE.finding(
                (
                    format!("基礎疾患等の情報が把握できていない初診患者に、8日分以上は処方できません: {name} ({ja})。"),
                    format!("The underlying conditions are unknown: no more than 7 days may be prescribed at an online first visit: {name} ({en})."),
                ),
                (
                    "7日分以内に減らしてください。".into(),
                    "Reduce the course to 7 days or fewer.".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// A prescription line without a usable code or whose code the master does not know. An
/// emergency-contraception line written by name only is checked by its own rules instead.
fn unresolved<'f>(f: &'f Facts) -> impl Iterator<Item = &'f Line<'f>> {
    f.prescriptions
        .iter()
        .filter(|l| l.info.is_none() && !(l.code.is_none() && l.is_emergency_contraception()))
}

/// 指針 V.1(5)②ⅰ: at an online first visit a drug the master does not know cannot be shown not
/// to be a narcotic, a psychotropic or a high-risk drug, so it blocks like one.
pub(super) fn initial_unknown_drug(f: &Facts) -> Vec<Finding> {
    if !f.initial() {
        return Vec::new();
    }
    unresolved(f)
        .map(|l| {
            let name = l.label();
            RX_INITIAL_UNKNOWN_DRUG.finding(
                (
                    format!("薬剤マスタにない薬剤のため、初診で処方できない薬剤 (麻薬・向精神薬・特に安全管理が必要な医薬品) でないことを確認できません: {name}。"),
                    format!("Not in the drug master, so it cannot be shown not to be a narcotic, psychotropic or high-risk drug barred at a first visit: {name}."),
                ),
                (
                    "薬価基準収載医薬品コードを確認して入力し直してください。".into(),
                    "Check the 薬価基準収載医薬品コード and enter it again.".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// 指針 V.1(5)②ⅱ: the doctor confirms the medicines the patient currently takes.
pub(super) fn current_medications(f: &Facts) -> Vec<Finding> {
    let confirmed_now = confirmed(f.c.patient.current_medications_confirmed);
    if !f.online_care() || f.prescriptions.is_empty() || confirmed_now {
        return Vec::new();
    }
    vec![RX_CURRENT_MEDICATIONS.says(
        "患者が現在服薬している医薬品の確認が記録されていません。",
        "No confirmation of the medicines the patient currently takes is recorded.",
        "お薬手帳等で服薬中の医薬品を確認し、記録してください。",
        "Confirm the current medicines (medication notebook etc.) and record them.",
    )]
}

fn where_ja(l: &Line) -> &'static str {
    if l.line.is_some() {
        "処方"
    } else {
        "服薬中"
    }
}

fn where_en(l: &Line) -> &'static str {
    if l.line.is_some() {
        "prescribed"
    } else {
        "currently taken"
    }
}

fn pde5_lines<'f>(f: &'f Facts) -> impl Iterator<Item = &'f Line<'f>> {
    f.prescriptions
        .iter()
        .filter(|l| l.info.as_ref().is_some_and(|i| i.pde5_inhibitor))
}

/// 指針 V.1(5)④ⅱ: a PDE5 inhibitor (erectile dysfunction and others) is not prescribed online
/// without the information needed to rule out its contraindications: the current medications,
/// confirmed, recorded (an empty list: none), and each known to the drug master.
pub(super) fn pde5_unverified(f: &Facts) -> Vec<Finding> {
    if !f.online_care() {
        return Vec::new();
    }
    let p = &f.c.patient;
    // Confirmed without a list says nothing about nitrates: no better than unconfirmed.
    let unconfirmed =
        !confirmed(p.current_medications_confirmed) || p.current_medications.is_none();
    let unknown: Vec<String> = f
        .current
        .iter()
        .filter(|m| m.info.is_none())
        .map(Line::label)
        .collect();
    pde5_lines(f)
        .filter(|_| unconfirmed || !unknown.is_empty())
        .map(|l| {
            let name = l.label();
            let (why_ja, why_en) = if unconfirmed {
                ("服薬中の医薬品が確認・記録されていません".to_string(), "current medications are not confirmed and recorded".to_string())
            } else {
                (
                    format!("服薬中の医薬品のうち薬剤マスタにないもの: {}", unknown.join("、")),
                    format!("current medications not in the drug master: {}", unknown.join(", ")),
                )
            };
            RX_PDE5_UNVERIFIED.finding(
                (
                    format!("禁忌を確認するのに十分な情報がないまま PDE5 阻害薬を処方しようとしています ({why_ja}): {name}。"),
                    format!("A PDE5 inhibitor without the information to rule out its contraindications ({why_en}): {name}."),
                ),
                (
                    "硝酸薬・ニコランジル・リオシグアト等の服用の有無を含め服薬中の医薬品を確認し、記録してください。".into(),
                    "Confirm and record the current medicines, including nitrates, nicorandil and riociguat.".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// 指針 V.1(5)④ⅱ: a PDE5 inhibitor never meets a drug it is contraindicated with, matched by
/// ingredient by the drug master — whichever of the two is being prescribed: the inhibitor
/// with a current medication or another line, or a new line with an inhibitor already taken.
pub(super) fn pde5_contraindicated(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let all = f.prescriptions.iter().chain(&f.current);
    for (i, inhibitor_line) in all.clone().enumerate() {
        let Some(inhibitor) = inhibitor_line.info.as_ref().filter(|i| i.pde5_inhibitor) else {
            continue;
        };
        for (j, other_line) in all.clone().enumerate() {
            // Two current medications are not this prescription's doing.
            let both_current = inhibitor_line.line.is_none() && other_line.line.is_none();
            if j == i || both_current {
                continue;
            }
            let Some(other) = &other_line.info else {
                continue;
            };
            let Some((why_ja, why_en)) = f.drugs.pde5_conflict(inhibitor, other) else {
                continue;
            };
            let (resolve_ja, resolve_en) = if inhibitor_line.line.is_some() {
                (
                    "PDE5 阻害薬の処方を中止してください。".to_string(),
                    "Do not prescribe the PDE5 inhibitor.".to_string(),
                )
            } else {
                (
                    format!("{} の処方を中止してください。", other.name),
                    format!("Do not prescribe {}.", other.name),
                )
            };
            out.push(
                RX_PDE5_CONTRAINDICATED
                    .finding(
                        (
                            format!(
                                "{} ({}) は {} ({}) と併用できません: {why_ja}",
                                inhibitor.name,
                                where_ja(inhibitor_line),
                                other.name,
                                where_ja(other_line)
                            ),
                            format!(
                                "{} ({}) must not be combined with {} ({}): {why_en}",
                                inhibitor.name,
                                where_en(inhibitor_line),
                                other.name,
                                where_en(other_line)
                            ),
                        ),
                        (resolve_ja, resolve_en),
                    )
                    .on_line(inhibitor_line.id()),
            );
        }
    }
    out
}

fn misuse_group_names(group: &str) -> (String, String) {
    let names: Vec<(&str, &str)> = group
        .split([',', ';', ' '])
        .filter(|g| !g.is_empty())
        .map(|g| match g {
            "psychotropics" => ("向精神薬", "psychotropic"),
            "hypnotics" => ("睡眠薬", "hypnotic"),
            "diuretics_weight_loss" => (
                "体重減少目的に使用されうる利尿薬",
                "diuretic usable for weight loss",
            ),
            "antidiabetics_weight_loss" => (
                "体重減少目的に使用されうる糖尿病治療薬",
                "diabetes drug usable for weight loss",
            ),
            "moisturisers_cosmetic" => (
                "美容目的に使用されうる保湿クリーム",
                "moisturiser usable cosmetically",
            ),
            other => (other, other),
        })
        .collect();
    (
        names.iter().map(|n| n.0).collect::<Vec<_>>().join("・"),
        names.iter().map(|n| n.1).collect::<Vec<_>>().join(", "),
    )
}

/// 指針 V.1(5)④ⅰ: drugs open to resale or misuse (psychotropics, hypnotics, diuretics and diabetes
/// drugs usable for weight loss, moisturisers usable cosmetically) are not prescribed online
/// without confirming the need in person.
pub(super) fn misuse_watch(f: &Facts) -> Vec<Finding> {
    if !f.online_care() {
        return Vec::new();
    }
    f.prescriptions
        .iter()
        .filter(|l| !confirmed(l.line.and_then(|x| x.assessed_in_person)))
        .filter_map(|l| {
            let info = l.info.as_ref()?;
            let group = match (&info.misuse_watch, info.psychotropic_class) {
                (Some(g), _) => g.clone(),
                (None, Some(_)) => "psychotropics".to_string(),
                (None, None) => return None,
            };
            Some((l, group))
        })
        .map(|(l, group)| {
            let name = l.label();
            let (ja, en) = misuse_group_names(&group);
            RX_MISUSE_WATCH.finding(
                (
                    format!("転売や不適正使用のおそれがある医薬品 ({ja}) です: {name}。"),
                    format!("A drug open to resale or misuse ({en}): {name}."),
                ),
                (
                    "対面診療で必要性を確認してから処方してください (確認済みなら assessed_in_person を記録)。".into(),
                    "Confirm the need at an in-person visit before prescribing (then record assessed_in_person).".into(),
                ),
            ).on_line(l.id())
        })
        .collect()
}

/// The ingredients of a product, each once: a combination's 成分名 joins them with 「・」
/// (トラマドール塩酸塩・アセトアミノフェン).
fn ingredients(info: &DrugInfo) -> BTreeSet<String> {
    info.ingredient
        .split('・')
        .map(nfkc)
        .filter(|i| !i.is_empty())
        .collect()
}

/// 指針 V.1(5)①: mind combinations and avoid over-prescribing — the same ingredient twice on
/// the prescription, or prescribed under another product while already taken, combination
/// products included (renewing a current medication under its own code is not a duplicate).
pub(super) fn duplicate_ingredient(f: &Facts) -> Vec<Finding> {
    let mut by_ingredient: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for info in f.prescriptions.iter().filter_map(|l| l.info.as_ref()) {
        for ingredient in ingredients(info) {
            by_ingredient
                .entry(ingredient)
                .or_default()
                .0
                .push(info.name.clone());
        }
    }
    // A current medication renewed under its own code is a continuation, not a duplicate.
    let prescribed_codes: Vec<&str> = f
        .prescriptions
        .iter()
        .filter_map(|l| l.code.as_deref())
        .collect();
    for m in &f.current {
        if m.code
            .as_deref()
            .is_some_and(|c| prescribed_codes.contains(&c))
        {
            continue;
        }
        let Some(info) = &m.info else { continue };
        for ingredient in ingredients(info) {
            if let Some(entry) = by_ingredient.get_mut(&ingredient) {
                entry.1.push(info.name.clone());
            }
        }
    }
    // Two combinations that share several ingredients make one finding, not one per ingredient.
    let mut by_products: BTreeMap<(Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for (ingredient, products) in by_ingredient {
        if products.0.len() + products.1.len() > 1 {
            by_products.entry(products).or_default().push(ingredient);
        }
    }
    by_products
        .into_iter()
        .map(|((rx, current), ingredients)| {
            let ingredient = ingredients.join("・");
            let (ja, en) = if current.is_empty() {
                (
                    format!("同一成分 {ingredient} が処方内で重複しています: {}。", rx.join("、")),
                    format!("The ingredient {ingredient} appears more than once on the prescription: {}.", rx.join(", ")),
                )
            } else {
                (
                    format!("同一成分 {ingredient} を服薬中です ({}) が、さらに処方しようとしています: {}。", current.join("、"), rx.join("、")),
                    format!("The ingredient {ingredient} is already taken ({}) and prescribed again: {}.", current.join(", "), rx.join(", ")),
                )
            };
            RX_DUPLICATE_INGREDIENT.finding(
                (ja, en),
                (
                    "重複が意図したものか確認し、不要な行を削除してください。".into(),
                    "Check whether the duplication is intended and remove the line that is not.".into(),
                ),
            )
        })
        .collect()
}

/// 指針 V.1(5)①: every drug is checked by its classification, so a code the drug master does not
/// know — prescribed or currently taken — is reported rather than passed over.
pub(super) fn unknown_drug(f: &Facts) -> Vec<Finding> {
    let prescribed = unresolved(f).map(|l| (l.label(), "処方", "prescribed"));
    let taken = f
        .current
        .iter()
        .filter(|m| m.info.is_none())
        .map(|m| (m.label(), "服薬中", "currently taken"));
    prescribed
        .chain(taken)
        .map(|(name, where_ja, where_en)| {
            RX_UNKNOWN_DRUG.finding(
                (
                    format!("薬剤マスタにない薬剤です ({where_ja}): {name}。分類 (麻薬・向精神薬・ハイリスク薬・PDE5 禁忌等) を確認できません。"),
                    format!("Not in the drug master ({where_en}): {name}. Its classification (narcotic, psychotropic, high-risk, PDE5 contraindication ...) cannot be checked."),
                ),
                (
                    "薬価基準収載医薬品コードを確認するか、薬剤マスタを更新してください。".into(),
                    "Check the 薬価基準収載医薬品コード, or update the drug master.".into(),
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DrugLookup;
    use crate::rules::{Consultation, PatientFacts, PrescriptionLine};

    /// A drug master of combination products: code → (品名, 成分名).
    struct Combinations;

    const DRUGS: [(&str, &str, &str); 5] = [
        ("1141007F1063", "カロナール錠200", "アセトアミノフェン"),
        (
            "1149117F1020",
            "トラムセット配合錠",
            "トラマドール塩酸塩・アセトアミノフェン",
        ),
        (
            "2171022F1029",
            "ノルバスク錠2.5mg",
            "アムロジピンベシル酸塩",
        ),
        (
            "2149114F1020",
            "ユニシア配合錠LD",
            "カンデサルタンシレキセチル・アムロジピンベシル酸塩",
        ),
        (
            "2149114F2026",
            "ユニシア配合錠HD",
            "カンデサルタンシレキセチル・アムロジピンベシル酸塩",
        ),
    ];

    impl DrugLookup for Combinations {
        fn drug(&self, code: &str) -> Option<DrugInfo> {
            let (code, name, ingredient) = DRUGS.into_iter().find(|d| d.0 == code)?;
            Some(DrugInfo {
                code: code.into(),
                name: name.into(),
                ingredient: ingredient.into(),
                route: "内用薬".into(),
                narcotic: false,
                psychotropic_class: None,
                high_risk_category: None,
                misuse_watch: None,
                pde5_inhibitor: false,
                pde5_contraindicated: false,
            })
        }
        fn pde5_conflict(&self, _: &DrugInfo, _: &DrugInfo) -> Option<(String, String)> {
            None
        }
    }

    fn duplicates(prescribed: &[&str], current: &[&str]) -> Vec<String> {
        let c = Consultation {
            prescriptions: prescribed
                .iter()
                .map(|code| PrescriptionLine {
                    drug: Some(code.to_string()),
                    days: Some(7),
                    ..Default::default()
                })
                .collect(),
            patient: PatientFacts {
                current_medications: Some(current.iter().map(|c| c.to_string()).collect()),
                ..Default::default()
            },
            ..Default::default()
        };
        let f = Facts::new(&c, &Combinations, time::OffsetDateTime::UNIX_EPOCH);
        duplicate_ingredient(&f)
            .into_iter()
            .map(|x| x.message_en)
            .collect()
    }

    #[test]
    fn an_ingredient_inside_a_combination_is_a_duplicate() {
        let found = duplicates(&["1149117F1020", "1141007F1063"], &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("アセトアミノフェン"), "{found:?}");
        assert!(!found[0].contains("トラマドール塩酸塩 "), "{found:?}");

        let found = duplicates(&["2171022F1029"], &["2149114F1020"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("already taken"), "{found:?}");
    }

    #[test]
    fn combinations_sharing_ingredients_make_one_finding() {
        let found = duplicates(&["2149114F1020", "2149114F2026"], &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("アムロジピンベシル酸塩・カンデサルタンシレキセチル"),
            "{found:?}"
        );
    }

    #[test]
    fn different_ingredients_and_renewals_are_not_duplicates() {
        assert!(duplicates(&["1141007F1063", "2171022F1029"], &[]).is_empty());
        assert!(duplicates(&["2149114F1020"], &["2149114F1020"]).is_empty());
    }
}
