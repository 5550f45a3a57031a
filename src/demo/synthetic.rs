//! Deterministic synthetic patients with realistic histories (chronic conditions, encounters,
//! SOAP notes, prescriptions from the demo drug list) for benchmarks and load tests.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::{Duration, OffsetDateTime};

use crate::domain::{
    Allergy, ChartNote, Demographics, Encounter, HistoryKnowledge, HistorySource, Insurance,
    InsuranceKind, Medication, Outcome, Patient, Prescription, Sex, VisitKind, nfkc,
};

/// SplitMix64: small, fast and the same on every platform, so patient k is always the same.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
];
const MALE: &[(&str, &str)] = &[
    ("健太", "ケンタ"),
    ("大輔", "ダイスケ"),
    ("誠", "マコト"),
    ("翔太", "ショウタ"),
    ("拓也", "タクヤ"),
    ("浩", "ヒロシ"),
    ("茂", "シゲル"),
    ("隆", "タカシ"),
    ("学", "マナブ"),
    ("和夫", "カズオ"),
    ("正男", "マサオ"),
    ("蓮", "レン"),
    ("悠真", "ユウマ"),
    ("直樹", "ナオキ"),
    ("修", "オサム"),
];
const FEMALE: &[(&str, &str)] = &[
    ("陽子", "ヨウコ"),
    ("恵子", "ケイコ"),
    ("美咲", "ミサキ"),
    ("由美", "ユミ"),
    ("花子", "ハナコ"),
    ("幸子", "サチコ"),
    ("真理子", "マリコ"),
    ("葵", "アオイ"),
    ("結衣", "ユイ"),
    ("直美", "ナオミ"),
    ("久美子", "クミコ"),
    ("千尋", "チヒロ"),
    ("明美", "アケミ"),
    ("さくら", "サクラ"),
    ("和子", "カズコ"),
];

/// A chronic condition: the ingredients usually prescribed for it and the words of its notes.
struct Condition {
    name: &'static str,
    ingredients: &'static [&'static str],
    dose: &'static str,
    subjective: &'static [&'static str],
    objective: &'static str,
    plan: &'static str,
}

const CONDITIONS: &[Condition] = &[
    Condition {
        name: "高血圧症",
        ingredients: &["アムロジピン", "オルメサルタン"],
        dose: "1回1錠 1日1回 朝食後",
        subjective: &[
            "家庭血圧は130台で安定",
            "朝の血圧がやや高い",
            "特に症状なし",
        ],
        objective: "家庭血圧 132/84 mmHg、脈拍 72",
        plan: "現処方継続。3か月後に対面で採血",
    },
    Condition {
        name: "2型糖尿病",
        ingredients: &["メトホルミン"],
        dose: "1回1錠 1日2回 朝夕食後",
        subjective: &["食事療法を続けている", "間食が増えた", "低血糖症状なし"],
        objective: "自己測定 空腹時血糖 118 mg/dL",
        plan: "HbA1c 測定のため次回対面",
    },
    Condition {
        name: "脂質異常症",
        ingredients: &["ロスバスタチン"],
        dose: "1回1錠 1日1回 夕食後",
        subjective: &["筋肉痛なし", "服薬良好"],
        objective: "前回 LDL 112 mg/dL",
        plan: "現処方継続",
    },
    Condition {
        name: "アレルギー性鼻炎",
        ingredients: &["フェキソフェナジン", "ロラタジン"],
        dose: "1回1錠 1日2回 朝夕食後",
        subjective: &["くしゃみと鼻汁が続く", "花粉の時期で増悪"],
        objective: "映像上、鼻閉感あり、発熱なし",
        plan: "抗ヒスタミン薬継続",
    },
    Condition {
        name: "逆流性食道炎",
        ingredients: &["ランソプラゾール", "ファモチジン"],
        dose: "1回1錠 1日1回 朝食前",
        subjective: &["胸やけは減った", "夜間に呑酸あり"],
        objective: "腹部症状の訴えなし",
        plan: "PPI 継続、就寝前の食事を控える",
    },
    Condition {
        name: "気管支喘息",
        ingredients: &["モンテルカスト", "テオフィリン"],
        dose: "1回1錠 1日1回 就寝前",
        subjective: &["夜間の咳は減少", "発作なし"],
        objective: "会話時に喘鳴なし、SpO2 97%（自己測定）",
        plan: "現治療継続",
    },
    Condition {
        name: "骨粗鬆症",
        ingredients: &["アレンドロン酸"],
        dose: "1回1錠 週1回 起床時",
        subjective: &["服薬方法を守れている"],
        objective: "身長低下なし",
        plan: "年1回骨密度測定",
    },
    Condition {
        name: "急性上気道炎",
        ingredients: &["アセトアミノフェン", "カルボシステイン"],
        dose: "1回1錠 1日3回 毎食後",
        subjective: &["咽頭痛と微熱", "咳と痰"],
        objective: "体温 37.4℃（自己測定）、呼吸苦なし",
        plan: "対症療法、増悪時は対面受診",
    },
];

struct DemoDrug {
    code: String,
    name: String,
    ingredient: String,
}

fn demo_drugs() -> &'static [DemoDrug] {
    static DRUGS: OnceLock<Vec<DemoDrug>> = OnceLock::new();
    DRUGS.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(super::DRUGS_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| r.len() >= 8)
            .map(|r| DemoDrug {
                code: nfkc(&r[1]),
                ingredient: nfkc(&r[2]),
                name: nfkc(&r[7]),
            })
            .collect()
    })
}

fn drug_for(ingredient: &str) -> Option<&'static DemoDrug> {
    demo_drugs()
        .iter()
        .find(|d| d.ingredient.contains(ingredient))
}

