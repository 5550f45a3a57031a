//! The catalogue: every rule's id, the clause it implements, its severity and a one-line summary,
//! in guideline order. Rule functions build their findings from these entries, so a finding can
//! never disagree with the catalogue about its clause or severity.
//!
//! Long because it is the whole catalogue, one entry per rule in guideline order: kept in one
//! file so that the order can be read as the guideline's.

use super::finding::{Resolution, RuleInfo, Severity};

use Severity::{Block, Info, Warn};

const fn rule(
    id: &'static str,
    clause: &'static str,
    severity: Severity,
    summary_ja: &'static str,
    summary_en: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        clause,
        severity,
        summary_ja,
        summary_en,
        overridable: true,
        resolutions: &[],
    }
}

/// 指針 V.1(5)②ⅰ「ただし、初診の場合には以下の処方は行わないこと」: a narcotic or psychotropic at
/// a first visit is cleared only by removing the line or seeing the patient in person.
const REMOVE_OR_IN_PERSON: &[Resolution] = &[Resolution::RemoveLine, Resolution::SwitchToInPerson];
/// The 薬剤管理指導料「1」 drug with the underlying conditions unknown: also by learning them.
const HISTORY_REMOVE_OR_IN_PERSON: &[Resolution] = &[
    Resolution::RecordHistory,
    Resolution::RemoveLine,
    Resolution::SwitchToInPerson,
];
/// 8 days or more with the underlying conditions unknown: also by shortening the course.
const HISTORY_SHORTEN_REMOVE_OR_IN_PERSON: &[Resolution] = &[
    Resolution::RecordHistory,
    Resolution::ShortenCourse,
    Resolution::RemoveLine,
    Resolution::SwitchToInPerson,
];

/// Which kind of visit it is decides which rules apply.
pub const VISIT_KIND: RuleInfo = rule(
    "visit.kind",
    "指針 V.1(2)",
    Block,
    "診療の種別 (初診・再診・対面・診療前相談・D to P) が記録されていない",
    "the kind of visit (first, follow-up, in person, pre-consult, D to P) is not recorded",
);

// ---------------------------------------------------------------- V.1(1) consent

pub const CONSENT_AGREEMENT: RuleInfo = rule(
    "consent.agreement",
    "指針 V.1(1)②ⅰ",
    Block,
    "オンライン診療の実施について医師と患者の合意がない",
    "no agreement between doctor and patient to consult online",
);
pub const CONSENT_PATIENT_REQUEST: RuleInfo = rule(
    "consent.patient_request",
    "指針 V.1(1)②ⅱ",
    Block,
    "患者がオンライン診療を希望する旨を明示的に確認していない",
    "the patient's explicit request for online care was not confirmed",
);
pub const CONSENT_EXPLANATION: RuleInfo = rule(
    "consent.explanation",
    "指針 V.1(1)②ⅳ",
    Block,
    "合意の前に必要な説明 (情報の限界と対面診療の組み合わせ・都度の判断・診療計画) がない",
    "the explanations required before agreement (limits and in-person care, per-visit judgement, care plan) are missing",
);
pub const CONSENT_PROXY: RuleInfo = rule(
    "consent.proxy",
    "指針 V 前文, V.1(1)②ⅰ",
    Block,
    "意思疎通が困難な患者について、家族等の代理による合意がない",
    "a patient who cannot communicate has no agreement given by a proxy",
);

// ---------------------------------------------------------------- V.1(2) who may be seen online

