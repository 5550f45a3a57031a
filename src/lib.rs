//! Enkaku (遠隔): an online-consultation workstation that keeps a clinic inside the MHLW
//! 「オンライン診療の適切な実施に関する指針」, offline first.
//!
//! Without the `client` feature only what the sync server shares is built: the plain domain
//! types and [`protocol`]. Everything that needs the local store, the drug master, an HTTP
//! client or a terminal is behind `client` (and `tui`).

pub mod domain;
pub mod protocol;

#[cfg(feature = "client")]
pub mod cli;
#[cfg(feature = "client")]
pub mod config;
#[cfg(feature = "client")]
pub mod demo;
#[cfg(feature = "client")]
pub mod drugs;
#[cfg(feature = "client")]
pub mod patients_import;
#[cfg(feature = "client")]
pub mod private_files;
#[cfg(feature = "client")]
pub mod reservations;
#[cfg(feature = "client")]
pub mod rules;
#[cfg(feature = "client")]
pub mod store;
#[cfg(feature = "client")]
pub mod sync;
#[cfg(feature = "tui")]
pub mod tui;
#[cfg(feature = "client")]
pub mod video;
