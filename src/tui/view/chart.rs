//! The patient chart: overview (with the 訪問看護指示書 of a home-care patient), identity
//! checks, consents, care plans, encounters with notes, prescriptions and orders to the nurse,
//! and the history of who changed what (from the audit log).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};

use super::home_care::staff_name;
use super::{fit_line, hhmm, jst_text, pad};
use crate::domain::{
    Agreement, HistorySource, IdentityDocument, Outcome, Patient, Sex, format_date,
};
use crate::tui::i18n::Lang;
use crate::tui::state::{AppState, ChartTab, visit_label};
use crate::tui::theme::{Role, style};

pub fn tab_label(l: Lang, tab: ChartTab) -> &'static str {
    match tab {
        ChartTab::Overview => l.tr("概要", "Overview"),
        ChartTab::Identity => l.tr("本人確認", "Identity"),
        ChartTab::Consents => l.tr("同意", "Consents"),
        ChartTab::CarePlans => l.tr("診療計画", "Care plans"),
        ChartTab::Encounters => l.tr("診察記録", "Encounters"),
        ChartTab::History => l.tr("変更履歴", "History"),
    }
}

pub fn patient_header(state: &AppState, p: &Patient) -> Line<'static> {
    let l = state.lang;
    let sex = match p.demographics.sex {
        Sex::Female => l.tr("女", "F"),
        Sex::Male => l.tr("男", "M"),
        Sex::Other => l.tr("他", "X"),
    };
    let age = p.demographics.age_on(state.today);
    let mut text = format!(
        " {} ({}) {}{} {}",
        p.demographics.name_kanji,
        p.demographics.name_kana,
        age,
        l.tr("歳", "y"),
        sex,
    );
    // What the rules read comes before the date of birth (the age is already shown), so a
    // narrow terminal cuts the date, not whether the history is known.
    text.push_str(if p.history.known {
        l.tr(" · 既往把握", " · history known")
    } else {
        l.tr(" · 既往不明", " · history unknown")
    });
    if p.kakaritsuke {
        text.push_str(l.tr(" · かかりつけ", " · regular patient"));
    }
    text.push_str(&format!(
        " · {} {}",
        l.tr("生年月日", "born"),
        format_date(p.demographics.date_of_birth)
    ));
    Line::styled(text, style(Role::Title))
}

fn document_label(l: Lang, d: IdentityDocument) -> &'static str {
    match d {
        IdentityDocument::MyNumberCard => l.tr("マイナンバーカード", "My Number card"),
        IdentityDocument::DriversLicence => l.tr("運転免許証", "driving licence"),
        IdentityDocument::Passport => l.tr("旅券", "passport"),
        IdentityDocument::ResidenceCard => l.tr("在留カード", "residence card"),
        IdentityDocument::DisabilityCertificate => l.tr("身体障害者手帳", "disability certificate"),
        IdentityDocument::InsuranceCard => l.tr("保険証", "insurance card"),
        IdentityDocument::OtherWithoutPhoto => l.tr("その他 (写真なし)", "other, no photo"),
    }
}

fn source_label(l: Lang, s: HistorySource) -> &'static str {
    match s {
        HistorySource::PastRecords => l.tr("過去の診療録", "past records"),
        HistorySource::ReferralLetter => l.tr("診療情報提供書", "referral letter"),
        HistorySource::HealthCheck => l.tr("健康診断", "health check"),
        HistorySource::RegionalNetwork => l.tr("地域連携ネットワーク", "regional network"),
        HistorySource::MedicationNotebook => l.tr("お薬手帳", "medication notebook"),
        HistorySource::Phr => l.tr("PHR", "PHR"),
    }
}

