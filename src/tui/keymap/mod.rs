//! The keymap: one table per mode (each screen, each overlay, the note editor, the help) that
//! dispatches every key and generates the key-hint bar (in pages, see [`hints`]) and the help
//! overlay, so what is shown is always what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the keyboard is talking to: the screen, or the overlay or editor in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    SignIn,
    Queue,
    Chart,
    /// The chart's overview tab, where the facts the rules read are edited.
    ChartOverview,
    Consult,
    /// The administrator's staff list.
    Admin,
    /// The home-care team's visits of the day.
    Visits,
    /// The nurse's record of one visit.
    Visit,
    /// Writing the SOAP note on the consultation screen.
    NoteEditor,
    /// The help overlay.
    Help,
    /// Patient search.
    Search,
    /// Drug search and the prescription line being written.
    Drugs,
    /// A form, by the kind of its selected field: Space toggles a box, ←/→ turn a choice, and
    /// in a text field every key types.
    Form(FieldKind),
    /// The confirm step of a clinical-risk action.
    Confirm,
    /// Registration found patients with the same kana name and date of birth.
    Duplicates,
}

/// The kinds of form field, as far as keys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Toggle,
    Choice,
    Text,
}

impl Mode {
    pub const ALL: [Mode; 17] = [
        Mode::SignIn,
        Mode::Queue,
        Mode::Chart,
        Mode::ChartOverview,
        Mode::Consult,
        Mode::Admin,
        Mode::Visits,
        Mode::Visit,
        Mode::NoteEditor,
        Mode::Help,
        Mode::Search,
        Mode::Drugs,
        Mode::Form(FieldKind::Toggle),
        Mode::Form(FieldKind::Choice),
        Mode::Form(FieldKind::Text),
        Mode::Confirm,
        Mode::Duplicates,
    ];
}

/// What a key asks for, before the state decides what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    /// Turn the hint bar to its next page of keys (after the last, back to the first).
    MoreHints,
    Search,
    Up,
    Down,
    Select,
    Back,
    PrevDay,
    NextDay,
    Today,
    Filter,
    CheckIn,
    AssignDoctor,
    PreConsult,
    OpenChart,
    Consult,
    CancelVisit,
    /// Register a new patient (新規患者登録).
    Register,
    AddReservation,
    WalkIn,
    MoveVisit,
    /// 待機中.
    SetWaiting,
    /// 会計.
    Payment,
    /// Show only the visits still to be paid for.
    OwesFilter,
    NextTab,
    PrevTab,
    RecordConsent,
    NewCarePlan,
    Toggle,
    FocusNext,
    StartVideo,
    /// Write the chief complaint (主訴).
    EditComplaint,
    /// Where the doctor consults from (指針 V.2(1)).
    EditLocation,
    /// Others present and the patient's consent (指針 V.1(6)).
    EditAttendees,
    /// Copy the video room's link to the clipboard (OSC 52) for the front desk.
    CopyRoomLink,
    EditNote,
    AddPrescription,
    RemovePrescription,
    Override,
    EndSession,
    Sign,
    SignOut,
    /// Sync with the server now, whatever the background task's schedule.
    SyncNow,
    /// A digit of the PIN.
    PinDigit,
    PinErase,
    /// Any key the text editor takes: characters, Backspace, Delete, the cursor keys.
    Type,
    NextField,
    PrevField,
    NextOption,
    PrevOption,
    /// Submit the form or the prescription line.
    Save,
    /// Close the overlay without doing anything.
    Dismiss,
    /// Leave the note editor, saving the note.
    SaveNote,
    /// Confirm the clinical-risk action.
    Yes,
    No,
    CloseHelp,
    /// The administrator's staff list, from the queue board.
    OpenAdmin,
    AddStaff,
    EditStaff,
    DeactivateStaff,
    AddAllergy,
    EditFact,
    RemoveFact,
    AddMedication,
    WriteMedication,
    ConfirmMedications,
    EditHistory,
    ToggleKakaritsuke,
    EditProxy,
    IdentitySeen,
    /// Move the selected visit earlier in the team's route (順路).
    RouteUp,
    /// Move the selected visit later in the route.
    RouteDown,
    /// 到着: the nurse arrived at the patient's home.
    Arrive,
    /// 退出: the nurse left.
    Leave,
    RecordVitals,
    /// Observations and care given.
    NursingNote,
    /// Which current medications were taken or missed.
    MedicationsTaken,
    /// A photo taken on the visit, by file name.
    AddPhoto,
    /// Ask the doctor to join the visit on video (D to P with N).
    RequestConsult,
    /// The signed-in doctor makes regular home visits to the patient, or no longer does.
    ToggleHomeVisits,
    /// From the queue board to the team's visits (a nurse of a team).
    OpenVisits,
    /// From the team's visits to the queue board.
    OpenQueue,
    /// Write the 訪問看護指示書 (the doctor, on the chart's overview).
    EditInstructions,
    /// Record an order (指示) to the nurse during a D to P with N consultation.
    RecordOrder,
}

/// Which keys a binding takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// One key, without Ctrl.
    Key(KeyCode),
    /// Ctrl and a letter.
    Ctrl(char),
    /// 0 to 9.
    Digit,
    /// What the text editor takes: characters (Japanese from an input method too), Enter,
    /// Backspace, Delete, arrows, Home, End.
    Text,
    /// Every key.
    Any,
}

