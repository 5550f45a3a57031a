//! `update(&mut AppState, Action) -> Vec<Effect>`: every change of the workstation's state, with
//! no I/O. Role checks live here: front desk cannot write notes or prescribe; only a doctor
//! consults, signs and overrides.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::context::{self, gates_start};
use super::editor::TextEditor;
use super::keymap::{Command, command_for};
use super::state::*;
use crate::domain::{
    Agreement, CarePlan, ChartNote, Consent, ConsentTopic, Encounter, IdentityCheck,
    IdentityDocument, Outcome, Override, Prescription, QueueStatus, Referral, Role,
    VerificationMethod, VisitKind, new_id,
};
use crate::rules::Severity;

const DOCUMENTS: [(IdentityDocument, &str, &str); 7] = [
    (
        IdentityDocument::MyNumberCard,
        "マイナンバーカード",
        "My Number card",
    ),
    (
        IdentityDocument::DriversLicence,
        "運転免許証",
        "driving licence",
    ),
    (IdentityDocument::Passport, "旅券", "passport"),
    (
        IdentityDocument::ResidenceCard,
        "在留カード",
        "residence card",
    ),
    (
        IdentityDocument::DisabilityCertificate,
        "身体障害者手帳",
        "disability certificate",
    ),
    (
        IdentityDocument::InsuranceCard,
        "保険証・資格確認書",
        "insurance card",
    ),
    (
        IdentityDocument::OtherWithoutPhoto,
        "その他 (写真なし)",
        "other, without photo",
    ),
];

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

fn message(state: &mut AppState, text: impl Into<String>, error: bool) {
    state.status = Some(StatusMessage {
        text: text.into(),
        error,
    });
}

fn is_doctor(state: &AppState) -> bool {
    state.user.as_ref().is_some_and(|u| u.role == Role::Doctor)
}

fn staff_id(state: &AppState) -> String {
    state
        .user
        .as_ref()
        .map(|u| u.id.clone())
        .unwrap_or_default()
}

fn write(state: &AppState, write: Write) -> Effect {
    Effect::Write {
        staff: staff_id(state),
        write,
    }
}

/// The one entry point.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => on_key(state, key),
        Action::Paste(text) => {
            paste(state, &text);
            reevaluate_if_drugs(state)
        }
        Action::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Action::ClinicLoaded(clinic) => {
            if let Some(user) = &state.user {
                state.user = clinic.staff.get(&user.id).cloned();
            }
            state.clinic = Some(*clinic);
            Vec::new()
        }
        Action::QueueLoaded { day, rows } => {
            if day == state.queue.day {
                state.queue.rows = rows;
                let n = state.queue.visible().len();
                state.queue.selected = state.queue.selected.min(n.saturating_sub(1));
            }
            if let Some(c) = &mut state.consult {
                let me = state.user.as_ref().map(|u| u.id.as_str());
                c.doctor_busy = state.queue.rows.iter().any(|r| {
                    r.status == QueueStatus::InSession
                        && r.doctor.as_deref() == me
                        && Some(&r.entry_id) != c.entry_id.as_ref()
                });
            }
            Vec::new()
        }
        Action::ChartLoaded { patient, history } => chart_loaded(state, *patient, history),
        Action::PatientsFound {
            generation,
            results,
        } => {
            if let Some(Overlay::Search(s)) = &mut state.overlay
                && s.generation == generation
            {
                s.results = results;
                s.selected = 0;
            }
            Vec::new()
        }
        Action::DrugsFound {
            generation,
            results,
        } => {
            if let Some(Overlay::Drugs(s)) = &mut state.overlay
                && s.generation == generation
            {
                s.results = results;
                s.selected = 0;
            }
            Vec::new()
        }
        Action::Evaluated {
            generation,
            findings,
            drugs,
        } => {
            if let Some(c) = &mut state.consult
                && c.eval_generation == generation
            {
                c.findings = findings;
                c.drugs = drugs;
            }
            Vec::new()
        }
        Action::Saved { what } => {
            let text = what.label(state.lang);
            message(state, text, false);
            reload(state)
        }
        Action::Failed { message: text } => {
            message(state, text, true);
            reload(state)
        }
        Action::StoreChanged => reload(state),
        Action::SyncStatus(status) => {
            // A new error is said in words once; the sync label keeps marking it until a sync
            // succeeds.
            let previous = match &state.sync {
                SyncState::Enrolled(Some(s)) => s.last_error.clone(),
                _ => None,
            };
            if let Some(error) = status
                .last_error
                .as_ref()
                .filter(|e| Some(*e) != previous.as_ref())
            {
                let text = format!(
                    "{} {error}",
                    state.lang.tr("同期できません:", "sync failed:")
                );
                message(state, text, true);
            }
            state.sync = SyncState::Enrolled(Some(status));
            Vec::new()
        }
    }
}

/// Re-reads what is on screen after the store changed.
fn reload(state: &AppState) -> Vec<Effect> {
    let mut effects = vec![
        Effect::LoadClinic,
        Effect::LoadQueue {
            day: state.queue.day,
        },
    ];
    if let Some(c) = &state.consult {
        effects.push(Effect::LoadChart {
            patient_id: c.patient.id.clone(),
        });
    } else if let Some(c) = &state.chart {
        effects.push(Effect::LoadChart {
            patient_id: c.patient.id.clone(),
        });
    }
    effects
}

