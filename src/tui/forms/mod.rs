//! The forms of the workstation. Each form is a typed struct of its fields with the `submit` that
//! turns them into what is recorded, side by side in its own module; shared here are the field
//! widgets, how the form overlay walks and edits any form's fields, and why a submission is
//! refused ([`FormError`]).

pub mod addendum;
pub mod allergy;
pub mod assign_doctor;
pub mod attendee;
pub mod book_visit;
pub mod cancel_visit;
pub mod care_plan;
pub mod check_in;
pub mod complaint;
pub mod consent;
pub mod doctor_location;
pub mod end_session;
pub mod history;
pub mod identity_seen;
pub mod instructions;
pub mod medication;
pub mod medications_taken;
pub mod move_visit;
pub mod note;
pub mod nursing_text;
pub mod order;
pub mod override_reason;
pub mod payment;
pub mod prescription;
pub mod proxy;
pub mod register;
pub mod staff;
pub mod vitals;

use super::editor::TextEditor;
use super::i18n::Lang;
use super::keymap::FieldKind;
use crate::domain::{Date, Instant};

pub use addendum::AddendumForm;
pub use allergy::AllergyForm;
pub use assign_doctor::AssignDoctorForm;
pub use attendee::AttendeeForm;
pub use book_visit::BookVisitForm;
pub use cancel_visit::CancelVisitForm;
pub use care_plan::CarePlanForm;
pub use check_in::CheckInForm;
pub use complaint::ComplaintForm;
pub use consent::ConsentForm;
pub use doctor_location::LocationForm;
pub use end_session::{EndSessionForm, Ending};
pub use history::HistoryForm;
pub use identity_seen::IdentitySeenForm;
pub use instructions::InstructionsForm;
pub use medication::MedicationForm;
pub use medications_taken::MedicationsTakenForm;
pub use move_visit::MoveVisitForm;
pub use note::SoapNote;
pub use nursing_text::NursingTextForm;
pub use order::OrderForm;
pub use override_reason::OverrideForm;
pub use payment::PaymentForm;
pub use prescription::DrugSearch;
pub use proxy::ProxyForm;
pub use register::RegisterForm;
pub use staff::StaffForm;
pub use vitals::VitalsForm;

/// A yes/no box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toggle {
    pub label: &'static str,
    pub on: bool,
}

impl Toggle {
    pub fn new(label: &'static str, on: bool) -> Toggle {
        Toggle { label, on }
    }
}

/// A one-line text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub label: &'static str,
    pub editor: TextEditor,
    /// Shown as dots (a PIN).
    pub masked: bool,
}

impl Text {
    pub fn new(label: &'static str, value: &str) -> Text {
        Text {
            label,
            editor: TextEditor::with_text(value, false),
            masked: false,
        }
    }

    /// A field whose text is never shown (a PIN).
    pub fn masked(label: &'static str) -> Text {
        Text {
            masked: true,
            ..Text::new(label, "")
        }
    }

    /// The text typed, without surrounding blanks.
    pub fn value(&self) -> String {
        self.editor.text().trim().to_string()
    }
}

/// One of a list of options, each with what it means and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<T> {
    pub label: &'static str,
    pub options: Vec<(T, String)>,
    pub selected: usize,
}

impl<T> Choice<T> {
    pub fn new(label: &'static str, options: Vec<(T, String)>, selected: usize) -> Choice<T> {
        Choice {
            label,
            options,
            selected,
        }
    }

    /// What the selected option means; `None` when there are no options.
    pub fn value(&self) -> Option<&T> {
        self.options.get(self.selected).map(|o| &o.0)
    }

    fn shown(&self) -> Option<&str> {
        self.options.get(self.selected).map(|o| o.1.as_str())
    }
}

/// A field as the form overlay draws it, whatever the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldView<'a> {
    Toggle(&'a Toggle),
    Text(&'a Text),
    Choice {
        label: &'static str,
        shown: Option<&'a str>,
    },
}

impl FieldView<'_> {
    pub fn label(&self) -> &'static str {
        match self {
            FieldView::Toggle(t) => t.label,
            FieldView::Text(t) => t.label,
            FieldView::Choice { label, .. } => label,
        }
    }

    pub fn kind(&self) -> FieldKind {
        match self {
            FieldView::Toggle(_) => FieldKind::Toggle,
            FieldView::Text(_) => FieldKind::Text,
            FieldView::Choice { .. } => FieldKind::Choice,
        }
    }
}