pub const ELIGIBILITY_INITIAL_BASIS: RuleInfo = rule(
    "eligibility.initial_basis",
    "指針 V.1(2)②ⅲ・ⅳ",
    Block,
    "初診のオンライン診療に、かかりつけの医師・十分な医学的情報・診療前相談のいずれもない",
    "an online first visit without a かかりつけ doctor, sufficient medical information or a pre-consult",
);
pub const ELIGIBILITY_HISTORY_SOURCES: RuleInfo = rule(
    "eligibility.history_sources",
    "指針 V.1(2)②ⅲ",
    Block,
    "医学的情報に基づく初診で、情報の出典が診療録に記録されていない",
    "a first visit based on medical information whose sources are not recorded in the chart",
);
pub const ELIGIBILITY_EMERGENCY: RuleInfo = rule(
    "eligibility.emergency",
    "指針 V.1(2)②ⅶ",
    Block,
    "急病急変患者は原則として直接の対面診療を行う",
    "acutely ill or deteriorating patients are seen in person",
);
pub const ELIGIBILITY_RED_FLAG: RuleInfo = rule(
    "eligibility.red_flag",
    "指針 V.1(2)②ⅱ",
    Block,
    "「オンライン診療の初診に適さない症状」に該当する症状での初診",
    "a first online visit for a symptom on the list of symptoms unsuitable for it",
);
pub const ELIGIBILITY_RED_FLAG_FOLLOWUP: RuleInfo = rule(
    "eligibility.red_flag_followup",
    "指針 V.1(1)②ⅲ, V.1(2)②ⅱ",
    Warn,
    "再診で対面診療が必要となりうる症状がある: オンラインで続けるか都度判断する",
    "a follow-up reports a symptom that may need in-person care: judge whether to continue online",
);
pub const ELIGIBILITY_COMMUNICATION: RuleInfo = rule(
    "eligibility.communication",
    "指針 V.1(2)③",
    Warn,
    "心身の状態を伝えることが困難な患者へのオンライン診療は慎重に判断する",
    "online care for a patient who has difficulty describing their condition needs careful judgement",
);
pub const PRECONSULT_NOTICE: RuleInfo = rule(
    "preconsult.notice",
    "指針 V.1(2)②ⅵ",
    Block,
    "診療前相談の前に、オンライン診療に至らない可能性と費用を患者に周知していない",
    "before a pre-consult the patient was not told that online care may not follow, nor its cost",
);
pub const TEAM_NAMED_DOCTORS: RuleInfo = rule(
    "team.named_doctors",
    "指針 V.1(2)②ⅷ",
    Block,
    "診療計画に氏名のない医師によるオンライン診療 (代診の手続きもない)",
    "online care by a doctor the care plan does not name, without the substitute procedure",
);
pub const TEAM_SUBSTITUTE: RuleInfo = rule(
    "team.substitute",
    "指針 V.1(2)②ⅷ",
    Block,
    "代診医によるオンライン診療に、患者の同意または診療録を含む引継ぎがない",
    "a substitute doctor consults without the patient's consent or a full handover",
);
pub const EXCEPTION_SMOKING_CESSATION: RuleInfo = rule(
    "exception.smoking_cessation",
    "指針 V.1(2)②ⅸ",
    Block,
    "対面診療を組み合わせない禁煙外来に、定期的な健康診断等の確認がない",
    "online-only smoking-cessation care without regular health checks",
);
pub const EC_DOCTOR_QUALIFIED: RuleInfo = rule(
    "ec.doctor_qualified",
    "指針 V.1(2)②ⅸ",
    Block,
    "初診の緊急避妊を、産婦人科医でも研修修了医でもない医師が行う",
    "emergency contraception at a first online visit by a doctor who is neither an OB/GYN nor trained for it",
);
pub const EC_REASON: RuleInfo = rule(
    "ec.reason",
    "指針 V.1(2)②ⅸ",
    Block,
    "初診の緊急避妊に、地理的要因または心理的状態による例外の理由がない",
    "emergency contraception at a first online visit without the geographic or psychological ground",
);
pub const EC_SINGLE_TABLET: RuleInfo = rule(
    "ec.single_tablet",
    "指針 V.1(2)②ⅸ",
    Block,
    "緊急避妊薬は一錠のみの院外処方とする",
    "emergency contraception is one tablet, prescribed for a community pharmacy",
);
pub const EC_PHARMACIST_OBSERVED: RuleInfo = rule(
    "ec.pharmacist_observed",
    "指針 V.1(2)②ⅸ",
    Block,
    "研修を受けた薬剤師の面前での内服が手配されていない",
    "taking the tablet in front of a trained pharmacist is not arranged",
);
pub const EC_FOLLOWUP: RuleInfo = rule(
    "ec.followup",
    "指針 V.1(2)②ⅸ",
    Block,
    "約三週間後の産婦人科医による対面診療が確保されていない",
    "an in-person OB/GYN follow-up in about three weeks is not secured",
);
pub const EC_COUNSELLING: RuleInfo = rule(
    "ec.counselling",
    "指針 V.1(2)②ⅸ",
    Block,
    "より確実な避妊法についての説明が記録されていない",
    "counselling on more reliable contraception is not recorded",
);
pub const EC_SAFEGUARDING: RuleInfo = rule(
    "ec.safeguarding",
    "指針 V.1(2)②ⅸ 注",
    Block,
    "性被害の可能性がある場合に、警察・ワンストップ支援センター等への支援につないでいない",
    "a possible sexual assault has not been linked to police or a one-stop support centre",
);