fn chart_loaded(
    state: &mut AppState,
    patient: crate::domain::Patient,
    history: Vec<crate::store::AuditEntry>,
) -> Vec<Effect> {
    if let Some(c) = &mut state.consult
        && c.patient.id == patient.id
    {
        // Keep the encounter being prepared; take everything else from the record.
        if let Some(stored) = patient.encounters.get(&c.encounter.id)
            && stored.signed_at.is_some()
        {
            c.encounter = stored.clone();
        }
        c.patient = patient;
        return evaluate(state);
    }
    let keep_tab = state
        .chart
        .as_ref()
        .filter(|c| c.patient.id == patient.id)
        .map(|c| (c.tab, c.selected));
    let (tab, selected) = keep_tab.unwrap_or((ChartTab::Overview, 0));
    state.chart = Some(ChartState {
        patient,
        tab,
        selected,
        history,
    });
    if state.screen == Screen::Queue && keep_tab.is_none() {
        state.screen = Screen::Chart;
    }
    Vec::new()
}

/// Asks the rules for the findings of the consultation as it stands.
fn evaluate(state: &mut AppState) -> Vec<Effect> {
    let generation = state.next_generation();
    let (Some(c), Some(user)) = (&mut state.consult, &state.user) else {
        return Vec::new();
    };
    c.eval_generation = generation;
    let consultation = context::consultation(c, state.clinic.as_ref(), user);
    let codes = c
        .encounter
        .prescriptions
        .values()
        .map(|rx| rx.drug_code.clone())
        .collect();
    vec![Effect::Evaluate {
        generation,
        consultation: Box::new(consultation),
        codes,
        now: state.now,
    }]
}

fn reevaluate_if_drugs(state: &mut AppState) -> Vec<Effect> {
    match &mut state.overlay {
        Some(Overlay::Drugs(s)) if s.field == 0 => {
            s.generation += 1;
            vec![Effect::SearchDrugs {
                generation: s.generation,
                query: s.query.text(),
            }]
        }
        Some(Overlay::Search(s)) => {
            s.generation += 1;
            vec![Effect::SearchPatients {
                generation: s.generation,
                query: s.query.text(),
            }]
        }
        _ => Vec::new(),
    }
}

fn paste(state: &mut AppState, text: &str) {
    match &mut state.overlay {
        Some(Overlay::Search(s)) => s.query.insert_str(text),
        Some(Overlay::Drugs(s)) => match s.field {
            0 => s.query.insert_str(text),
            1 => s.dose.insert_str(text),
            _ => s.days.insert_str(text),
        },
        Some(Overlay::Form(f)) => {
            if let Some(Field {
                value: FieldValue::Text(e),
                ..
            }) = f.fields.get_mut(f.selected)
            {
                e.insert_str(text);
            }
        }
        Some(_) => {}
        None => {
            if let Some(c) = &mut state.consult
                && c.editing_note
            {
                c.note[c.note_field].insert_str(text);
            } else if state.screen == Screen::SignIn {
                state
                    .sign_in
                    .pin
                    .extend(text.chars().filter(char::is_ascii_digit));
            }
        }
    }
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if state.overlay.is_some() {
        return overlay_key(state, key);
    }
    if let Some(c) = &mut state.consult
        && state.screen == Screen::Consult
        && c.editing_note
    {
        match key.code {
            KeyCode::Esc => {
                c.editing_note = false;
                return save_note(state);
            }
            KeyCode::Tab => c.note_field = (c.note_field + 1) % 4,
            KeyCode::BackTab => c.note_field = (c.note_field + 3) % 4,
            _ => {
                c.note[c.note_field].handle(key);
            }
        }
        return Vec::new();
    }
    if state.screen == Screen::SignIn {
        match key.code {
            KeyCode::Char(d) if d.is_ascii_digit() && state.sign_in.pin.len() < 12 => {
                state.sign_in.pin.push(d);
                return Vec::new();
            }
            KeyCode::Backspace => {
                state.sign_in.pin.pop();
                return Vec::new();
            }
            _ => {}
        }
    }
    match command_for(state.screen, &key) {
        Some(command) => on_command(state, command),
        None => Vec::new(),
    }
}

fn on_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            state.quit = true;
            return Vec::new();
        }
        Command::Help => {
            state.overlay = Some(Overlay::Help);
            return Vec::new();
        }
        Command::Search if state.user.is_some() => {
            state.overlay = Some(Overlay::Search(PatientSearch {
                query: TextEditor::new(false),
                results: Vec::new(),
                selected: 0,
                generation: 0,
            }));
            return Vec::new();
        }
        _ => {}
    }
    match state.screen {
        Screen::SignIn => sign_in_command(state, command),
        Screen::Queue => queue_command(state, command),
        Screen::Chart => chart_command(state, command),
        Screen::Consult => consult_command(state, command),
    }
}

fn sign_in_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let n = state.staff().len();
    match command {
        Command::Up => state.sign_in.selected = state.sign_in.selected.saturating_sub(1),
        Command::Down => {
            state.sign_in.selected = (state.sign_in.selected + 1).min(n.saturating_sub(1))
        }
        Command::Select => {
            let Some(staff) = state
                .staff()
                .get(state.sign_in.selected)
                .map(|s| (*s).clone())
            else {
                return Vec::new();
            };
            let pin = std::mem::take(&mut state.sign_in.pin);
            if !staff.verify_pin(&pin) {
                state.sign_in.error = Some(
                    if staff.pin_hash.is_none() {
                        state.lang.tr(
                            "PIN が未設定です。管理者に設定を依頼してください",
                            "No PIN is set: ask an administrator",
                        )
                    } else {
                        state.lang.tr("PIN が違います", "Wrong PIN")
                    }
                    .to_string(),
                );
                return Vec::new();
            }
            state.sign_in.error = None;
            state.user = Some(staff);
            state.screen = Screen::Queue;
            state.queue.day = state.today;
            return vec![
                write(state, Write::SignedIn),
                Effect::LoadQueue { day: state.today },
            ];
        }
        _ => {}
    }
    Vec::new()
}