fn yes(l: Lang, v: bool) -> &'static str {
    if v {
        l.tr("✓", "✓")
    } else {
        l.tr("✗", "✗")
    }
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(chart) = &state.chart else { return };
    let l = state.lang;
    let p = &chart.patient;
    let [header, tabs, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let head = fit_line(patient_header(state, p), header.width as usize);
    frame.render_widget(Paragraph::new(head), header);
    let titles: Vec<&str> = ChartTab::ALL.iter().map(|t| tab_label(l, *t)).collect();
    let selected = ChartTab::ALL
        .iter()
        .position(|t| *t == chart.tab)
        .unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(style(Role::Selected)),
        tabs,
    );
    let lines = match chart.tab {
        ChartTab::Overview => {
            let mut lines = overview(state, l, p, chart.selected);
            // The home-care team's patients, and anyone the doctor wrote instructions for.
            if p.care_team.is_some() || !p.nursing_instructions.is_empty() {
                let doctor = state
                    .user
                    .as_ref()
                    .is_some_and(|u| u.role == crate::domain::Role::Doctor);
                lines.extend(super::home_care::instructions_lines(
                    state,
                    p,
                    state.today,
                    doctor,
                ));
            }
            lines
        }
        ChartTab::Identity => p
            .identity_checks
            .values()
            .map(|c| {
                let docs: Vec<&str> = c.documents.iter().map(|d| document_label(l, *d)).collect();
                Line::raw(format!(
                    " {} {}  {}  {} {}  ({} {})",
                    format_date(c.checked_at.to_offset(time::macros::offset!(+9)).date()),
                    hhmm(c.checked_at),
                    docs.join(", "),
                    l.tr("写真付", "photo"),
                    c.photo_documents(),
                    l.tr("確認者", "by"),
                    staff_name(state, &c.checked_by)
                ))
            })
            .collect(),
        ChartTab::Consents => p
            .consents
            .values()
            .map(|c| {
                let who = match &c.agreed_by {
                    Agreement::Patient => l.tr("本人", "patient").to_string(),
                    Agreement::Proxy { name, relationship } => {
                        format!("{} {name} ({relationship})", l.tr("代理", "proxy"))
                    }
                };
                let role = if c.withdrawn_at.is_some() {
                    Role::Muted
                } else {
                    Role::Normal
                };
                Line::styled(
                    format!(
                        " {}  {}  {} {}  {} {}  {} {}{}",
                        format_date(c.agreed_at.to_offset(time::macros::offset!(+9)).date()),
                        who,
                        l.tr("希望", "requested"),
                        yes(l, c.patient_requested),
                        l.tr("説明", "explained"),
                        c.explained.len(),
                        l.tr("録画合意", "recording"),
                        yes(l, c.recording_agreed),
                        if c.withdrawn_at.is_some() {
                            l.tr(" (撤回)", " (withdrawn)")
                        } else {
                            ""
                        }
                    ),
                    style(role),
                )
            })
            .collect(),
        ChartTab::CarePlans => care_plans(state, p),
        ChartTab::Encounters => encounters(state, p, chart.selected),
        ChartTab::History => chart
            .history
            .iter()
            .rev()
            .map(|e| {
                Line::raw(format!(
                    " {}  {} {}",
                    jst_text(&e.at),
                    pad(&staff_name(state, &e.staff_id), 14),
                    e.action
                ))
            })
            .collect(),
    };
    let lines = if lines.is_empty() {
        vec![Line::styled(
            l.tr(" 記録なし", " nothing recorded"),
            style(Role::Muted),
        )]
    } else {
        lines
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::TOP)),
        body,
    );
}

/// The allergies in one line, for the consultation header and the prescribe dialog; `None`
/// when none is recorded.
pub fn allergy_line(l: Lang, p: &Patient) -> Option<Line<'static>> {
    if p.allergies.is_empty() {
        return None;
    }
    let list: Vec<String> = p
        .allergies_in_order()
        .into_iter()
        .map(|(_, a)| {
            format!(
                "{}({})",
                a.substance,
                crate::tui::forms::allergy::severity_label(l, a.severity)
            )
        })
        .collect();
    Some(Line::styled(
        format!(
            " ⚠ {}: {}",
            l.tr("アレルギー", "Allergies"),
            list.join(", ")
        ),
        style(Role::Danger),
    ))
}