// ---------------------------------------------------------------- V.1(3) care plan

pub const CARE_PLAN_MISSING: RuleInfo = rule(
    "care_plan.missing",
    "指針 V.1(3)②ⅰ",
    Block,
    "診療計画が定められていない",
    "there is no care plan",
);
pub const CARE_PLAN_ITEMS: RuleInfo = rule(
    "care_plan.items",
    "指針 V.1(3)②ⅰ",
    Block,
    "診療計画に定めるべき九つの事項のうち欠けているものがある",
    "the care plan lacks some of the nine items it must state",
);
pub const CARE_PLAN_AGREEMENT: RuleInfo = rule(
    "care_plan.agreement",
    "指針 V.1(1)①, V.1(3)①",
    Block,
    "診療計画について患者の合意がない",
    "the patient has not agreed to the care plan",
);
pub const CARE_PLAN_RETENTION: RuleInfo = rule(
    "care_plan.retention",
    "指針 V.1(3)②ⅰ",
    Block,
    "診療計画の保存期間がオンライン診療終了から2年に満たない",
    "the care plan is not kept for two years after online care ended",
);
pub const CARE_PLAN_NEXT_STEPS: RuleInfo = rule(
    "care_plan.next_steps",
    "指針 V.1(3)②ⅱ",
    Block,
    "初診のオンライン診療の後、その後の方針を患者に説明していない",
    "after an online first visit the next steps were not explained",
);
pub const CARE_PLAN_RECORDING: RuleInfo = rule(
    "care_plan.recording",
    "指針 V.1(3)②ⅲ",
    Block,
    "映像・音声の保存について医師と患者の事前の合意がない",
    "video or audio is kept without a prior agreement between doctor and patient",
);
pub const CARE_PLAN_EMERGENCY_HANDOVER: RuleInfo = rule(
    "care_plan.emergency_handover",
    "指針 V.1(3)②ⅳ",
    Block,
    "急変が想定されるのに、対応する医療機関へ診療情報が事前に伝達されていない",
    "a foreseeable deterioration, but the hospital that would take it has not been given the records",
);
pub const CARE_PLAN_PATIENT_ACCESS: RuleInfo = rule(
    "care_plan.patient_access",
    "指針 V.1(3)③ⅰ",
    Info,
    "診療計画を文書または電磁的記録で患者が参照できるようにすることが望ましい",
    "the patient should be able to read the care plan on paper or electronically",
);

// ---------------------------------------------------------------- V.1(4) identity

pub const IDENTITY_DOCTOR_LICENCE: RuleInfo = rule(
    "identity.doctor_licence",
    "指針 V.1(4)②ⅰ",
    Block,
    "患者が医師の免許を確認できる状態にない",
    "the patient cannot verify that the doctor is licensed",
);
pub const IDENTITY_DOCTOR_PHOTO_ID: RuleInfo = rule(
    "identity.doctor_photo_id",
    "指針 V.2(5)②1-2)",
    Block,
    "汎用サービスで、医師が顔写真付き身分証明書と医籍登録年を示していない",
    "over a general-purpose service the doctor has not shown a photo ID and the 医籍登録年",
);
pub const IDENTITY_DOCTOR_HPKI: RuleInfo = rule(
    "identity.doctor_hpki",
    "指針 V.2(5)②1-2)",
    Info,
    "汎用サービスでは HPKI カード (医師資格証) の使用が望ましい",
    "over a general-purpose service the doctor should use the HPKI card",
);
pub const IDENTITY_PATIENT: RuleInfo = rule(
    "identity.patient",
    "指針 V.1(4)②ⅱ",
    Block,
    "患者の本人確認を身分確認書類で行っていない",
    "the patient's identity was not checked against a document",
);
pub const IDENTITY_PATIENT_INITIAL_DOCUMENTS: RuleInfo = rule(
    "identity.patient_initial_documents",
    "指針 V.2(5)②3-3)",
    Block,
    "初診で、顔写真付き身分証明書も2種類以上の身分証明書もない",
    "a first online visit without a photo ID and without two identity documents",
);

