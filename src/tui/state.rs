//! The whole state of the workstation (one `AppState`), the intents and results that change it
//! (`Action`) and the work it asks the outside world to do (`Effect`).

use ratatui::crossterm::event::KeyEvent;

use super::editor::TextEditor;
pub use super::forms::{DrugSearch, Form, FormKind, Fresh, SoapNote};
use super::i18n::Lang;
use super::keymap::Mode;
use crate::domain::{
    CarePlan, Clinic, Consent, Date, DrugInfo, Encounter, IdentityCheck, Instant, Patient, Payment,
    QueueEntry, QueueStatus, Staff, VisitKind,
};
use crate::rules::Finding;
use crate::store::{AuditEntry, PatientSummary, QueueRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Queue,
    Chart,
    Consult,
    /// The administrator's staff list (職員管理).
    Admin,
    /// The home-care team's visits of the day, in route order (訪問予定).
    Visits,
    /// The nurse's record of the visit selected in the list (訪問記録).
    Visit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartTab {
    Overview,
    Identity,
    Consents,
    CarePlans,
    Encounters,
    History,
}

impl ChartTab {
    pub const ALL: [ChartTab; 6] = [
        ChartTab::Overview,
        ChartTab::Identity,
        ChartTab::Consents,
        ChartTab::CarePlans,
        ChartTab::Encounters,
        ChartTab::History,
    ];
}

/// The sync state the status line reports honestly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncState {
    /// Not enrolled with a sync server: changes stay on this machine.
    LocalOnly,
    /// Enrolled; what the last attempt found (nothing yet until the first one ends).
    Enrolled(Option<crate::sync::background::SyncStatus>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignInState {
    pub selected: usize,
    pub pin: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueState {
    pub day: Date,
    pub rows: Vec<QueueRow>,
    pub selected: usize,
    pub filter: Option<QueueStatus>,
    /// Only the visits still to be paid for (会計待ち).
    pub owes_only: bool,
}

impl QueueState {
    /// The rows the filter lets through, in order.
    pub fn visible(&self) -> Vec<&QueueRow> {
        self.rows
            .iter()
            .filter(|r| self.filter.is_none_or(|f| row_is(r, f)))
            .filter(|r| !self.owes_only || r.owes())
            .collect()
    }

    pub fn current(&self) -> Option<&QueueRow> {
        self.visible().get(self.selected).copied()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartState {
    pub patient: Patient,
    pub tab: ChartTab,
    pub selected: usize,
    pub history: Vec<AuditEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultFocus {
    Checklist,
    Note,
    Prescriptions,
}

/// The consultation being held.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultState {
    pub patient: Patient,
    pub day: Date,
    pub entry_id: Option<String>,
    pub encounter: Encounter,
    pub findings: Vec<Finding>,
    pub focus: ConsultFocus,
    pub selected: usize,
    pub note: SoapNote,
    pub note_field: usize,
    pub editing_note: bool,
    pub rx_selected: usize,
    /// Drug details of the lines prescribed, for display.
    pub drugs: Vec<DrugInfo>,
    pub pre_consult_done: bool,
    /// The doctor has another patient in session right now (指針 V.1(6)).
    pub doctor_busy: bool,
    /// Generation of the last rule evaluation asked for; older results are dropped.
    pub eval_generation: u64,
}

/// The administrator's staff list: which member is selected.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminState {
    pub selected: usize,
}

/// Clinical-risk actions that pass through a confirm step.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Sign,
    /// Proceeding past one finding's block, with the reason written.
    Override {
        finding: Box<crate::domain::OverriddenFinding>,
        reason: String,
    },
    /// Stopping a member of staff from signing in.
    Deactivate {
        staff_id: String,
        name: String,
    },
    /// Removing an allergy or a current medication from the chart: the rules and the
    /// prescribe dialog stop seeing it.
    /// Vitals of which some lie outside what a measurement shows: recorded only once the nurse
    /// confirms each was read right.
    Vitals {
        write: Box<Write>,
        /// The values outside their range, as the question names them.
        outside: String,
    },
    RemoveFact {
        /// The write that removes it.
        write: Box<Write>,
        /// What is removed, as the question names it.
        what: String,
    },
    /// Cancelling a visit, with the reason the front desk wrote.
    CancelVisit {
        day: Date,
        entry_id: String,
        /// Who and when, as the question names them.
        patient: String,
        time: String,
        reason: String,
    },
}

/// What the patient search is for: opening a chart, or choosing whom a visit is booked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPurpose {
    OpenChart,
    Book { walk_in: bool },
}

/// Registration found patients with the same kana name and date of birth: the user opens one
/// of them, or registers the new patient anyway (a twin, a namesake), or goes back to the form.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateCheck {
    /// The registration form as it was submitted, to return to.
    pub form: Box<Form>,
    pub patient: Box<Patient>,
    pub matches: Vec<PatientSummary>,
    pub selected: usize,
}

/// The answer to a registration's save.
#[derive(Debug, Clone, PartialEq)]
pub enum Registration {
    Registered {
        patient_id: String,
        name_kanji: String,
    },
    /// Someone with the same kana name and date of birth is already registered.
    Duplicates(Vec<PatientSummary>),
    /// The store refused, naming the field.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatientSearch {
    pub query: TextEditor,
    pub results: Vec<PatientSummary>,
    pub selected: usize,
    pub generation: u64,
    pub purpose: SearchPurpose,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Search(PatientSearch),
    Drugs(DrugSearch),
    Form(Form),
    Confirm(Confirm),
    Duplicates(DuplicateCheck),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub lang: Lang,
    pub screen: Screen,
    pub clinic: Option<Clinic>,
    pub user: Option<Staff>,
    pub sign_in: SignInState,
    pub queue: QueueState,
    pub chart: Option<ChartState>,
    pub consult: Option<ConsultState>,
    pub admin: AdminState,
    pub overlay: Option<Overlay>,
    pub status: Option<StatusMessage>,
    pub sync: SyncState,
    /// Whether the store is encrypted at rest, once the workstation knows: `Some(false)` puts
    /// `store: not encrypted` on the status line.
    pub store_encrypted: Option<bool>,
    /// The user asked for a sync (F5): its outcome is said in words, whatever it is.
    pub sync_asked: bool,
    pub now: Instant,
    pub today: Date,
    pub generation: u64,
    pub quit: bool,
    /// The help overlay, over whatever mode it was opened from.
    pub help: Option<Mode>,
    /// The page of the key-hint bar shown, counted by the more key (F2) since the mode last
    /// changed; the bar takes it modulo its number of pages, which depends on the width.
    pub hint_page: usize,
    /// Something visible changed since the event loop last drew; the loop clears it.
    pub dirty: bool,
    /// Store writes asked for and not yet answered.
    pub writes_in_flight: u32,
    /// The store watcher has yet to report this workstation's own last commit.
    pub own_commit_unseen: bool,
    /// The consultation asked for from the queue board, opened once its chart has loaded.
    pub pending_consult: Option<PendingConsult>,
    /// The video command template, for the room link the consultation shows and copies.
    pub video_command: String,
    /// The home-care team's day, for a nurse of a team.
    pub nursing: NursingState,
}

/// The home-care team's day as the nurse's screens show it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NursingState {
    pub day: Option<Date>,
    /// The team's visits, in route order.
    pub visits: Vec<TeamVisit>,
    pub selected: usize,
}