impl Keys {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match self {
            Keys::Key(code) => !ctrl && key.code == code,
            Keys::Ctrl(c) => {
                ctrl && matches!(key.code, KeyCode::Char(k) if k.to_ascii_lowercase() == c)
            }
            Keys::Digit => {
                !ctrl && !alt && matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
            }
            Keys::Text => {
                !ctrl
                    && !alt
                    && matches!(
                        key.code,
                        KeyCode::Char(_)
                            | KeyCode::Enter
                            | KeyCode::Backspace
                            | KeyCode::Delete
                            | KeyCode::Left
                            | KeyCode::Right
                            | KeyCode::Up
                            | KeyCode::Down
                            | KeyCode::Home
                            | KeyCode::End
                    )
            }
            Keys::Any => true,
        }
    }

    /// A key this binding takes, for tests and for the help.
    pub fn example(self) -> KeyEvent {
        match self {
            Keys::Key(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Keys::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Keys::Digit => KeyEvent::new(KeyCode::Char('7'), KeyModifiers::NONE),
            Keys::Text => KeyEvent::new(KeyCode::Char('あ'), KeyModifiers::NONE),
            Keys::Any => KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
        }
    }
}

/// One entry of a mode's keymap.
pub struct Binding {
    pub keys: Keys,
    /// The key as printed in hints.
    pub label: &'static str,
    pub command: Command,
    pub ja: &'static str,
    pub en: &'static str,
    /// On the hint bar's first page, in table order. The other bindings follow on the bar's
    /// later pages (all bindings are in the help overlay).
    pub hint: bool,
    /// Shown (in the hint bar and the help) only to staff of this role: the others cannot use
    /// it, so it would only be noise.
    pub only_for: Option<crate::domain::Role>,
}

impl Binding {
    /// Whether a user of `role` (nobody signed in: `None`) is shown this binding.
    pub fn shown_to(&self, role: Option<crate::domain::Role>) -> bool {
        self.only_for.is_none_or(|r| Some(r) == role)
    }
}

pub mod hints;
mod tables;

use tables::*;

/// The bindings of a mode, in the order the hint bar and the help show them; the first one a
/// key matches is what it means.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    let (head, own, tail): (&[Binding], &[Binding], &[Binding]) = match mode {
        Mode::SignIn => (SCREEN_HEAD, SIGN_IN, SCREEN_TAIL),
        Mode::Queue => (SCREEN_HEAD, QUEUE, SCREEN_TAIL),
        Mode::Chart => (SCREEN_HEAD, CHART, SCREEN_TAIL),
        Mode::ChartOverview => (SCREEN_HEAD, CHART_OVERVIEW, SCREEN_TAIL),
        Mode::Consult => (SCREEN_HEAD, CONSULT, SCREEN_TAIL),
        Mode::Admin => (SCREEN_HEAD, ADMIN, SCREEN_TAIL),
        Mode::Visits => (SCREEN_HEAD, VISITS, SCREEN_TAIL),
        Mode::Visit => (SCREEN_HEAD, VISIT, SCREEN_TAIL),
        Mode::NoteEditor => (NOTE_EDITOR, &[], &[]),
        Mode::Help => (HELP_KEYS, &[], &[]),
        Mode::Search => (SEARCH, &[], &[]),
        Mode::Drugs => (DRUGS, &[], &[]),
        Mode::Form(FieldKind::Toggle) => (FORM_COMMON, FORM_TOGGLE, &[]),
        Mode::Form(FieldKind::Choice) => (FORM_COMMON, FORM_CHOICE, &[]),
        Mode::Form(FieldKind::Text) => (FORM_COMMON, FORM_TEXT, &[]),
        Mode::Confirm => (CONFIRM, &[], &[]),
        Mode::Duplicates => (DUPLICATES, &[], &[]),
    };
    head.iter().chain(own.iter()).chain(tail.iter())
}

/// The binding a key means in a mode, if any.
pub fn binding_for(mode: Mode, key: &KeyEvent) -> Option<&'static Binding> {
    bindings(mode).find(|b| b.keys.matches(key))
}

/// The command a key means in a mode.
pub fn command_for(mode: Mode, key: &KeyEvent) -> Option<Command> {
    binding_for(mode, key).map(|b| b.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_binding_is_hidden_behind_an_earlier_one() {
        for mode in Mode::ALL {
            for binding in bindings(mode) {
                let key = binding.keys.example();
                let found = binding_for(mode, &key).map(|b| b.label);
                assert_eq!(
                    found,
                    Some(binding.label),
                    "{mode:?}: {} is shadowed",
                    binding.label
                );
            }
        }
    }

    #[test]
    fn dispatch_uses_the_same_table() {
        let k = KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE);
        assert_eq!(command_for(Mode::Queue, &k), Some(Command::CheckIn));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(command_for(Mode::Consult, &q), Some(Command::Quit));
        assert_eq!(command_for(Mode::SignIn, &k), None);
        // While writing, letters are text and Esc saves.
        assert_eq!(command_for(Mode::NoteEditor, &k), Some(Command::Type));
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(command_for(Mode::NoteEditor, &esc), Some(Command::SaveNote));
        let space = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(
            command_for(Mode::Form(FieldKind::Toggle), &space),
            Some(Command::Toggle)
        );
        assert_eq!(
            command_for(Mode::Form(FieldKind::Text), &space),
            Some(Command::Type)
        );
    }
}