/// A field as keys edit it, whatever the form.
pub enum FieldEdit<'a> {
    Toggle(&'a mut bool),
    Text(&'a mut TextEditor),
    Choice { selected: &'a mut usize, len: usize },
}

impl<'a> From<&'a Toggle> for FieldView<'a> {
    fn from(t: &'a Toggle) -> Self {
        FieldView::Toggle(t)
    }
}

impl<'a> From<&'a Text> for FieldView<'a> {
    fn from(t: &'a Text) -> Self {
        FieldView::Text(t)
    }
}

impl<'a, T> From<&'a Choice<T>> for FieldView<'a> {
    fn from(c: &'a Choice<T>) -> Self {
        FieldView::Choice {
            label: c.label,
            shown: c.shown(),
        }
    }
}

impl<'a> From<&'a mut Toggle> for FieldEdit<'a> {
    fn from(t: &'a mut Toggle) -> Self {
        FieldEdit::Toggle(&mut t.on)
    }
}

impl<'a> From<&'a mut Text> for FieldEdit<'a> {
    fn from(t: &'a mut Text) -> Self {
        FieldEdit::Text(&mut t.editor)
    }
}

impl<'a, T> From<&'a mut Choice<T>> for FieldEdit<'a> {
    fn from(c: &'a mut Choice<T>) -> Self {
        FieldEdit::Choice {
            len: c.options.len(),
            selected: &mut c.selected,
        }
    }
}

/// A form's fields in the order the overlay shows them. Each form lists its own, next to the
/// struct that names them.
pub trait Fields {
    fn fields(&self) -> Vec<FieldView<'_>>;
    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>>;
    /// What the form is about, shown above its fields (none by default).
    fn about(&self, _lang: Lang) -> Vec<String> {
        Vec::new()
    }
    /// Called after each edit of a field, for a form whose fields follow one another.
    fn edited(&mut self) {}
}

/// Who records what a form submits, and when.
#[derive(Debug, Clone)]
pub struct Author {
    /// Staff id of the signed-in user.
    pub staff: String,
    pub now: Instant,
    /// Today in Japan (agreement dates).
    pub today: Date,
    /// Randomness for the ids of what the submission creates.
    pub fresh: Fresh,
}

/// Randomness that arrives with a key press, so that `update` stays a function of its input:
/// ids of new records and the video room name are made from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fresh(pub u128);

impl Fresh {
    /// New randomness, for the event loop to attach to a key press.
    pub fn random() -> Fresh {
        Fresh(uuid::Uuid::new_v4().as_u128())
    }

    /// An id for a record created on this machine: random, so that two offline devices never
    /// pick the same one.
    pub fn id(self, prefix: &str) -> String {
        format!("{prefix}-{:016x}", self.0 as u64)
    }

    /// An unguessable video room name.
    pub fn room(self) -> String {
        format!("enkaku-{:032x}", self.0)
    }
}