impl NursingState {
    pub fn current(&self) -> Option<&TeamVisit> {
        self.visits.get(self.selected)
    }
}

/// One visit of the team's day with the patient's record, read from the store on this device:
/// it needs no network.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamVisit {
    pub entry: QueueEntry,
    pub patient: Box<Patient>,
}

impl TeamVisit {
    /// The nurse's record of this visit, if she began one.
    pub fn record(&self) -> Option<&crate::domain::NursingVisit> {
        self.patient.visit_for_entry(&self.entry.id)
    }

    /// The video room the doctor opened for this visit's D to P with N consultation.
    pub fn room(&self) -> Option<&str> {
        self.patient
            .encounters
            .values()
            .filter(|e| e.queue_entry.as_deref() == Some(self.entry.id.as_str()))
            .find_map(|e| e.video_room.as_deref())
    }
}

/// A consultation asked for before the patient's record was on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingConsult {
    pub patient_id: String,
    pub row: Option<QueueRow>,
    pub fresh: super::forms::Fresh,
}

impl AppState {
    pub fn new(lang: Lang, now: Instant, today: Date) -> AppState {
        AppState {
            lang,
            screen: Screen::SignIn,
            clinic: None,
            user: None,
            sign_in: SignInState {
                selected: 0,
                pin: String::new(),
                error: None,
            },
            queue: QueueState {
                day: today,
                rows: Vec::new(),
                selected: 0,
                filter: None,
                owes_only: false,
            },
            chart: None,
            consult: None,
            admin: AdminState::default(),
            overlay: None,
            status: None,
            sync: SyncState::LocalOnly,
            store_encrypted: None,
            sync_asked: false,
            now,
            today,
            generation: 0,
            quit: false,
            help: None,
            hint_page: 0,
            dirty: true,
            writes_in_flight: 0,
            own_commit_unseen: false,
            pending_consult: None,
            nursing: NursingState::default(),
            video_command: String::new(),
        }
    }