fn overview(state: &AppState, l: Lang, p: &Patient, selected: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        l.tr(" アレルギー", " Allergies"),
        style(Role::Title),
    )];
    if p.allergies.is_empty() {
        lines.push(Line::styled(
            l.tr("  なし (記録上)", "  none recorded"),
            style(Role::Muted),
        ));
    }
    let mut item = 0;
    let mut pick = |text: String, role: Role| {
        let role = if item == selected {
            Role::Selected
        } else {
            role
        };
        item += 1;
        Line::styled(text, style(role))
    };
    for (_, a) in p.allergies_in_order() {
        lines.push(pick(
            format!(
                "  {} {} ({})",
                a.substance,
                a.reaction,
                crate::tui::forms::allergy::severity_label(l, a.severity)
            ),
            Role::Danger,
        ));
    }
    lines.push(Line::styled(
        l.tr(" 服用中の薬", " Current medications"),
        style(Role::Title),
    ));
    for (_, m) in p.medications_in_order() {
        let origin = match m.drug_code {
            Some(_) => "",
            None => l.tr(" (手入力)", " (written)"),
        };
        let dose = if m.dose.is_empty() {
            String::new()
        } else {
            format!(" {}", m.dose)
        };
        lines.push(pick(format!("  {}{dose}{origin}", m.name), Role::Normal));
    }
    let confirmed = p
        .medications_confirmed_at
        .map(|at| format_date(at.to_offset(time::macros::offset!(+9)).date()))
        .unwrap_or_else(|| l.tr("未確認", "never").to_string());
    lines.push(Line::styled(
        format!("  {} {confirmed}", l.tr("最終確認", "last confirmed")),
        style(Role::Muted),
    ));
    lines.push(Line::styled(
        l.tr(" 基礎疾患の情報", " Underlying conditions"),
        style(Role::Title),
    ));
    let sources: Vec<&str> = p
        .history
        .sources
        .iter()
        .map(|s| source_label(l, *s))
        .collect();
    lines.push(Line::raw(format!(
        "  {}  {}: {}  {}",
        if p.history.known {
            l.tr("把握", "known")
        } else {
            l.tr("不明", "unknown")
        },
        l.tr("情報源", "sources"),
        if sources.is_empty() {
            "-".to_string()
        } else {
            sources.join(", ")
        },
        p.history.summary
    )));
    lines.push(Line::raw(format!(
        " {}: {}",
        l.tr("かかりつけ", "Regular patient"),
        if p.kakaritsuke {
            l.tr("はい", "yes")
        } else {
            l.tr("いいえ", "no")
        }
    )));
    if !p.home_visit_doctors.is_empty() || p.care_team.is_some() {
        let doctors: Vec<String> = p
            .home_visit_doctors
            .iter()
            .map(|(id, since)| {
                format!(
                    "{} ({}{})",
                    staff_name(state, id),
                    crate::domain::format_date(*since),
                    l.tr("〜", " on")
                )
            })
            .collect();
        lines.push(Line::raw(format!(
            " {} (H): {}",
            l.tr("定期的な訪問診療", "Regular home visits"),
            if doctors.is_empty() {
                l.tr("記録なし", "not recorded").to_string()
            } else {
                doctors.join(", ")
            }
        )));
    }
    match &p.proxy {
        Some(proxy) => lines.push(Line::styled(
            format!(
                " {}: {} ({}) {} {}",
                l.tr("代理人", "Proxy"),
                proxy.name,
                proxy.relationship,
                proxy.phone,
                proxy.reason
            ),
            style(Role::Warning),
        )),
        None => lines.push(Line::styled(
            format!(" {}: {}", l.tr("代理人", "Proxy"), l.tr("なし", "none")),
            style(Role::Muted),
        )),
    }
    lines
}