// ---------------------------------------------------------------- V.1(5) prescribing

pub const RX_PRE_CONSULT: RuleInfo = rule(
    "rx.pre_consult",
    "指針 V.1(2)②ⅳ",
    Block,
    "診療前相談では処方を行わない (診療前相談は診断・処方を含まない)",
    "no prescribing at a pre-consult (it includes no diagnosis or prescription)",
);
pub const RX_INITIAL_NARCOTIC: RuleInfo = rule(
    "rx.initial.narcotic",
    "指針 V.1(5)②ⅰ",
    Block,
    "初診のオンライン診療で麻薬を処方しない",
    "no narcotics at an online first visit",
)
.not_overridable(REMOVE_OR_IN_PERSON);
pub const RX_INITIAL_PSYCHOTROPIC: RuleInfo = rule(
    "rx.initial.psychotropic",
    "指針 V.1(5)②ⅰ",
    Block,
    "初診のオンライン診療で向精神薬を処方しない",
    "no psychotropics at an online first visit",
)
.not_overridable(REMOVE_OR_IN_PERSON);
pub const RX_INITIAL_HIGH_RISK: RuleInfo = rule(
    "rx.initial.high_risk",
    "指針 V.1(5)②ⅰ",
    Block,
    "基礎疾患等の情報が把握できていない初診患者に、薬剤管理指導料「1」の対象薬を処方しない",
    "no 薬剤管理指導料「1」 (high-risk) drugs at a first visit when underlying conditions are unknown",
).not_overridable(HISTORY_REMOVE_OR_IN_PERSON);
pub const RX_INITIAL_LONG_COURSE: RuleInfo = rule(
    "rx.initial.long_course",
    "指針 V.1(5)②ⅰ",
    Block,
    "基礎疾患等の情報が把握できていない初診患者に、8日分以上を処方しない",
    "no prescription of 8 days or more at a first visit when underlying conditions are unknown",
)
.not_overridable(HISTORY_SHORTEN_REMOVE_OR_IN_PERSON);
pub const RX_INITIAL_UNKNOWN_DRUG: RuleInfo = rule(
    "rx.initial.unknown_drug",
    "指針 V.1(5)②ⅰ",
    Block,
    "初診で薬剤マスタにない薬剤: 麻薬・向精神薬・ハイリスク薬でないことを確認できない",
    "a drug not in the drug master at a first visit: it cannot be shown not to be a narcotic, psychotropic or high-risk drug",
)
// What cannot be shown clear of V.1(5)②ⅰ's prohibitions is treated as one of them: a reason
// would let a narcotic through under a code the master does not know.
.not_overridable(REMOVE_OR_IN_PERSON);
pub const RX_CURRENT_MEDICATIONS: RuleInfo = rule(
    "rx.current_medications",
    "指針 V.1(5)②ⅱ",
    Block,
    "処方の前に、患者が現在服薬している医薬品を確認していない",
    "the patient's current medications were not confirmed before prescribing",
);
pub const RX_PDE5_UNVERIFIED: RuleInfo = rule(
    "rx.pde5.unverified",
    "指針 V.1(5)④ⅱ",
    Block,
    "禁忌を確認するのに十分な情報がないまま勃起不全治療薬等 (PDE5 阻害薬) を処方する",
    "a PDE5 inhibitor without the information needed to rule out its contraindications",
);
pub const RX_PDE5_CONTRAINDICATED: RuleInfo = rule(
    "rx.pde5.contraindicated",
    "指針 V.1(5)④ⅱ",
    Block,
    "PDE5 阻害薬と併用禁忌の薬剤 (硝酸薬・NO 供与剤・リオシグアト等) の組み合わせ",
    "a PDE5 inhibitor together with a drug it must not meet (nitrates, NO donors, riociguat ...)",
);
pub const RX_MISUSE_WATCH: RuleInfo = rule(
    "rx.misuse_watch",
    "指針 V.1(5)④ⅰ",
    Warn,
    "転売・不適正使用のおそれがある薬剤: 対面診療で必要性を確認する",
    "a drug open to resale or misuse: confirm the need at an in-person visit",
);
pub const RX_DUPLICATE_INGREDIENT: RuleInfo = rule(
    "rx.duplicate_ingredient",
    "指針 V.1(5)①",
    Warn,
    "同一成分の重複 (処方内または服薬中の薬剤と)",
    "the same ingredient twice (within the prescription or with a current medication)",
);
pub const RX_UNKNOWN_DRUG: RuleInfo = rule(
    "rx.unknown_drug",
    "指針 V.1(5)①",
    Warn,
    "薬剤マスタにない薬剤コード: 分類による確認ができない",
    "a drug code not in the drug master: its classification cannot be checked",
);