fn queue_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let lang = state.lang;
    let n = state.queue.visible().len();
    let current = state.queue.current().cloned();
    let day = state.queue.day;
    match command {
        Command::Up => state.queue.selected = state.queue.selected.saturating_sub(1),
        Command::Down => state.queue.selected = (state.queue.selected + 1).min(n.saturating_sub(1)),
        Command::PrevDay | Command::NextDay | Command::Today => {
            state.queue.day = match command {
                Command::PrevDay => day.previous_day().unwrap_or(day),
                Command::NextDay => day.next_day().unwrap_or(day),
                _ => state.today,
            };
            state.queue.rows.clear();
            state.queue.selected = 0;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::Filter => {
            let all = QueueStatus::ALL;
            state.queue.filter = match state.queue.filter {
                None => Some(all[0]),
                Some(f) => all
                    .iter()
                    .position(|s| *s == f)
                    .and_then(|i| all.get(i + 1))
                    .copied(),
            };
            state.queue.selected = 0;
        }
        Command::SignOut => {
            state.user = None;
            state.chart = None;
            state.consult = None;
            state.screen = Screen::SignIn;
        }
        _ => {
            let Some(row) = current else {
                message(
                    state,
                    lang.tr("選択された予約がありません", "No visit selected"),
                    true,
                );
                return Vec::new();
            };
            return match command {
                Command::CheckIn => {
                    let mut fields: Vec<Field> = DOCUMENTS
                        .iter()
                        .map(|(_, ja, en)| Field {
                            label: lang.tr(ja, en),
                            value: FieldValue::Toggle(false),
                        })
                        .collect();
                    fields.push(Field {
                        label: lang.tr("確認方法", "how"),
                        value: FieldValue::Choice {
                            options: vec![
                                (
                                    "in_person".into(),
                                    lang.tr("窓口で", "at the counter").into(),
                                ),
                                ("on_video".into(), lang.tr("ビデオで", "on video").into()),
                                (
                                    "online_qualification".into(),
                                    lang.tr("オンライン資格確認", "online qualification").into(),
                                ),
                            ],
                            selected: 0,
                        },
                    });
                    state.overlay = Some(Overlay::Form(Form {
                        purpose: FormPurpose::CheckIn {
                            entry_id: row.entry_id,
                            patient_id: row.patient_id,
                        },
                        title: lang.tr(
                            "受付: 確認した本人確認書類",
                            "Check in: identity documents seen",
                        ),
                        fields,
                        selected: 0,
                        error: None,
                    }));
                    Vec::new()
                }
                Command::AssignDoctor => {
                    let doctors: Vec<(String, String)> = state
                        .staff()
                        .iter()
                        .filter(|s| s.role == Role::Doctor)
                        .map(|s| (s.id.clone(), s.name.clone()))
                        .collect();
                    let selected = doctors
                        .iter()
                        .position(|(id, _)| Some(id) == row.doctor.as_ref())
                        .unwrap_or(0);
                    state.overlay = Some(Overlay::Form(Form {
                        purpose: FormPurpose::AssignDoctor {
                            entry_id: row.entry_id,
                            doctors: doctors.iter().map(|d| d.0.clone()).collect(),
                        },
                        title: lang.tr("担当医の割当", "Assign a doctor"),
                        fields: vec![Field {
                            label: lang.tr("医師", "doctor"),
                            value: FieldValue::Choice {
                                options: doctors,
                                selected,
                            },
                        }],
                        selected: 0,
                        error: None,
                    }));
                    Vec::new()
                }
                Command::PreConsult => vec![write(
                    state,
                    Write::PreConsultDone {
                        day,
                        entry_id: row.entry_id,
                    },
                )],
                Command::Cancel => vec![write(
                    state,
                    Write::QueueStatus {
                        day,
                        entry_id: row.entry_id,
                        status: QueueStatus::Cancelled,
                    },
                )],
                Command::OpenChart => vec![Effect::LoadChart {
                    patient_id: row.patient_id,
                }],
                Command::Consult => start_consult(state, row.patient_id.clone(), Some(row)),
                _ => Vec::new(),
            };
        }
    }
    Vec::new()
}

fn chart_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let Some(chart) = &mut state.chart else {
        state.screen = Screen::Queue;
        return Vec::new();
    };
    let tabs = ChartTab::ALL;
    let i = tabs.iter().position(|t| *t == chart.tab).unwrap_or(0);
    match command {
        Command::NextTab => {
            chart.tab = tabs[(i + 1) % tabs.len()];
            chart.selected = 0;
        }
        Command::PrevTab => {
            chart.tab = tabs[(i + tabs.len() - 1) % tabs.len()];
            chart.selected = 0;
        }
        Command::Up => chart.selected = chart.selected.saturating_sub(1),
        Command::Down => {
            let items = match chart.tab {
                ChartTab::Encounters => chart.patient.encounters.len(),
                _ => 1,
            };
            chart.selected = (chart.selected + 1).min(items.saturating_sub(1));
        }
        Command::Back => {
            state.screen = Screen::Queue;
            state.chart = None;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::RecordConsent => return consent_form(state),
        Command::NewCarePlan => return care_plan_form(state),
        Command::Consult => {
            let patient_id = chart.patient.id.clone();
            let row = state
                .queue
                .rows
                .iter()
                .find(|r| {
                    r.patient_id == patient_id
                        && r.status != QueueStatus::Done
                        && r.status != QueueStatus::Cancelled
                })
                .cloned();
            return start_consult(state, patient_id, row);
        }
        _ => {}
    }
    Vec::new()
}

fn doctor_only(state: &mut AppState) -> bool {
    if is_doctor(state) {
        return true;
    }
    let text = state
        .lang
        .tr("医師のみが行えます", "Only a doctor can do this");
    message(state, text, true);
    false
}