/// Synthetic patient number `k` (`s-000k`): a name, a date of birth, insurance, one to three
/// chronic conditions with their medications, and a year of encounters with notes and
/// prescriptions.
pub fn synthetic_patient(k: u64) -> Patient {
    let mut rng = Rng::new(k);
    let sex = if rng.below(2) == 0 {
        Sex::Female
    } else {
        Sex::Male
    };
    let (surname, surname_kana) = *rng.pick(SURNAMES);
    let (given, given_kana) = *rng.pick(if sex == Sex::Female { FEMALE } else { MALE });
    let year = 1935 + rng.below(70) as i32;
    let dob = time::Date::from_ordinal_date(year, 1 + rng.below(365) as u16)
        .unwrap_or(time::macros::date!(1970 - 01 - 01));
    let elderly = year < 1951;
    let id = format!("s-{k:06}");
    let doctor = if rng.below(2) == 0 {
        "dr-sato"
    } else {
        "dr-tanaka"
    };

    let mut conditions: Vec<&Condition> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let c = rng.pick(CONDITIONS);
        if !conditions.iter().any(|x| x.name == c.name) {
            conditions.push(c);
        }
    }
    let mut medications = BTreeMap::new();
    for (i, c) in conditions.iter().enumerate() {
        if let Some(d) = c.ingredients.first().and_then(|i| drug_for(i)) {
            medications.insert(
                format!("md-{k}-{i}"),
                Medication {
                    drug_code: Some(d.code.clone()),
                    name: d.name.clone(),
                    dose: c.dose.into(),
                    source: Some(HistorySource::PastRecords),
                },
            );
        }
    }
    let mut allergies = BTreeMap::new();
    if rng.below(6) == 0 {
        allergies.insert(
            format!("al-{k}-0"),
            Allergy {
                substance: rng
                    .pick(&["ペニシリン", "卵", "造影剤", "ロキソプロフェン"])
                    .to_string(),
                reaction: "発疹".into(),
                severity: Default::default(),
            },
        );
    }

    let mut encounters = BTreeMap::new();
    let base =
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH); // 2026-01-01 UTC
    for n in 0..2 + rng.below(7) {
        let c = conditions[rng.below(conditions.len() as u64) as usize];
        let start = base
            + Duration::days(n as i64 * 40 + rng.below(20) as i64)
            + Duration::hours(rng.below(8) as i64);
        let eid = format!("en-{k}-{n}");
        let mut e = Encounter::new(
            &eid,
            if n % 3 == 0 {
                VisitKind::InPerson
            } else {
                VisitKind::OnlineFollowup
            },
        );
        e.doctor = Some(doctor.into());
        e.chief_complaint = format!("{}の定期受診", c.name);
        e.started_at = Some(start);
        e.ended_at = Some(start + Duration::minutes(8 + rng.below(10) as i64));
        e.outcome = Some(Outcome::Completed);
        e.signed_by = Some(doctor.into());
        e.signed_at = e.ended_at;
        e.notes.insert(
            format!("nt-{k}-{n}"),
            ChartNote {
                id: format!("nt-{k}-{n}"),
                author: doctor.into(),
                written_at: start + Duration::minutes(5),
                subjective: rng.pick(c.subjective).to_string(),
                objective: c.objective.into(),
                assessment: format!("{}、コントロール良好", c.name),
                plan: c.plan.into(),
            },
        );
        for (j, ingredient) in c.ingredients.iter().enumerate() {
            if let Some(d) = drug_for(ingredient) {
                let rid = format!("rx-{k}-{n}-{j}");
                e.prescriptions.insert(
                    rid.clone(),
                    Prescription {
                        id: rid,
                        drug_code: d.code.clone(),
                        drug_name: d.name.clone(),
                        dose: c.dose.into(),
                        days: 28,
                        prescribed_by: doctor.into(),
                    },
                );
            }
        }
        encounters.insert(eid, e);
    }

    Patient {
        id,
        patient_number: None,
        demographics: Demographics {
            name_kanji: format!("{surname} {given}"),
            name_kana: format!("{surname_kana} {given_kana}"),
            date_of_birth: dob,
            sex,
            phone: format!("090-{:04}-{:04}", rng.below(10000), rng.below(10000)),
            address: format!(
                "東京都世田谷区{}丁目{}-{}",
                1 + rng.below(5),
                1 + rng.below(30),
                1 + rng.below(20)
            ),
        },
        insurance: Some(Insurance {
            kind: if elderly {
                InsuranceKind::LateElderly
            } else if rng.below(2) == 0 {
                InsuranceKind::Employee
            } else {
                InsuranceKind::National
            },
            insurer_number: if elderly {
                format!("3913{:04}", rng.below(10000))
            } else {
                format!("{:08}", 6_000_000 + rng.below(3_000_000))
            },
            member_symbol_number: format!("{}・{}", rng.below(100), rng.below(10000)),
            valid_until: None,
            copay_percent: if elderly { 10 } else { 30 },
        }),
        kakaritsuke: true,
        history: HistoryKnowledge {
            known: true,
            sources: vec![HistorySource::PastRecords],
            summary: conditions
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join("、"),
        },
        care_team: None,
        proxy: None,
        allergies,
        medications,
        medications_confirmed_at: Some(base),
        identity_checks: BTreeMap::new(),
        consents: BTreeMap::new(),
        care_plans: BTreeMap::new(),
        encounters,
        nursing_instructions: Default::default(),
        home_visit_doctors: Default::default(),
        nursing_visits: Default::default(),
    }
}