// ---------------------------------------------------------------- V.1(6) method

pub const METHOD_INSUFFICIENT_INFORMATION: RuleInfo = rule(
    "method.insufficient_information",
    "指針 V.1(6)②ⅰ",
    Block,
    "十分な情報が得られないのにオンライン診療を続けている",
    "online care continues although the information obtained is insufficient",
);
pub const METHOD_VIDEO_AUDIO: RuleInfo = rule(
    "method.video_audio",
    "指針 V.1(6)②ⅱ",
    Block,
    "リアルタイムの視覚及び聴覚の情報を含む手段を用いていない (文字・写真・録画のみは不可)",
    "not real-time video and audio (text, photos or recordings alone are not online care)",
);
pub const METHOD_ONE_PATIENT: RuleInfo = rule(
    "method.one_patient",
    "指針 V.1(6)②ⅲ",
    Block,
    "医師が同時に複数の患者を診療している",
    "the doctor is seeing more than one patient at once",
);
pub const METHOD_ATTENDEE_CONSENT: RuleInfo = rule(
    "method.attendee_consent",
    "指針 V.1(6)②ⅳ",
    Block,
    "同席者について患者の同意がない",
    "someone present without the patient's consent",
);
pub const METHOD_SESSION_TIMES: RuleInfo = rule(
    "method.session_times",
    "指針 V.1(6)③ⅰ",
    Warn,
    "開始時刻と終了時刻の記録がない、または矛盾している",
    "start and end times are not recorded, or contradict each other",
);

// ---------------------------------------------------------------- V.2(1)–(4) where, and with whom

pub const PLACE_DOCTOR_AFFILIATION: RuleInfo = rule(
    "place.doctor_affiliation",
    "指針 V.2(1)②ⅰ",
    Block,
    "医師が医療機関に所属し、その所属を明らかにしていない",
    "the doctor does not belong to a clinic, or has not made it known",
);
pub const PLACE_DOCTOR_UNSUITABLE: RuleInfo = rule(
    "place.doctor_unsuitable",
    "指針 V.2(1)②ⅲ",
    Block,
    "騒音や不安定な通信など、適切な判断を害する場所で診療している",
    "the doctor consults from a place where noise or an unstable network impairs judgement",
);
pub const PLACE_DOCTOR_RECORDS: RuleInfo = rule(
    "place.doctor_records",
    "指針 V.2(1)②ⅳ",
    Block,
    "医療機関外で、診療録等を参照できる体制がない",
    "outside the clinic, without access to the patient's records",
);
pub const PLACE_DOCTOR_PRIVATE: RuleInfo = rule(
    "place.doctor_private",
    "指針 V.2(1)②ⅴ",
    Block,
    "医師が物理的に外部から隔離された空間にいることが確認されていない",
    "the doctor is not confirmed to be in a physically isolated room",
);
pub const DPN_NURSE_PRESENT: RuleInfo = rule(
    "dpn.nurse_present",
    "指針 V.2(3)①",
    Block,
    "D to P with N で、看護師等が患者の側にいない",
    "D to P with N without a nurse at the patient's side",
);
pub const DPN_INSTRUCTIONS: RuleInfo = rule(
    "dpn.instructions",
    "指針 V.2(3)②",
    Block,
    "D to P with N で、診療計画・訪問看護指示書に基づく看護師等への指示が記録されていない",
    "D to P with N without instructions to the nurse under the care plan and 訪問看護指示書",
);
pub const DPN_TEAM: RuleInfo = rule(
    "dpn.team",
    "指針 V.2(3)③",
    Warn,
    "D to P with N は訪問診療を定期的に行う医師と、同一医療機関または訪問看護指示を受けた看護師等で行う",
    "D to P with N should be by a doctor who visits regularly, with a nurse of the clinic or under its order",
);
pub const DPD_PARTNER_PRESENT: RuleInfo = rule(
    "dpd.partner_present",
    "指針 V.2(4)①",
    Block,
    "D to P with D で、医師が患者の側にいない",
    "D to P with D without a doctor at the patient's side",
);
pub const DPD_PARTNER_TREATING: RuleInfo = rule(
    "dpd.partner_treating",
    "指針 V.2(4)①",
    Block,
    "患者の側の医師が、既に直接の対面診療を行っている主治医等でない",
    "the doctor with the patient is not their 主治医 who has already seen them in person",
);
pub const DPD_INFORMATION: RuleInfo = rule(
    "dpd.information",
    "指針 V.2(4)①",
    Block,
    "遠隔地の医師が、主治医等からあらかじめ十分な情報提供を受けていない",
    "the remote doctor has not received enough information from the 主治医 beforehand",
);
pub const DPD_RESPONSIBILITY: RuleInfo = rule(
    "dpd.responsibility",
    "指針 V.2(4)①",
    Block,
    "問題が生じた場合の責任分担等をあらかじめ協議していない",
    "who is responsible if something goes wrong was not agreed beforehand",
);