/// Why a form cannot be submitted: which field, and what is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("identity documents: choose at least one document seen")]
    NoDocumentSeen,
    #[error("doctor: there is no doctor to assign")]
    NoDoctor,
    #[error("agreed by the proxy: no proxy is registered for this patient")]
    NoProxy,
    #[error("reason: write a specific reason (5 characters or more)")]
    ReasonTooShort,
    #[error("place outside: write where the doctor is")]
    NoPlace,
    #[error("vitals: {0:?} is not a reading")]
    Vital(crate::domain::Vital),
    #[error("medications: the patient has no current medication recorded")]
    NoCurrentMedication,
    #[error("file name: a photo's file name, without folders")]
    PhotoName,
    #[error("reason: say why the doctor is needed")]
    NoRequestReason,
    #[error("name: write the name of the person present")]
    AttendeeName,
    #[error("relationship or role: say who the person is to the patient")]
    AttendeeRole,
    #[error("addendum: write what is added to the signed record")]
    NoAddendumText,
    #[error("reason for switching: write why care switches to in person")]
    NoSwitchReason,
    #[error("drug: choose a drug")]
    NoDrug,
    #[error("days: a whole number from 1 to 365")]
    DaysOutOfRange,
    #[error("id: letters, digits, '-' and '_'")]
    StaffId,
    #[error("name: the name is empty")]
    StaffName,
    #[error("kana: write the reading in kana")]
    StaffKana,
    #[error("licence number: 1 to 10 digits")]
    Licence,
    #[error("licence number: another member of staff already has it")]
    LicenceTaken,
    #[error("id: another member of staff already has it")]
    StaffIdTaken,
    #[error("医籍登録年: a year from 1945 to this year")]
    RegistrationYear,
    #[error("online-care training: a date YYYY-MM-DD, not in the future")]
    TrainingDate,
    #[error("emergency-contraception training: a date YYYY-MM-DD, not in the future")]
    EcTrainingDate,
    #[error("PIN: 4 to 12 digits")]
    PinFormat,
    #[error("substance: name what the patient is allergic to")]
    NoSubstance,
    #[error("medication: name the medication")]
    NoMedicationName,
    #[error("sources: choose where the underlying conditions are known from")]
    NoHistorySource,
    #[error("relationship: say how the proxy is related to the patient")]
    NoRelationship,
    #[error("name_kanji: write the patient's name")]
    PatientName,
    #[error("name_kana: write the reading of the name in kana")]
    PatientKana,
    #[error("date_of_birth: write the date of birth as YYYY-MM-DD")]
    DateOfBirth,
    #[error("insurer_number: write the insurer number (保険者番号)")]
    NoInsurerNumber,
    #[error("proxy: write the proxy's relationship to the patient")]
    ProxyRelationship,
    #[error("day: write the day as YYYY-MM-DD")]
    Day,
    #[error("day: the day has passed; a visit is booked for today or later")]
    DayPast,
    #[error("day: the patient has checked in; the visit moves to another time today only")]
    ArrivedStays,
    #[error("time: write the time as HH:MM")]
    Time,
    #[error("cancel_reason: write why the visit is cancelled")]
    NoCancelReason,
    #[error("amount: a whole number of yen")]
    Amount,
    #[error("valid from: write the day as YYYY-MM-DD")]
    InstructionsValidFrom,
    #[error("valid to: write the day as YYYY-MM-DD")]
    InstructionsValidTo,
    #[error("valid to: the period ends before it begins")]
    InstructionsPeriod,
    #[error("valid to: the period has already ended")]
    InstructionsEnded,
    #[error("what to observe: write what the nurse is to observe")]
    NoObserve,
    /// A limit of the 訪問看護指示書 that is not a reading of its vital sign.
    #[error("{}", limit_error(Lang::En, *.vital, *.max))]
    Limit {
        vital: crate::domain::Vital,
        max: bool,
    },
    /// The upper limit of a vital sign is below its lower limit.
    #[error("{}: the upper limit is below the lower", .0.label().1)]
    LimitsCrossed(crate::domain::Vital),
    #[error("order: write what the nurse is to do")]
    NoOrderText,
}

/// The refusal of a limit field of the 訪問看護指示書, naming it.
fn limit_error(lang: Lang, vital: crate::domain::Vital, max: bool) -> &'static str {
    match instructions::limit_field(vital, max) {
        Some(f) => lang.tr(f.error.0, f.error.1),
        None => lang.tr(
            "上下限: 数値で入力してください (空欄は制限なし)",
            "Limit: a number, or empty for no limit",
        ),
    }
}

