//! 指針 V.1(6): how an online consultation is held — real-time video and audio, one patient at a
//! time, consent for everyone else present, the start and end on record, and stopping when the
//! information is not enough.

use super::catalogue::{
    METHOD_ATTENDEE_CONSENT, METHOD_INSUFFICIENT_INFORMATION, METHOD_ONE_PATIENT,
    METHOD_SESSION_TIMES, METHOD_VIDEO_AUDIO,
};
use super::consultation::Method;
use super::{Facts, Finding, confirmed, reported, when};

/// 指針 V.1(6)②ⅰ: when the doctor judges the information obtained online insufficient, online
/// care stops at once and in-person care follows.
pub(super) fn insufficient_information(f: &Facts) -> Vec<Finding> {
    let s = &f.c.session;
    when(
        f.online_care()
            && s.information_sufficient == Some(false)
            && !confirmed(s.switched_to_in_person),
        || {
            METHOD_INSUFFICIENT_INFORMATION.says(
                "十分な情報が得られないと判断したと記録されていますが、対面診療への切り替えが記録されていません。",
                "The information is recorded as judged insufficient, but no switch to in-person care is recorded.",
                "オンライン診療を中止し、速やかに対面診療につなげてください。",
                "Stop the online consultation and arrange in-person care promptly.",
            )
        },
    )
}

/// 指針 V.1(6)②ⅱ: online care uses real-time video and audio; text, photographs and recorded
/// video alone never make a consultation.
pub(super) fn video_audio(f: &Facts) -> Vec<Finding> {
    let method = f.c.session.method;
    when(f.online() && method != Some(Method::VideoAndAudio), || {
        let (ja, en) = match method {
            Some(Method::AudioOnly) => (
                "映像のない音声のみの手段が記録されています。",
                "Audio without video is recorded as the method.",
            ),
            Some(Method::TextOrPhotos) => (
                "文字・写真・録画のみのやりとりが記録されています。オンライン診療はこれらのみで完結してはなりません。",
                "Text, photos or recordings only: online care must never consist of these alone.",
            ),
            _ => (
                "リアルタイムの映像と音声を用いることが記録されていません。",
                "The use of real-time video and audio is not recorded.",
            ),
        };
        METHOD_VIDEO_AUDIO.says(
            ja,
            en,
            "リアルタイムの映像と音声で診療してください (文字や画像は補助手段に限る)。",
            "Consult with real-time video and audio (text and images only as a supplement).",
        )
    })
}

/// 指針 V.1(6)②ⅲ: a doctor never sees several patients at once through the device.
pub(super) fn one_patient(f: &Facts) -> Vec<Finding> {
    when(f.online() && reported(f.c.doctor.in_other_session), || {
        METHOD_ONE_PATIENT.says(
            "医師は別のオンライン診療の最中です。同時に複数の患者を診療してはなりません。",
            "The doctor is in another online consultation; one may not see several patients at once.",
            "先の診療を終えてから開始してください。",
            "Finish the other consultation first.",
        )
    })
}

/// 指針 V.1(6)②ⅳ: anyone else present (staff, family, interpreter, trainee ...) is explained to
/// the patient each time, with the patient's consent.
pub(super) fn attendee_consent(f: &Facts) -> Vec<Finding> {
    if !f.online() {
        return Vec::new();
    }
    f.c.attendees
        .iter()
        .filter(|a| !confirmed(a.consented))
        .map(|a| {
            let who = match (a.name.as_deref(), a.role.as_deref()) {
                (Some(n), Some(r)) => format!("{n} ({r})"),
                (Some(n), None) => n.to_string(),
                (None, Some(r)) => r.to_string(),
                (None, None) => "?".to_string(),
            };
            METHOD_ATTENDEE_CONSENT.finding(
                (
                    format!("同席者 {who} について患者の同意が記録されていません。"),
                    format!("No patient consent is recorded for {who} being present."),
                ),
                (
                    "同席の都度、患者に説明して同意を得てください。".into(),
                    "Explain each person's presence to the patient and obtain consent.".into(),
                ),
            )
        })
        .collect()
}

/// 指針 V.1(6)③ⅰ: the start and end of each consultation are logged, showing that doctor and
/// patient consulted one to one.
pub(super) fn session_times(f: &Facts) -> Vec<Finding> {
    let s = &f.c.session;
    let problem = match (s.started_at, s.ended_at) {
        (Some(start), Some(end)) if end < start => Some((
            "終了時刻が開始時刻より前です。",
            "The end time is before the start time.",
        )),
        (Some(_), Some(_)) => None,
        _ => Some((
            "開始時刻または終了時刻が記録されていません。",
            "The start or end time is not recorded.",
        )),
    };
    match problem {
        Some((ja, en)) if f.online() => vec![METHOD_SESSION_TIMES.says(
            ja,
            en,
            "開始時刻と終了時刻を記録してください。",
            "Record the start and end times.",
        )],
        _ => Vec::new(),
    }
}