// ---------------------------------------------------------------- V.2(2), V.2(5) privacy and security

pub const SECURITY_PATIENT_PRIVACY: RuleInfo = rule(
    "security.patient_privacy",
    "指針 V.2(2)②ⅱ, V.2(5)②1-1)",
    Block,
    "患者がプライバシーの保たれた、外部から隔離された空間にいることを確認していない",
    "the patient is not confirmed to be in a private, isolated space",
);
pub const SECURITY_THIRD_PARTY: RuleInfo = rule(
    "security.third_party",
    "指針 V.2(5)②1-1)",
    Block,
    "医師側・患者側の空間に第三者がいないことを確認していない",
    "no confirmation that no third party is in the doctor's or the patient's room",
);
pub const SECURITY_RECORDING: RuleInfo = rule(
    "security.recording",
    "指針 V.2(5)②1-1)",
    Block,
    "双方が同意なく録音・録画・撮影を行わないことを確認していない",
    "no confirmation that neither side records, films or photographs without agreement",
);
pub const SECURITY_DOCTOR_CONNECTS: RuleInfo = rule(
    "security.doctor_connects",
    "指針 V.2(5)②1-2)",
    Block,
    "汎用サービスで、医師側から患者側につなげていない",
    "over a general-purpose service the doctor did not connect to the waiting patient",
);
pub const SECURITY_RISK_EXPLAINED: RuleInfo = rule(
    "security.risk_explained",
    "指針 V.2(5)②1-1)",
    Block,
    "セキュリティリスクと責任の所在を患者に説明し合意を得ていない",
    "security risks and responsibilities were not explained to and agreed by the patient",
);

// ---------------------------------------------------------------- V.3(1) training

pub const TRAINING_DOCTOR: RuleInfo = rule(
    "training.doctor",
    "指針 V.3(1)②",
    Block,
    "医師が厚生労働省の指定する研修を修了していない",
    "the doctor has not completed the MHLW-designated training",
);

// ---------------------------------------------------------------- records for billing

pub const BILLING_CONTENT: RuleInfo = rule(
    "billing.content",
    "事業者ガイドライン 5(1)",
    Block,
    "診療録に診療内容の要点が記載されていない",
    "the chart does not record the content of the consultation",
);
pub const BILLING_DATE: RuleInfo = rule(
    "billing.date",
    "事業者ガイドライン 5(1)",
    Block,
    "診療録に診療日が記載されていない",
    "the chart does not record the date",
);
pub const BILLING_TIME: RuleInfo = rule(
    "billing.time",
    "事業者ガイドライン 5(1)",
    Block,
    "診療録に診療時間が記載されていない",
    "the chart does not record the time",
);
pub const BILLING_PLACE: RuleInfo = rule(
    "billing.place",
    "事業者ガイドライン 5(1)",
    Block,
    "医療機関外での診療で、事後に確認できる場所が記録されていない",
    "outside the clinic, the place is not recorded so that it can be checked later",
);
pub const BILLING_EMERGENCY_ARRANGEMENT: RuleInfo = rule(
    "billing.emergency_arrangement",
    "事業者ガイドライン 5(1)",
    Block,
    "急変時の対応 (かかりつけ医の医療機関、または紹介先・方法・同意) が診療録にない",
    "the chart does not record what happens if the patient deteriorates",
);
pub const BILLING_GUIDELINE_STATEMENT: RuleInfo = rule(
    "billing.guideline_statement",
    "事業者ガイドライン 5(1)",
    Block,
    "指針に照らし適切な診療・処方である旨が診療録と摘要欄に記載されていない",
    "the chart and 摘要欄 do not state that care and prescription followed the 指針",
);