impl FormError {
    /// The message the form shows, in the interface language.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            FormError::NoDocumentSeen => lang.tr(
                "確認した書類を1つ以上選んでください",
                "Choose at least one document seen",
            ),
            FormError::NoDoctor => lang.tr("医師がいません", "There is no doctor to assign"),
            FormError::NoProxy => lang.tr(
                "代理人が登録されていません",
                "No proxy is registered for this patient",
            ),
            FormError::ReasonTooShort => lang.tr(
                "理由を具体的に記載してください (5文字以上)",
                "Write a specific reason (5 characters or more)",
            ),
            FormError::Vital(v) => vital_message(lang, v),
            FormError::NoCurrentMedication => lang.tr(
                "服用中の薬が記録されていません (カルテの概要で記録)",
                "No current medication is recorded (record them on the chart's overview)",
            ),
            FormError::PhotoName => lang.tr(
                "写真のファイル名を入力してください (フォルダ名なし)",
                "File name: the photo's file name, without folders",
            ),
            FormError::NoRequestReason => lang.tr(
                "依頼の理由を記載してください",
                "Why: say why the doctor is needed",
            ),
            FormError::NoPlace => lang.tr(
                "院外の場所を記載してください (住所等)",
                "Place outside: write where the doctor is",
            ),
            FormError::AttendeeName => lang.tr(
                "同席者の氏名を入力してください",
                "Name: write the name of the person present",
            ),
            FormError::AttendeeRole => lang.tr(
                "同席者の続柄・役割を入力してください",
                "Relationship or role: say who the person is to the patient",
            ),
            FormError::NoAddendumText => lang.tr(
                "追記する内容を記載してください",
                "Write what is added to the signed record",
            ),
            FormError::NoSwitchReason => lang.tr(
                "切替の理由を記載してください",
                "Write why care switches to in person",
            ),
            FormError::NoDrug => lang.tr("薬剤を選択してください", "Choose a drug"),
            FormError::DaysOutOfRange => lang.tr(
                "日数は 1〜365 の整数で入力してください",
                "Days must be a whole number from 1 to 365",
            ),
            FormError::StaffId => lang.tr(
                "ID は英数字・'-'・'_' で入力してください",
                "Id: letters, digits, '-' and '_'",
            ),
            FormError::StaffName => lang.tr("氏名を入力してください", "Write the name"),
            FormError::StaffKana => lang.tr(
                "カナ: 読みをカタカナで入力してください",
                "Kana: write the reading in kana",
            ),
            FormError::Licence => lang.tr(
                "免許番号は 1〜10 桁の数字です",
                "Licence number: 1 to 10 digits",
            ),
            FormError::LicenceTaken => lang.tr(
                "免許番号: 他の職員に登録済みの番号です",
                "Licence number: another member of staff already has it",
            ),
            FormError::StaffIdTaken => lang.tr(
                "ID: 他の職員が使っている ID です",
                "Id: another member of staff already has it",
            ),
            FormError::RegistrationYear => lang.tr(
                "医籍登録年: 1945年から今年までの西暦で入力してください",
                "医籍登録年: a year from 1945 to this year",
            ),
            FormError::TrainingDate => lang.tr(
                "オンライン診療研修: YYYY-MM-DD の日付 (未来は不可)",
                "Online-care training: a date YYYY-MM-DD, not in the future",
            ),
            FormError::EcTrainingDate => lang.tr(
                "緊急避妊研修: YYYY-MM-DD の日付 (未来は不可)",
                "Emergency-contraception training: a date YYYY-MM-DD, not in the future",
            ),
            FormError::PinFormat => lang.tr("PIN は 4〜12 桁の数字です", "PIN: 4 to 12 digits"),
            FormError::NoSubstance => lang.tr(
                "原因物質を入力してください",
                "Name what the patient is allergic to",
            ),
            FormError::NoMedicationName => {
                lang.tr("薬剤名を入力してください", "Name the medication")
            }
            FormError::NoHistorySource => lang.tr(
                "把握している場合は情報源を1つ以上選んでください",
                "Choose at least one source of what is known",
            ),
            FormError::NoRelationship => lang.tr(
                "代理人の続柄を入力してください",
                "Say how the proxy is related to the patient",
            ),
            FormError::PatientName => lang.tr(
                "氏名 (漢字) を入力してください",
                "Name: write the patient's name",
            ),
            FormError::PatientKana => lang.tr(
                "氏名 (カナ) をカタカナかひらがなで入力してください",
                "Kana: write the reading of the name in kana",
            ),
            FormError::DateOfBirth => lang.tr(
                "生年月日: YYYY-MM-DD で入力してください",
                "Date of birth: write it as YYYY-MM-DD",
            ),
            FormError::NoInsurerNumber => lang.tr(
                "保険者番号を入力してください",
                "Insurer number: write the insurer number",
            ),
            FormError::ProxyRelationship => lang.tr(
                "代理人の続柄を入力してください",
                "Proxy: write the proxy's relationship",
            ),
            FormError::Day => lang.tr(
                "日付: YYYY-MM-DD で入力してください",
                "Day: write it as YYYY-MM-DD",
            ),
            FormError::DayPast => lang.tr(
                "日付: 過ぎた日です (今日以降の日付を入力)",
                "Day: that day has passed (today or later)",
            ),
            FormError::ArrivedStays => lang.tr(
                "日付: 受付済の患者は本日中の時刻変更のみです (別の日は取消して予約)",
                "Day: checked in, so only another time today (cancel and book for another day)",
            ),
            FormError::Time => lang.tr("時刻: HH:MM で入力してください", "Time: write it as HH:MM"),
            FormError::NoCancelReason => lang.tr(
                "取消の理由を記載してください",
                "Reason: write why the visit is cancelled",
            ),
            FormError::Amount => lang.tr(
                "金額: 円の整数で入力してください",
                "Amount: a whole number of yen",
            ),
            FormError::InstructionsValidFrom => lang.tr(
                "有効期間 開始: YYYY-MM-DD で入力してください",
                "Valid from: write the day as YYYY-MM-DD",
            ),
            FormError::InstructionsValidTo => lang.tr(
                "有効期間 終了: YYYY-MM-DD で入力してください",
                "Valid to: write the day as YYYY-MM-DD",
            ),
            FormError::InstructionsPeriod => lang.tr(
                "有効期間 終了: 開始より前の日です",
                "Valid to: the period ends before it begins",
            ),
            FormError::InstructionsEnded => lang.tr(
                "有効期間 終了: 既に過ぎた日です",
                "Valid to: the period has already ended",
            ),
            FormError::NoObserve => lang.tr(
                "観察項目を記載してください",
                "What to observe: write what the nurse is to observe",
            ),
            FormError::Limit { vital, max } => limit_error(lang, vital, max),
            FormError::LimitsCrossed(vital) => match vital {
                crate::domain::Vital::SystolicBp => lang.tr(
                    "収縮期血圧: 上限が下限より低くなっています",
                    "Systolic BP: the upper limit is below the lower",
                ),
                crate::domain::Vital::Pulse => lang.tr(
                    "脈拍: 上限が下限より低くなっています",
                    "Pulse: the upper limit is below the lower",
                ),
                crate::domain::Vital::BloodGlucose => lang.tr(
                    "血糖: 上限が下限より低くなっています",
                    "Blood glucose: the upper limit is below the lower",
                ),
                _ => lang.tr(
                    "上限が下限より低くなっています",
                    "The upper limit is below the lower",
                ),
            },
            FormError::NoOrderText => lang.tr(
                "指示の内容を記載してください",
                "Order: write what the nurse is to do",
            ),
        }
    }
}