fn current_patient(state: &AppState) -> Option<&crate::domain::Patient> {
    match state.screen {
        Screen::Consult => state.consult.as_ref().map(|c| &c.patient),
        _ => state.chart.as_ref().map(|c| &c.patient),
    }
}

fn consent_form(state: &mut AppState) -> Vec<Effect> {
    if !doctor_only(state) {
        return Vec::new();
    }
    let lang = state.lang;
    let Some(patient) = current_patient(state) else {
        return Vec::new();
    };
    let mut fields = vec![Field {
        label: lang.tr("患者が明示的に希望した", "patient asked explicitly"),
        value: FieldValue::Toggle(false),
    }];
    for (_, ja, en) in TOPICS {
        fields.push(Field {
            label: lang.tr(ja, en),
            value: FieldValue::Toggle(false),
        });
    }
    fields.push(Field {
        label: lang.tr("録音・録画の取り決めに合意", "agreed on recording"),
        value: FieldValue::Toggle(false),
    });
    fields.push(Field {
        label: lang.tr("代理人が同意した", "agreed by the proxy"),
        value: FieldValue::Toggle(patient.proxy.is_some()),
    });
    state.overlay = Some(Overlay::Form(Form {
        purpose: FormPurpose::Consent {
            patient_id: patient.id.clone(),
        },
        title: lang.tr(
            "オンライン診療の同意 (指針 V.1(1))",
            "Consent to online care (指針 V.1(1))",
        ),
        fields,
        selected: 0,
        error: None,
    }));
    Vec::new()
}

fn care_plan_form(state: &mut AppState) -> Vec<Effect> {
    if !doctor_only(state) {
        return Vec::new();
    }
    let lang = state.lang;
    let me = staff_id(state);
    let Some(patient) = current_patient(state) else {
        return Vec::new();
    };
    let existing = patient
        .care_plans
        .values()
        .filter(|p| p.online_care_ended_on.is_none())
        .max_by_key(|p| p.id.clone())
        .cloned();
    let plan = existing.unwrap_or_else(|| CarePlan {
        id: new_id("cp"),
        doctors: vec![me.clone()],
        created_by: me,
        ..CarePlan::default()
    });
    let text = |label, value: &str| Field {
        label,
        value: FieldValue::Text(TextEditor::with_text(value, false)),
    };
    let hospitals: Vec<(String, String)> =
        std::iter::once((String::new(), lang.tr("(なし)", "(none)").to_string()))
            .chain(state.clinic.iter().flat_map(|c| {
                c.partner_hospitals
                    .values()
                    .map(|h| (h.id.clone(), h.name.clone()))
            }))
            .collect();
    let hospital = hospitals
        .iter()
        .position(|(id, _)| Some(id) == plan.emergency_hospital.as_ref())
        .unwrap_or(0);
    let fields = vec![
        text(
            lang.tr("1 診療内容 (疾病名・治療内容)", "1 care content"),
            &plan.care_content,
        ),
        text(
            lang.tr("2 対面診療・検査の組合せ", "2 in-person visits and tests"),
            &plan.in_person_schedule,
        ),
        text(
            lang.tr("3 診療時間 (予約制等)", "3 consultation hours"),
            &plan.consultation_hours,
        ),
        text(
            lang.tr("4 方法 (使用する機器)", "4 method and devices"),
            &plan.method,
        ),
        text(
            lang.tr("5 対面に切り替える条件", "5 when to switch to in person"),
            &plan.stop_conditions,
        ),
        text(
            lang.tr("6 患者の協力", "6 patient's cooperation"),
            &plan.patient_cooperation,
        ),
        text(
            lang.tr("7 急変時の対応方針", "7 emergency plan"),
            &plan.emergency_plan,
        ),
        Field {
            label: lang.tr("7 急変時の医療機関", "7 emergency hospital"),
            value: FieldValue::Choice {
                options: hospitals,
                selected: hospital,
            },
        },
        text(
            lang.tr(
                "8 担当医師 (職員ID, 区切り)",
                "8 doctors (staff ids, comma)",
            ),
            &plan.doctors.join(","),
        ),
        text(
            lang.tr("8 交代の取り決め", "8 rotation"),
            &plan.doctor_rotation,
        ),
        text(
            lang.tr("9 セキュリティの責任範囲", "9 security responsibility"),
            &plan.security_responsibility,
        ),
        Field {
            label: lang.tr("患者が合意した (本日)", "patient agreed (today)"),
            value: FieldValue::Toggle(plan.agreed_on.is_some()),
        },
    ];
    state.overlay = Some(Overlay::Form(Form {
        purpose: FormPurpose::CarePlan {
            patient_id: patient.id.clone(),
            plan_id: plan.id.clone(),
        },
        title: lang.tr("診療計画 (指針 V.1(3))", "Care plan (指針 V.1(3))"),
        fields,
        selected: 0,
        error: None,
    }));
    Vec::new()
}