static CATALOGUE: [RuleInfo; 75] = [
    VISIT_KIND,
    CONSENT_AGREEMENT,
    CONSENT_PATIENT_REQUEST,
    CONSENT_EXPLANATION,
    CONSENT_PROXY,
    ELIGIBILITY_INITIAL_BASIS,
    ELIGIBILITY_HISTORY_SOURCES,
    ELIGIBILITY_EMERGENCY,
    ELIGIBILITY_RED_FLAG,
    ELIGIBILITY_RED_FLAG_FOLLOWUP,
    ELIGIBILITY_COMMUNICATION,
    PRECONSULT_NOTICE,
    TEAM_NAMED_DOCTORS,
    TEAM_SUBSTITUTE,
    EXCEPTION_SMOKING_CESSATION,
    EC_DOCTOR_QUALIFIED,
    EC_REASON,
    EC_SINGLE_TABLET,
    EC_PHARMACIST_OBSERVED,
    EC_FOLLOWUP,
    EC_COUNSELLING,
    EC_SAFEGUARDING,
    CARE_PLAN_MISSING,
    CARE_PLAN_ITEMS,
    CARE_PLAN_AGREEMENT,
    CARE_PLAN_RETENTION,
    CARE_PLAN_NEXT_STEPS,
    CARE_PLAN_RECORDING,
    CARE_PLAN_EMERGENCY_HANDOVER,
    CARE_PLAN_PATIENT_ACCESS,
    IDENTITY_DOCTOR_LICENCE,
    IDENTITY_DOCTOR_PHOTO_ID,
    IDENTITY_DOCTOR_HPKI,
    IDENTITY_PATIENT,
    IDENTITY_PATIENT_INITIAL_DOCUMENTS,
    RX_PRE_CONSULT,
    RX_INITIAL_NARCOTIC,
    RX_INITIAL_PSYCHOTROPIC,
    RX_INITIAL_HIGH_RISK,
    RX_INITIAL_LONG_COURSE,
    RX_INITIAL_UNKNOWN_DRUG,
    RX_CURRENT_MEDICATIONS,
    RX_PDE5_UNVERIFIED,
    RX_PDE5_CONTRAINDICATED,
    RX_MISUSE_WATCH,
    RX_DUPLICATE_INGREDIENT,
    RX_UNKNOWN_DRUG,
    METHOD_INSUFFICIENT_INFORMATION,
    METHOD_VIDEO_AUDIO,
    METHOD_ONE_PATIENT,
    METHOD_ATTENDEE_CONSENT,
    METHOD_SESSION_TIMES,
    PLACE_DOCTOR_AFFILIATION,
    PLACE_DOCTOR_UNSUITABLE,
    PLACE_DOCTOR_RECORDS,
    PLACE_DOCTOR_PRIVATE,
    DPN_NURSE_PRESENT,
    DPN_INSTRUCTIONS,
    DPN_TEAM,
    DPD_PARTNER_PRESENT,
    DPD_PARTNER_TREATING,
    DPD_INFORMATION,
    DPD_RESPONSIBILITY,
    SECURITY_PATIENT_PRIVACY,
    SECURITY_THIRD_PARTY,
    SECURITY_RECORDING,
    SECURITY_DOCTOR_CONNECTS,
    SECURITY_RISK_EXPLAINED,
    TRAINING_DOCTOR,
    BILLING_CONTENT,
    BILLING_DATE,
    BILLING_TIME,
    BILLING_PLACE,
    BILLING_EMERGENCY_ARRANGEMENT,
    BILLING_GUIDELINE_STATEMENT,
];

/// Every rule, in guideline order.
pub fn catalogue() -> &'static [RuleInfo] {
    &CATALOGUE
}

/// The catalogue entry for a rule id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    CATALOGUE.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for r in catalogue() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "rule id {} is not snake_case.dotted",
                r.id
            );
            assert!(
                r.clause.starts_with("指針 V") || r.clause.starts_with("事業者ガイドライン"),
                "{} cites {}",
                r.id,
                r.clause
            );
            assert!(!r.summary_ja.is_empty() && !r.summary_en.is_empty());
        }
    }
}