/// Why a vital was refused, naming it and its unit.
fn vital_message(lang: Lang, v: crate::domain::Vital) -> &'static str {
    use crate::domain::Vital::*;
    match v {
        SystolicBp => lang.tr(
            "収縮期血圧: 数値で入力してください (mmHg)",
            "Systolic BP: a number (mmHg)",
        ),
        DiastolicBp => lang.tr(
            "拡張期血圧: 数値で入力してください (mmHg)",
            "Diastolic BP: a number (mmHg)",
        ),
        Pulse => lang.tr(
            "脈拍: 数値で入力してください (/分)",
            "Pulse: a number (/min)",
        ),
        Temperature => lang.tr(
            "体温: 数値で入力してください (℃)",
            "Temperature: a number (℃)",
        ),
        Spo2 => lang.tr(
            "SpO2: 0〜100 の数値で入力してください (%)",
            "SpO2: a number from 0 to 100 (%)",
        ),
        RespiratoryRate => lang.tr(
            "呼吸数: 数値で入力してください (/分)",
            "Respiratory rate: a number (/min)",
        ),
        Weight => lang.tr("体重: 数値で入力してください (kg)", "Weight: a number (kg)"),
        BloodGlucose => lang.tr(
            "血糖: 数値で入力してください (mg/dL)",
            "Blood glucose: a number (mg/dL)",
        ),
        Pain => lang.tr(
            "痛み: 0〜10 の数値で入力してください",
            "Pain: a number from 0 to 10",
        ),
    }
}

/// The forms, by what they record.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    CheckIn(CheckInForm),
    AssignDoctor(AssignDoctorForm),
    Consent(ConsentForm),
    /// Boxed: the nine items make it by far the largest form.
    CarePlan(Box<CarePlanForm>),
    Override(OverrideForm),
    EndSession(EndSessionForm),
    /// Boxed: a staff record and the form's many fields.
    Staff(Box<StaffForm>),
    Allergy(AllergyForm),
    Medication(MedicationForm),
    History(HistoryForm),
    Proxy(ProxyForm),
    IdentitySeen(IdentitySeenForm),
    /// Boxed: sixteen fields.
    Register(Box<RegisterForm>),
    BookVisit(BookVisitForm),
    MoveVisit(MoveVisitForm),
    CancelVisit(CancelVisitForm),
    Payment(PaymentForm),
    Complaint(ComplaintForm),
    Addendum(AddendumForm),
    Location(LocationForm),
    /// Boxed: the people recorded ride along.
    Attendee(Box<AttendeeForm>),
    /// Boxed: nine fields and the visit record.
    Vitals(Box<VitalsForm>),
    /// Boxed: the visit record and every medication's answer.
    MedicationsTaken(Box<MedicationsTakenForm>),
    /// Boxed: the visit record rides along.
    NursingText(Box<NursingTextForm>),
    /// Boxed: fourteen fields.
    Instructions(Box<InstructionsForm>),
    Order(OrderForm),
}