fn care_plans(state: &AppState, p: &Patient) -> Vec<Line<'static>> {
    let l = state.lang;
    let mut lines = Vec::new();
    for plan in p.care_plans.values() {
        let agreed = plan
            .agreed_on
            .map(format_date)
            .unwrap_or_else(|| l.tr("未合意", "not agreed").to_string());
        let keep = plan
            .retain_until()
            .map(|d| format!(" · {} {}", l.tr("保存期限", "keep until"), format_date(d)))
            .unwrap_or_default();
        lines.push(Line::styled(
            format!(" {} {agreed}{keep}", l.tr("合意日", "agreed"),),
            style(Role::Title),
        ));
        for (_, label, present) in plan.items() {
            let role = if present { Role::Ok } else { Role::Danger };
            lines.push(Line::styled(
                format!("  {} {label}", yes(l, present)),
                style(role),
            ));
        }
    }
    lines
}

fn encounters(state: &AppState, p: &Patient, selected: usize) -> Vec<Line<'static>> {
    let l = state.lang;
    let mut list: Vec<_> = p.encounters.values().collect();
    list.sort_by_key(|e| std::cmp::Reverse(e.started_at));
    let mut lines = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let when = e
            .started_at
            .map(|t| {
                format!(
                    "{} {}",
                    format_date(t.to_offset(time::macros::offset!(+9)).date()),
                    hhmm(t)
                )
            })
            .unwrap_or_else(|| l.tr("未開始", "not started").into());
        let outcome = match &e.outcome {
            Some(Outcome::Completed) => l.tr("完了", "completed"),
            Some(Outcome::SwitchedToInPerson { .. }) => l.tr("対面へ切替", "switched to in person"),
            Some(Outcome::Abandoned { .. }) => l.tr("中止", "abandoned"),
            None => "",
        };
        let signed = if e.signed_at.is_some() {
            l.tr("署名済", "signed")
        } else {
            l.tr("未署名", "unsigned")
        };
        let text = format!(
            " {when}  {}  {}  {outcome}  {signed}",
            visit_label(l, e.kind.as_str()),
            e.doctor
                .as_deref()
                .map(|d| staff_name(state, d))
                .unwrap_or_default()
        );
        lines.push(if i == selected {
            Line::styled(text, style(Role::Selected))
        } else {
            Line::raw(text)
        });
        if i == selected {
            for n in e.notes.values() {
                for (tag, text) in [
                    ("S", &n.subjective),
                    ("O", &n.objective),
                    ("A", &n.assessment),
                    ("P", &n.plan),
                ] {
                    if !text.is_empty() {
                        lines.push(Line::raw(format!(
                            "    {tag}: {}",
                            text.replace('\n', " / ")
                        )));
                    }
                }
            }
            for rx in e.prescriptions.values() {
                lines.push(Line::styled(
                    format!(
                        "    Rx {} {} {}{}",
                        rx.drug_name,
                        rx.dose,
                        rx.days,
                        l.tr("日分", " days")
                    ),
                    style(Role::Guidance),
                ));
            }
            if let Some(nurse) = &e.nurse {
                let record = if e
                    .nursing_visit
                    .as_ref()
                    .is_some_and(|id| p.nursing_visits.contains_key(id))
                {
                    l.tr(" · 看護記録あり", " · with the nurse's record")
                } else {
                    ""
                };
                lines.push(Line::raw(format!(
                    "    {} {}{record}",
                    l.tr("同席看護師", "nurse"),
                    staff_name(state, nurse)
                )));
            }
            for (text, role) in super::home_care::order_lines(state, e, "    ", true) {
                lines.push(Line::styled(text, style(role)));
            }
            for o in e.overrides.values() {
                lines.push(Line::styled(
                    format!(
                        "    {} {}{} — {} ({})",
                        l.tr("解除", "override"),
                        o.finding.rule,
                        o.finding
                            .drug_name
                            .as_deref()
                            .map(|d| format!(" [{d}]"))
                            .unwrap_or_default(),
                        o.reason,
                        staff_name(state, &o.by)
                    ),
                    style(Role::Warning),
                ));
            }
        }
    }
    lines
}