    /// Staff who may sign in, in the order the sign-in list shows them.
    pub fn staff(&self) -> Vec<&Staff> {
        self.clinic
            .as_ref()
            .map(|c| c.staff.values().filter(|s| s.active).collect())
            .unwrap_or_default()
    }

    /// Every member of staff, active or not, in the order the admin screen lists them.
    pub fn all_staff(&self) -> Vec<&Staff> {
        self.clinic
            .as_ref()
            .map(|c| c.staff.values().collect())
            .unwrap_or_default()
    }

    /// What the keyboard is talking to now.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            return Mode::Help;
        }
        match &self.overlay {
            Some(Overlay::Search(_)) => return Mode::Search,
            Some(Overlay::Drugs(_)) => return Mode::Drugs,
            Some(Overlay::Form(f)) => return Mode::Form(f.selected_kind()),
            Some(Overlay::Confirm(_)) => return Mode::Confirm,
            Some(Overlay::Duplicates(_)) => return Mode::Duplicates,
            None => {}
        }
        match self.screen {
            Screen::SignIn => Mode::SignIn,
            Screen::Queue => Mode::Queue,
            Screen::Chart
                if self
                    .chart
                    .as_ref()
                    .is_some_and(|c| c.tab == ChartTab::Overview) =>
            {
                Mode::ChartOverview
            }
            Screen::Chart => Mode::Chart,
            Screen::Consult if self.consult.as_ref().is_some_and(|c| c.editing_note) => {
                Mode::NoteEditor
            }
            Screen::Consult => Mode::Consult,
            Screen::Admin => Mode::Admin,
            Screen::Visits => Mode::Visits,
            Screen::Visit => Mode::Visit,
        }
    }

    pub fn next_generation(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }
}

/// Everything that can happen to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key press, with the time it was pressed and randomness for what it may create.
    Key {
        key: KeyEvent,
        at: Instant,
        fresh: Fresh,
    },
    Paste(String),
    Tick(Instant),
    ClinicLoaded(Box<Clinic>),
    QueueLoaded {
        day: Date,
        rows: Vec<QueueRow>,
    },
    ChartLoaded {
        patient: Box<Patient>,
        history: Vec<AuditEntry>,
    },
    PatientsFound {
        generation: u64,
        results: Vec<PatientSummary>,
    },
    DrugsFound {
        generation: u64,
        results: Vec<DrugInfo>,
    },
    Evaluated {
        generation: u64,
        findings: Vec<Finding>,
        drugs: Vec<DrugInfo>,
    },
    Saved {
        what: Saved,
    },
    Failed {
        message: String,
    },
    /// The video program started and did not fail within its first seconds.
    VideoLaunched {
        patient_id: String,
        encounter_id: String,
        room: String,
        relaunch: bool,
    },
    /// The nurse's video program runs in the doctor's room.
    VideoJoined,
    /// The home-care team's day, in route order.
    TeamDayLoaded {
        day: Date,
        visits: Vec<TeamVisit>,
    },
    /// The video room of a queue entry's encounter, if the doctor opened one.
    RoomFound {
        room: Option<String>,
    },
    /// The video program could not be started, or exited with an error at once.
    VideoFailed {
        message: String,
    },
    /// Another process or a sync changed the store.
    StoreChanged,
    /// The background sync finished an attempt.
    SyncStatus(crate::sync::background::SyncStatus),
    /// The answer to a sign-in attempt.
    PinChecked {
        staff: String,
        check: PinCheck,
    },
    /// The answer to a registration form's save.
    Registered {
        generation: u64,
        outcome: Registration,
    },
}