/// An open form: which one, the selected field and the last refusal.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: &'static str,
    pub kind: FormKind,
    pub selected: usize,
    pub error: Option<FormError>,
}

impl Form {
    pub fn new(title: &'static str, kind: FormKind) -> Form {
        Form {
            title,
            kind,
            selected: 0,
            error: None,
        }
    }

    fn inner(&self) -> &dyn Fields {
        match &self.kind {
            FormKind::CheckIn(f) => f,
            FormKind::AssignDoctor(f) => f,
            FormKind::Consent(f) => f,
            FormKind::CarePlan(f) => f.as_ref(),
            FormKind::Override(f) => f,
            FormKind::EndSession(f) => f,
            FormKind::Staff(f) => f.as_ref(),
            FormKind::Allergy(f) => f,
            FormKind::Medication(f) => f,
            FormKind::History(f) => f,
            FormKind::Proxy(f) => f,
            FormKind::IdentitySeen(f) => f,
            FormKind::Register(f) => f.as_ref(),
            FormKind::BookVisit(f) => f,
            FormKind::MoveVisit(f) => f,
            FormKind::CancelVisit(f) => f,
            FormKind::Payment(f) => f,
            FormKind::Complaint(f) => f,
            FormKind::Addendum(f) => f,
            FormKind::Location(f) => f,
            FormKind::Attendee(f) => f.as_ref(),
            FormKind::Vitals(f) => f.as_ref(),
            FormKind::MedicationsTaken(f) => f.as_ref(),
            FormKind::NursingText(f) => f.as_ref(),
            FormKind::Instructions(f) => f.as_ref(),
            FormKind::Order(f) => f,
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Fields {
        match &mut self.kind {
            FormKind::CheckIn(f) => f,
            FormKind::AssignDoctor(f) => f,
            FormKind::Consent(f) => f,
            FormKind::CarePlan(f) => f.as_mut(),
            FormKind::Override(f) => f,
            FormKind::EndSession(f) => f,
            FormKind::Staff(f) => f.as_mut(),
            FormKind::Allergy(f) => f,
            FormKind::Medication(f) => f,
            FormKind::History(f) => f,
            FormKind::Proxy(f) => f,
            FormKind::IdentitySeen(f) => f,
            FormKind::Register(f) => f.as_mut(),
            FormKind::BookVisit(f) => f,
            FormKind::MoveVisit(f) => f,
            FormKind::CancelVisit(f) => f,
            FormKind::Payment(f) => f,
            FormKind::Complaint(f) => f,
            FormKind::Addendum(f) => f,
            FormKind::Location(f) => f,
            FormKind::Attendee(f) => f.as_mut(),
            FormKind::Vitals(f) => f.as_mut(),
            FormKind::MedicationsTaken(f) => f.as_mut(),
            FormKind::NursingText(f) => f.as_mut(),
            FormKind::Instructions(f) => f.as_mut(),
            FormKind::Order(f) => f,
        }
    }

    /// A field was edited: the form may follow it up.
    pub fn edited(&mut self) {
        self.inner_mut().edited();
    }

    pub fn fields(&self) -> Vec<FieldView<'_>> {
        self.inner().fields()
    }

    /// The lines shown above the fields: what the form acts on.
    pub fn about(&self, lang: Lang) -> Vec<String> {
        self.inner().about(lang)
    }

    /// The kind of the selected field, which decides what Space and the arrows do.
    pub fn selected_kind(&self) -> FieldKind {
        self.fields()
            .get(self.selected)
            .map(FieldView::kind)
            .unwrap_or(FieldKind::Toggle)
    }

    pub fn selected_mut(&mut self) -> Option<FieldEdit<'_>> {
        let i = self.selected;
        self.inner_mut().field_mut(i)
    }

    pub fn next_field(&mut self) {
        let n = self.fields().len();
        self.selected = (self.selected + 1).min(n.saturating_sub(1));
    }

    pub fn prev_field(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn author() -> Author {
        Author {
            staff: "dr-sato".into(),
            now: time::OffsetDateTime::parse(
                "2026-11-21T01:00:00Z",
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap(),
            today: crate::domain::parse_date("2026-11-21").unwrap(),
            fresh: Fresh(0xabcd),
        }
    }

    pub fn day() -> Date {
        crate::domain::parse_date("2026-11-21").unwrap()
    }
}
