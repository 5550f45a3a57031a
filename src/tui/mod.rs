//! The workstation: a keyboard-driven terminal UI in the Elm style — one `AppState`, `update`
//! without I/O, rendering as a pure function of state, and an event loop that runs the effects.

pub mod editor;
pub mod forms;
pub mod i18n;
pub mod keymap;
pub mod run;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;
