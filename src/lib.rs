//! Enkaku (遠隔): an online-consultation workstation that keeps a clinic inside the MHLW
//! 「オンライン診療の適切な実施に関する指針」, offline first.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod drugs;
pub mod reservations;
pub mod rules;
pub mod store;
pub mod sync;
#[cfg(feature = "tui")]
pub mod tui;