fn start_consult(
    state: &mut AppState,
    patient_id: String,
    row: Option<crate::store::QueueRow>,
) -> Vec<Effect> {
    if !doctor_only(state) {
        return Vec::new();
    }
    let Some(patient) = state
        .chart
        .as_ref()
        .map(|c| c.patient.clone())
        .filter(|p| p.id == patient_id)
    else {
        // Open the chart first; the doctor starts the consultation from it.
        return vec![Effect::LoadChart { patient_id }];
    };
    let me = staff_id(state);
    let kind = row
        .as_ref()
        .map(|r| r.visit_kind)
        .unwrap_or(VisitKind::OnlineFollowup);
    // Reopen today's unsigned encounter of this patient and visit, or begin a new one.
    let open = patient
        .encounters
        .values()
        .filter(|e| {
            e.signed_at.is_none()
                && e.queue_entry == row.as_ref().map(|r| r.entry_id.clone())
                && e.doctor.as_deref() == Some(me.as_str())
        })
        .max_by_key(|e| e.id.clone())
        .cloned();
    let encounter = open.unwrap_or_else(|| {
        let mut e = Encounter::new(new_id("en"), kind);
        e.doctor = Some(me.clone());
        e.queue_entry = row.as_ref().map(|r| r.entry_id.clone());
        e
    });
    let note = |f: fn(&ChartNote) -> &String| {
        TextEditor::with_text(
            encounter
                .notes
                .values()
                .next()
                .map(f)
                .map(String::as_str)
                .unwrap_or(""),
            true,
        )
    };
    let note = [
        note(|n| &n.subjective),
        note(|n| &n.objective),
        note(|n| &n.assessment),
        note(|n| &n.plan),
    ];
    let pre_consult_done = row.as_ref().is_some_and(|r| r.pre_consult_done);
    let doctor_busy = state.queue.rows.iter().any(|r| {
        r.status == QueueStatus::InSession
            && r.doctor.as_deref() == Some(me.as_str())
            && Some(&r.entry_id) != row.as_ref().map(|x| &x.entry_id)
    });
    state.consult = Some(ConsultState {
        patient,
        day: state.queue.day,
        entry_id: row.as_ref().map(|r| r.entry_id.clone()),
        encounter: encounter.clone(),
        checks: SessionChecks::default(),
        findings: Vec::new(),
        focus: ConsultFocus::Checklist,
        selected: 0,
        note,
        note_field: 0,
        editing_note: false,
        rx_selected: 0,
        drugs: Vec::new(),
        pre_consult_done,
        doctor_busy,
        eval_generation: 0,
    });
    state.screen = Screen::Consult;
    let mut effects = vec![write(
        state,
        Write::Encounter {
            patient_id: patient_id.clone(),
            encounter: Box::new(encounter),
            action: "encounter.open",
        },
    )];
    effects.extend(evaluate(state));
    effects
}

/// The unresolved blocks: blocks the doctor has not overridden.
pub fn open_blocks(c: &ConsultState) -> impl Iterator<Item = &crate::rules::Finding> {
    c.findings.iter().filter(|f| {
        f.severity == Severity::Block && !c.encounter.overrides.values().any(|o| o.rule == f.rule)
    })
}

/// Saves the encounter being prepared; `action` names the step in the audit log.
fn save_encounter(state: &AppState, action: &'static str) -> Vec<Effect> {
    let Some(c) = &state.consult else {
        return Vec::new();
    };
    vec![write(
        state,
        Write::Encounter {
            patient_id: c.patient.id.clone(),
            encounter: Box::new(c.encounter.clone()),
            action,
        },
    )]
}

fn save_note(state: &mut AppState) -> Vec<Effect> {
    let me = staff_id(state);
    let now = state.now;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    let id = format!("nt-{}", c.encounter.id);
    let written_at = c
        .encounter
        .notes
        .get(&id)
        .map(|n| n.written_at)
        .unwrap_or(now);
    let note = ChartNote {
        id: id.clone(),
        author: me,
        written_at,
        subjective: c.note[0].text(),
        objective: c.note[1].text(),
        assessment: c.note[2].text(),
        plan: c.note[3].text(),
    };
    c.encounter.notes.insert(id, note);
    let mut effects = save_encounter(state, "note.save");
    effects.extend(evaluate(state));
    effects
}