impl Action {
    /// A key pressed now, as the terminal reports it.
    pub fn key(key: KeyEvent) -> Action {
        Action::Key {
            key,
            at: time::OffsetDateTime::now_utc(),
            fresh: Fresh::random(),
        }
    }
}

/// What a sign-in attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    Accepted,
    Wrong,
    /// The staff member has no PIN: an administrator has to set one.
    NotSet,
    /// Too many wrong PINs in a row: no sign-in on this device until then.
    Locked {
        until: Instant,
    },
    /// Deactivated by an administrator: the record stays, sign-in does not.
    Inactive,
}

/// What a store write saved, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    SignedIn,
    CheckedIn,
    DoctorAssigned,
    PreConsult,
    Status(QueueStatus),
    Consent,
    CarePlan,
    /// The encounter, saved under the audit action named.
    Encounter(&'static str),
    /// The nurse's visit record, saved under the audit action named.
    Nursing(&'static str),
    Signed,
    StaffAdded,
    StaffSaved,
    StaffDeactivated,
    /// A fact recorded from the chart, by its audit action.
    Fact(&'static str),
    /// A visit booked, on `day`.
    Booked {
        walk_in: bool,
        day: Date,
    },
    /// A visit moved, to `day`.
    Moved {
        day: Date,
    },
    Waiting,
    VisitCancelled,
    Payment,
}

impl Saved {
    /// The day a booking or a move put the visit on: the status line names it when the board
    /// shows another day, where the visit is not to be seen.
    pub fn day(self) -> Option<Date> {
        match self {
            Saved::Booked { day, .. } | Saved::Moved { day } => Some(day),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Saved::SignedIn => lang.tr("サインインしました", "Signed in"),
            Saved::CheckedIn => lang.tr(
                "受付しました (本人確認を記録)",
                "Checked in; identity documents recorded",
            ),
            Saved::DoctorAssigned => lang.tr("担当医を割り当てました", "Doctor assigned"),
            Saved::PreConsult => lang.tr("診療前相談を記録しました", "Pre-consult recorded"),
            Saved::Status(s) => match s {
                QueueStatus::InSession => lang.tr("診察中にしました", "Now in session"),
                QueueStatus::Done => lang.tr("完了にしました", "Marked done"),
                QueueStatus::Cancelled => lang.tr("取り消しました", "Cancelled"),
                _ => lang.tr("状態を更新しました", "Status updated"),
            },
            Saved::Consent => lang.tr("同意を記録しました", "Consent recorded"),
            Saved::CarePlan => lang.tr("診療計画を保存しました", "Care plan saved"),
            Saved::Encounter(PRESCRIPTION_REMOVE_WITHDRAWING) => lang.tr(
                "処方を削除し、その行への解除を取り下げました",
                "Line removed; its override withdrawn",
            ),
            Saved::Encounter("encounter.addendum") => {
                lang.tr("追記を保存しました", "Addendum saved")
            }
            Saved::Encounter("encounter.order") => lang.tr(
                "看護師への指示を記録しました",
                "Order to the nurse recorded",
            ),
            Saved::Encounter(_) => lang.tr("保存しました", "Saved"),
            Saved::Nursing(action) => super::update::nursing_saved_label(lang, action),
            Saved::Signed => lang.tr("署名しました", "Signed"),
            Saved::StaffAdded => lang.tr("職員を登録しました", "Staff member added"),
            Saved::StaffSaved => lang.tr("職員情報を保存しました", "Staff record saved"),
            Saved::StaffDeactivated => lang.tr(
                "職員を無効にしました (記録は残ります)",
                "Staff member deactivated; their record stays",
            ),
            Saved::Fact(action) => super::update::fact_saved_label(lang, action),
            Saved::Booked { walk_in: true, .. } => {
                lang.tr("当日受付を追加しました", "Walk-in added")
            }
            Saved::Booked { walk_in: false, .. } => {
                lang.tr("予約を追加しました", "Reservation added")
            }
            Saved::Moved { .. } => lang.tr("予約を変更しました", "Visit moved"),
            Saved::Waiting => lang.tr("待機中にしました", "Now waiting"),
            Saved::VisitCancelled => lang.tr(
                "取り消しました (理由を記録)",
                "Cancelled; the reason is recorded",
            ),
            Saved::Payment => lang.tr("会計を記録しました", "Payment recorded"),
        }
    }
}

/// The audit action of a prescription line removed with the override given over it.
pub const PRESCRIPTION_REMOVE_WITHDRAWING: &str = "prescription.remove.override_withdrawn";

/// Store writes, each made as the signed-in staff member.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// The nurse's visit record, audited as `action`.
    NursingVisit {
        patient_id: String,
        visit: Box<crate::domain::NursingVisit>,
        action: &'static str,
    },
    /// The team's visits of a day in the route order the nurse chose.
    RouteOrder {
        day: Date,
        team: String,
        entries: Vec<String>,
    },
    /// The nurse asks the doctor to join the visit on video (D to P with N).
    ConsultRequest {
        day: Date,
        entry_id: String,
        patient_id: String,
        visit: Box<crate::domain::NursingVisit>,
    },
    SignedIn,
    CheckIn {
        day: Date,
        entry_id: String,
        patient_id: String,
        check: IdentityCheck,
        /// The doctor who will see the patient, assigned in the same transaction.
        doctor: String,
    },
    AssignDoctor {
        day: Date,
        entry_id: String,
        doctor: String,
    },
    PreConsultDone {
        day: Date,
        entry_id: String,
    },
    QueueStatus {
        day: Date,
        entry_id: String,
        status: QueueStatus,
    },
    Consent {
        patient_id: String,
        consent: Box<Consent>,
    },
    CarePlan {
        patient_id: String,
        plan: Box<CarePlan>,
    },
    Encounter {
        patient_id: String,
        encounter: Box<Encounter>,
        /// The step, as the audit log names it (`encounter.start`, `block.override` ...).
        action: &'static str,
    },
    /// An addendum beside a signed encounter, which itself stays as signed.
    Addendum {
        patient_id: String,
        encounter_id: String,
        addendum: Box<crate::domain::Addendum>,
    },
    /// The encounter with a checklist tick (or the complaint, place, attendees ...) and, when
    /// the tick confirmed the current medications, that confirmation on the patient, together.
    EncounterChecks {
        patient_id: String,
        encounter: Box<Encounter>,
        action: &'static str,
        medications_confirmed: Option<Instant>,
    },
    AddStaff {
        staff: Box<Staff>,
    },
    /// The fields in which `edited` differs from `original` (what the form opened on) are
    /// written onto the record as it is in the store.
    EditStaff {
        original: Box<Staff>,
        edited: Box<Staff>,
    },
    DeactivateStaff {
        staff_id: String,
    },
    /// A fact the rules read, recorded from the chart (allergies, medications, history ...).
    Fact {
        patient_id: String,
        edit: crate::store::FactEdit,
    },
    /// The signed encounter and, for a visit on the queue, its `signed_at`, together.
    SignEncounter {
        patient_id: String,
        encounter: Box<Encounter>,
        visit: Option<(Date, String)>,
    },
    BookVisit {
        day: Date,
        entry: Box<QueueEntry>,
    },
    MoveVisit {
        day: Date,
        entry_id: String,
        to_day: Date,
        to_time: String,
    },
    MarkWaiting {
        day: Date,
        entry_id: String,
    },
    CancelVisit {
        day: Date,
        entry_id: String,
        reason: String,
    },
    RecordPayment {
        day: Date,
        entry_id: String,
        payment: Payment,
    },
    /// A 訪問看護指示書 the doctor wrote from the chart.
    NursingInstructions {
        patient_id: String,
        instructions: Box<crate::domain::NursingInstructions>,
    },
}

/// Work the event loop does on the state's behalf.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Checks a PIN against the staff member's stored hash, away from the UI thread.
    VerifyPin {
        staff: String,
        pin: String,
    },
    LoadClinic,
    LoadQueue {
        day: Date,
    },
    LoadChart {
        patient_id: String,
    },
    SearchPatients {
        generation: u64,
        query: String,
    },
    SearchDrugs {
        generation: u64,
        query: String,
    },
    Evaluate {
        generation: u64,
        consultation: Box<crate::rules::Consultation>,
        codes: Vec<String>,
        /// The state's clock: findings depend on the day (training dates, retention).
        now: Instant,
    },
    Write {
        staff: String,
        write: Write,
    },
    /// Launch the video program into `room`; `relaunch` when the session already started and
    /// dropped. Nothing is recorded until the worker answers that the program is running.
    LaunchVideo {
        patient_id: String,
        encounter_id: String,
        room: String,
        relaunch: bool,
    },
    /// Launch the video program into the room the doctor opened, from the nurse's side: her
    /// device records nothing of the doctor's encounter.
    JoinVideo {
        room: String,
    },
    /// The home-care team's visits of `day`, with their patients' records.
    LoadTeamDay {
        day: Date,
        team: String,
    },
    /// Look up the video room of the encounter held for a queue entry.
    FindRoom {
        patient_id: String,
        entry_id: String,
    },
    /// Put `text` on the terminal's clipboard (OSC 52); the event loop writes it, not the worker.
    CopyToClipboard {
        text: String,
    },
    /// Ask the background sync task for a session now (the event loop does it, not the
    /// worker).
    SyncNow,
    /// The registration form's save: the duplicate check on kana name and date of birth
    /// (skipped when the user chose to register anyway), then the registration.
    Register {
        generation: u64,
        staff: String,
        patient: Box<Patient>,
        today: Date,
        anyway: bool,
    },
}