fn consult_command(state: &mut AppState, command: Command) -> Vec<Effect> {
    let lang = state.lang;
    let now = state.now;
    let doctor = is_doctor(state);
    let Some(c) = &mut state.consult else {
        state.screen = Screen::Queue;
        return Vec::new();
    };
    let signed = c.encounter.signed_at.is_some();
    match command {
        Command::FocusNext => {
            c.focus = match c.focus {
                ConsultFocus::Checklist => ConsultFocus::Note,
                ConsultFocus::Note => ConsultFocus::Prescriptions,
                ConsultFocus::Prescriptions => ConsultFocus::Checklist,
            };
        }
        Command::Up => match c.focus {
            ConsultFocus::Checklist => c.selected = c.selected.saturating_sub(1),
            ConsultFocus::Note => c.note_field = c.note_field.saturating_sub(1),
            ConsultFocus::Prescriptions => c.rx_selected = c.rx_selected.saturating_sub(1),
        },
        Command::Down => match c.focus {
            ConsultFocus::Checklist => {
                c.selected = (c.selected + 1).min(SessionChecks::COUNT + c.findings.len() - 1)
            }
            ConsultFocus::Note => c.note_field = (c.note_field + 1).min(3),
            ConsultFocus::Prescriptions => {
                c.rx_selected =
                    (c.rx_selected + 1).min(c.encounter.prescriptions.len().saturating_sub(1))
            }
        },
        Command::Toggle
            if c.focus == ConsultFocus::Checklist
                && c.selected < SessionChecks::COUNT
                && !signed =>
        {
            c.checks.toggle(c.selected);
            return evaluate(state);
        }
        Command::RecordConsent => return consent_form(state),
        Command::NewCarePlan => return care_plan_form(state),
        Command::StartVideo => {
            if c.encounter.started_at.is_some() {
                message(
                    state,
                    lang.tr("ビデオは開始済みです", "The video has already started"),
                    true,
                );
                return Vec::new();
            }
            let blocking: Vec<String> = open_blocks(c)
                .filter(|f| gates_start(f.rule))
                .map(|f| format!("{} ({})", f.rule, f.clause))
                .collect();
            if !blocking.is_empty() {
                let text = format!(
                    "{}: {}",
                    lang.tr("開始できません", "Cannot start"),
                    blocking.join(", ")
                );
                message(state, text, true);
                return Vec::new();
            }
            let room = format!("enkaku-{}", uuid::Uuid::new_v4().simple());
            c.encounter.video_room = Some(room.clone());
            c.encounter.started_at = Some(now);
            let mut effects = vec![Effect::LaunchVideo { room }];
            effects.extend(save_encounter(state, "encounter.start"));
            if let Some(c) = &state.consult
                && let Some(entry) = &c.entry_id
            {
                effects.push(write(
                    state,
                    Write::QueueStatus {
                        day: c.day,
                        entry_id: entry.clone(),
                        status: QueueStatus::InSession,
                    },
                ));
            }
            effects.extend(evaluate(state));
            return effects;
        }
        Command::EditNote | Command::Override if !doctor => {
            message(
                state,
                lang.tr("医師のみが行えます", "Only a doctor can do this"),
                true,
            );
        }
        Command::EditNote if !signed => {
            c.focus = ConsultFocus::Note;
            c.editing_note = true;
        }
        Command::AddPrescription if !signed => {
            if !doctor {
                return Vec::new();
            }
            state.overlay = Some(Overlay::Drugs(DrugSearch {
                query: TextEditor::new(false),
                days: TextEditor::new(false),
                dose: TextEditor::new(false),
                results: Vec::new(),
                selected: 0,
                field: 0,
                generation: 0,
                error: None,
            }));
        }
        Command::RemovePrescription if c.focus == ConsultFocus::Prescriptions && !signed => {
            if let Some(id) = c.encounter.prescriptions.keys().nth(c.rx_selected).cloned() {
                c.encounter.prescriptions.remove(&id);
                c.rx_selected = c.rx_selected.saturating_sub(1);
                let mut effects = save_encounter(state, "prescription.remove");
                effects.extend(evaluate(state));
                return effects;
            }
        }
        Command::Override if !signed => {
            let finding = c
                .selected
                .checked_sub(SessionChecks::COUNT)
                .and_then(|i| c.findings.get(i));
            let Some(f) = finding.filter(|f| f.severity == Severity::Block) else {
                message(
                    state,
                    lang.tr(
                        "解除するブロックを選択してください",
                        "Select a block to override",
                    ),
                    true,
                );
                return Vec::new();
            };
            let rule = f.rule.to_string();
            state.overlay = Some(Overlay::Form(Form {
                purpose: FormPurpose::Override { rule },
                title: lang.tr(
                    "ブロックの解除: 理由を記載",
                    "Override a block: write the reason",
                ),
                fields: vec![Field {
                    label: lang.tr("理由", "reason"),
                    value: FieldValue::Text(TextEditor::new(false)),
                }],
                selected: 0,
                error: None,
            }));
        }
        Command::EndSession if !signed => {
            if c.encounter.started_at.is_none() {
                message(
                    state,
                    lang.tr("ビデオが開始されていません", "The video has not started"),
                    true,
                );
                return Vec::new();
            }
            state.overlay = Some(Overlay::Form(Form {
                purpose: FormPurpose::EndSession,
                title: lang.tr("診察終了", "End the session"),
                fields: vec![
                    Field {
                        label: lang.tr("転帰", "outcome"),
                        value: FieldValue::Choice {
                            options: vec![
                                ("completed".into(), lang.tr("完了", "completed").into()),
                                (
                                    "in_person".into(),
                                    lang.tr("対面診療へ切替", "switch to in person").into(),
                                ),
                            ],
                            selected: 0,
                        },
                    },
                    Field {
                        label: lang.tr("切替の理由", "reason for switching"),
                        value: FieldValue::Text(TextEditor::new(false)),
                    },
                    Field {
                        label: lang.tr("紹介先", "referred to"),
                        value: FieldValue::Text(TextEditor::new(false)),
                    },
                ],
                selected: 0,
                error: None,
            }));
        }
        Command::Sign if !signed => {
            if !doctor {
                return Vec::new();
            }
            if c.encounter.ended_at.is_none() {
                message(
                    state,
                    lang.tr(
                        "診察を終了してから署名してください",
                        "End the session before signing",
                    ),
                    true,
                );
                return Vec::new();
            }
            let blocking: Vec<String> = open_blocks(c)
                .map(|f| format!("{} ({})", f.rule, f.clause))
                .collect();
            if !blocking.is_empty() {
                let text = format!(
                    "{}: {}",
                    lang.tr("署名できません", "Cannot sign"),
                    blocking.join(", ")
                );
                message(state, text, true);
                return Vec::new();
            }
            state.overlay = Some(Overlay::Confirm(Confirm::Sign));
        }
        Command::Back => {
            state.screen = if state.chart.is_some() {
                Screen::Chart
            } else {
                Screen::Queue
            };
            state.consult = None;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        _ => {}
    }
    Vec::new()
}

fn overlay_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(overlay) = &mut state.overlay else {
        return Vec::new();
    };
    match overlay {
        Overlay::Help => {
            state.overlay = None;
            Vec::new()
        }
        Overlay::Confirm(confirm) => match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                let confirm = confirm.clone();
                state.overlay = None;
                confirmed(state, confirm)
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                state.overlay = None;
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Search(s) => match key.code {
            KeyCode::Esc => {
                state.overlay = None;
                Vec::new()
            }
            KeyCode::Up => {
                s.selected = s.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Down => {
                s.selected = (s.selected + 1).min(s.results.len().saturating_sub(1));
                Vec::new()
            }
            KeyCode::Enter => {
                let chosen = s.results.get(s.selected).map(|p| p.patient_id.clone());
                state.overlay = None;
                match chosen {
                    Some(patient_id) => {
                        if state.screen != Screen::Consult {
                            state.screen = Screen::Queue;
                            state.chart = None;
                        }
                        vec![Effect::LoadChart { patient_id }]
                    }
                    None => Vec::new(),
                }
            }
            _ => {
                if s.query.handle(key) {
                    reevaluate_if_drugs(state)
                } else {
                    Vec::new()
                }
            }
        },
        Overlay::Drugs(s) => match key.code {
            KeyCode::Esc => {
                state.overlay = None;
                Vec::new()
            }
            KeyCode::Tab => {
                s.field = (s.field + 1) % 3;
                Vec::new()
            }
            KeyCode::BackTab => {
                s.field = (s.field + 2) % 3;
                Vec::new()
            }
            KeyCode::Up if s.field == 0 => {
                s.selected = s.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Down if s.field == 0 => {
                s.selected = (s.selected + 1).min(s.results.len().saturating_sub(1));
                Vec::new()
            }
            KeyCode::Enter => add_prescription(state),
            _ => {
                let changed = match s.field {
                    0 => s.query.handle(key),
                    1 => s.dose.handle(key),
                    _ => s.days.handle(key),
                };
                if changed {
                    reevaluate_if_drugs(state)
                } else {
                    Vec::new()
                }
            }
        },
        Overlay::Form(form) => {
            let n = form.fields.len();
            match key.code {
                KeyCode::Esc => {
                    state.overlay = None;
                    return Vec::new();
                }
                KeyCode::Enter => return submit_form(state),
                KeyCode::Char('s') if ctrl => return submit_form(state),
                KeyCode::Up | KeyCode::BackTab => form.selected = form.selected.saturating_sub(1),
                KeyCode::Down | KeyCode::Tab => {
                    form.selected = (form.selected + 1).min(n.saturating_sub(1))
                }
                _ => {
                    if let Some(field) = form.fields.get_mut(form.selected) {
                        match &mut field.value {
                            FieldValue::Toggle(v) if key.code == KeyCode::Char(' ') => *v = !*v,
                            FieldValue::Choice { options, selected } => match key.code {
                                KeyCode::Char(' ') | KeyCode::Right => {
                                    *selected = (*selected + 1) % options.len().max(1)
                                }
                                KeyCode::Left => {
                                    *selected = (*selected + options.len().max(1) - 1)
                                        % options.len().max(1)
                                }
                                _ => {}
                            },
                            FieldValue::Text(e) => {
                                e.handle(key);
                            }
                            FieldValue::Toggle(_) => {}
                        }
                    }
                }
            }
            Vec::new()
        }
    }
}

fn add_prescription(state: &mut AppState) -> Vec<Effect> {
    let lang = state.lang;
    let me = staff_id(state);
    let Some(Overlay::Drugs(s)) = &mut state.overlay else {
        return Vec::new();
    };
    let Some(drug) = s.results.get(s.selected).cloned() else {
        s.error = Some(lang.tr("薬剤を選択してください", "Choose a drug").into());
        return Vec::new();
    };
    let days = match s.days.text().trim().parse::<u32>() {
        Ok(d) if (1..=365).contains(&d) => d,
        _ => {
            s.error = Some(
                lang.tr(
                    "日数は 1〜365 の整数で入力してください",
                    "Days must be a whole number from 1 to 365",
                )
                .into(),
            );
            s.field = 2;
            return Vec::new();
        }
    };
    let dose = s.dose.text();
    state.overlay = None;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    let id = new_id("rx");
    c.encounter.prescriptions.insert(
        id.clone(),
        Prescription {
            id,
            drug_code: drug.code.clone(),
            drug_name: drug.name.clone(),
            dose,
            days,
            prescribed_by: me,
        },
    );
    let mut effects = save_encounter(state, "prescription.add");
    effects.extend(evaluate(state));
    effects
}

fn field_text(form: &Form, i: usize) -> String {
    match form.fields.get(i).map(|f| &f.value) {
        Some(FieldValue::Text(e)) => e.text().trim().to_string(),
        _ => String::new(),
    }
}

fn field_toggle(form: &Form, i: usize) -> bool {
    matches!(
        form.fields.get(i).map(|f| &f.value),
        Some(FieldValue::Toggle(true))
    )
}

fn field_choice(form: &Form, i: usize) -> String {
    match form.fields.get(i).map(|f| &f.value) {
        Some(FieldValue::Choice { options, selected }) => options
            .get(*selected)
            .map(|o| o.0.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn submit_form(state: &mut AppState) -> Vec<Effect> {
    let lang = state.lang;
    let me = staff_id(state);
    let now = state.now;
    let today = state.today;
    let day = state.queue.day;
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        return Vec::new();
    };
    let fail = |form: &mut Form, ja: &'static str, en: &'static str| {
        form.error = Some(lang.tr(ja, en).to_string());
        Vec::new()
    };
    let effects = match form.purpose.clone() {
        FormPurpose::CheckIn {
            entry_id,
            patient_id,
        } => {
            let documents: Vec<IdentityDocument> = DOCUMENTS
                .iter()
                .enumerate()
                .filter(|(i, _)| field_toggle(form, *i))
                .map(|(_, d)| d.0)
                .collect();
            if documents.is_empty() {
                return fail(
                    form,
                    "確認した書類を1つ以上選んでください",
                    "Choose at least one document seen",
                );
            }
            let method = match field_choice(form, DOCUMENTS.len()).as_str() {
                "on_video" => VerificationMethod::OnVideo,
                "online_qualification" => VerificationMethod::OnlineQualification,
                _ => VerificationMethod::InPerson,
            };
            let check = IdentityCheck {
                id: new_id("ic"),
                documents,
                checked_by: me.clone(),
                checked_at: now,
                method,
            };
            vec![Effect::Write {
                staff: me,
                write: Write::CheckIn {
                    day,
                    entry_id,
                    patient_id,
                    check,
                },
            }]
        }
        FormPurpose::AssignDoctor { entry_id, .. } => {
            let doctor = field_choice(form, 0);
            if doctor.is_empty() {
                return fail(form, "医師がいません", "There is no doctor to assign");
            }
            vec![Effect::Write {
                staff: me,
                write: Write::AssignDoctor {
                    day,
                    entry_id,
                    doctor,
                },
            }]
        }
        FormPurpose::Consent { patient_id } => {
            let explained: Vec<ConsentTopic> = TOPICS
                .iter()
                .enumerate()
                .filter(|(i, _)| field_toggle(form, i + 1))
                .map(|(_, t)| t.0)
                .collect();
            let by_proxy = field_toggle(form, TOPICS.len() + 2);
            let proxy = state
                .consult
                .as_ref()
                .map(|c| &c.patient)
                .or(state.chart.as_ref().map(|c| &c.patient))
                .and_then(|p| p.proxy.clone());
            let Some(Overlay::Form(form)) = &mut state.overlay else {
                return Vec::new();
            };
            let agreed_by = match (by_proxy, proxy) {
                (false, _) => Agreement::Patient,
                (true, Some(p)) => Agreement::Proxy {
                    name: p.name,
                    relationship: p.relationship,
                },
                (true, None) => {
                    return fail(
                        form,
                        "代理人が登録されていません",
                        "No proxy is registered for this patient",
                    );
                }
            };
            let consent = Consent {
                id: new_id("cs"),
                patient_requested: field_toggle(form, 0),
                explained,
                agreed_by,
                agreed_at: now,
                recorded_by: me.clone(),
                recording_agreed: field_toggle(form, TOPICS.len() + 1),
                care_plan: None,
                withdrawn_at: None,
            };
            vec![Effect::Write {
                staff: me,
                write: Write::Consent {
                    patient_id,
                    consent: Box::new(consent),
                },
            }]
        }
        FormPurpose::CarePlan {
            patient_id,
            plan_id,
        } => {
            let hospital = field_choice(form, 7);
            let plan = CarePlan {
                id: plan_id,
                care_content: field_text(form, 0),
                in_person_schedule: field_text(form, 1),
                consultation_hours: field_text(form, 2),
                method: field_text(form, 3),
                stop_conditions: field_text(form, 4),
                patient_cooperation: field_text(form, 5),
                emergency_plan: field_text(form, 6),
                emergency_hospital: (!hospital.is_empty()).then_some(hospital),
                doctors: field_text(form, 8)
                    .split([',', '、'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                doctor_rotation: field_text(form, 9),
                security_responsibility: field_text(form, 10),
                created_by: me.clone(),
                agreed_on: field_toggle(form, 11).then_some(today),
                online_care_ended_on: None,
            };
            vec![Effect::Write {
                staff: me,
                write: Write::CarePlan {
                    patient_id,
                    plan: Box::new(plan),
                },
            }]
        }
        FormPurpose::Override { rule } => {
            let reason = field_text(form, 0);
            if reason.chars().count() < 5 {
                return fail(
                    form,
                    "理由を具体的に記載してください (5文字以上)",
                    "Write a specific reason (5 characters or more)",
                );
            }
            state.overlay = Some(Overlay::Confirm(Confirm::Override { rule, reason }));
            return Vec::new();
        }
        FormPurpose::EndSession => {
            let outcome = match field_choice(form, 0).as_str() {
                "in_person" => {
                    let reason = field_text(form, 1);
                    if reason.is_empty() {
                        return fail(
                            form,
                            "切替の理由を記載してください",
                            "Write why care switches to in person",
                        );
                    }
                    let to = field_text(form, 2);
                    Outcome::SwitchedToInPerson {
                        reason,
                        referral: (!to.is_empty()).then_some(Referral {
                            to,
                            reason: String::new(),
                        }),
                    }
                }
                _ => Outcome::Completed,
            };
            state.overlay = None;
            let Some(c) = &mut state.consult else {
                return Vec::new();
            };
            let status = if matches!(outcome, Outcome::Completed) {
                QueueStatus::Done
            } else {
                QueueStatus::SwitchedToInPerson
            };
            c.encounter.ended_at = Some(now);
            c.encounter.outcome = Some(outcome);
            let mut effects = save_encounter(state, "encounter.end");
            if let Some(c) = &state.consult
                && let Some(entry) = &c.entry_id
            {
                effects.push(Effect::Write {
                    staff: me,
                    write: Write::QueueStatus {
                        day: c.day,
                        entry_id: entry.clone(),
                        status,
                    },
                });
            }
            effects.extend(evaluate(state));
            return effects;
        }
    };
    state.overlay = None;
    effects
}

fn confirmed(state: &mut AppState, confirm: Confirm) -> Vec<Effect> {
    let me = staff_id(state);
    let now = state.now;
    let lang = state.lang;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    match confirm {
        Confirm::Override { rule, reason } => {
            let id = new_id("ov");
            c.encounter.overrides.insert(
                id,
                Override {
                    rule,
                    reason,
                    by: me,
                    at: now,
                },
            );
            let mut effects = save_encounter(state, "block.override");
            effects.extend(evaluate(state));
            effects
        }
        Confirm::Sign => {
            c.encounter.signed_by = Some(me);
            c.encounter.signed_at = Some(now);
            let effects = save_encounter(state, "encounter.sign");
            message(state, lang.tr("署名しました", "Signed"), false);
            state.consult = None;
            state.screen = if state.chart.is_some() {
                Screen::Chart
            } else {
                Screen::Queue
            };
            effects
        }
    }
}