/// Whether `row` is in `status`: the one place the workstation compares a queue row's status.
pub fn row_is(row: &QueueRow, status: QueueStatus) -> bool {
    row.status == status
}

/// The visit kinds as the queue board shows them.
pub fn visit_label(lang: Lang, kind: &str) -> &'static str {
    match VisitKind::parse(kind) {
        Some(VisitKind::PreConsult) => lang.tr("診療前相談", "pre-consult"),
        Some(VisitKind::OnlineInitial) => lang.tr("オンライン初診", "online first"),
        Some(VisitKind::OnlineFollowup) => lang.tr("オンライン再診", "online follow-up"),
        Some(VisitKind::InPerson) => lang.tr("対面", "in person"),
        Some(VisitKind::DToPWithN) => lang.tr("D to P with N", "D to P with N"),
        Some(VisitKind::DToPWithD) => lang.tr("D to P with D", "D to P with D"),
        Some(VisitKind::HomeNursing) => lang.tr("訪問看護", "home nursing"),
        None => lang.tr("不明", "unknown"),
    }
}

pub fn status_label(lang: Lang, status: &str) -> &'static str {
    match QueueStatus::parse(status) {
        Some(QueueStatus::Reserved) => lang.tr("予約", "reserved"),
        Some(QueueStatus::CheckedIn) => lang.tr("受付済", "checked in"),
        Some(QueueStatus::Waiting) => lang.tr("待機中", "waiting"),
        Some(QueueStatus::InSession) => lang.tr("診察中", "in session"),
        Some(QueueStatus::Done) => lang.tr("完了", "done"),
        Some(QueueStatus::SwitchedToInPerson) => lang.tr("対面へ切替", "to in-person"),
        Some(QueueStatus::Cancelled) => lang.tr("取消", "cancelled"),
        None => lang.tr("不明", "unknown"),
    }
}
