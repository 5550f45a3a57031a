//! The clinic-day queue (受付・待合): reservations and walk-ins for one day, each with its
//! status and the history of how it got there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Date, Instant, VisitKind};

/// One clinic-day's queue document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueDay {
    pub clinic: String,
    pub date: Date,
    #[serde(default)]
    pub entries: BTreeMap<String, QueueEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: String,
    pub patient_id: String,
    /// Reserved time, `HH:MM` (JST).
    pub time: String,
    pub visit: VisitKind,
    pub status: QueueStatus,
    /// Staff id of the assigned doctor.
    #[serde(default)]
    pub doctor: Option<String>,
    /// A pre-consult (診療前相談) was held before this first online visit.
    #[serde(default)]
    pub pre_consult_done: bool,
    /// The identity check made at check-in, by id in the patient document.
    #[serde(default)]
    pub identity_check: Option<String>,
    /// Where the reservation came from: `web`, `phone`, `walk_in`, `demo`.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub memo: String,
    /// Why the visit was cancelled, as the front desk wrote it.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// When the doctor signed the encounter of this visit: "session ended" and "signed" are
    /// different states for the front desk (billing waits for the signature).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub signed_at: Option<Instant>,
    /// 会計: what the patient owes for this visit and whether it is paid. Enkaku records the
    /// state; it does not process payments.
    #[serde(default)]
    pub payment: Option<Payment>,
    /// The place of the visit in the home-care team's route for the day (smallest first), as
    /// the nurse arranged it; unset, visits follow their time.
    #[serde(default)]
    pub route_order: Option<u32>,
    /// The nurse asked the doctor to join this visit on video (D to P with N).
    #[serde(default)]
    pub consult_request: Option<super::ConsultRequest>,
    /// Every status change, keyed so that changes made on two devices both survive a merge.
    #[serde(default)]
    pub history: BTreeMap<String, StatusChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueStatus {
    /// 予約.
    Reserved,
    /// 受付済.
    CheckedIn,
    /// 待機中 (logged in and waiting for the doctor).
    Waiting,
    /// 診察中.
    InSession,
    /// 完了.
    Done,
    /// 対面診療へ切替.
    SwitchedToInPerson,
    /// 取消.
    Cancelled,
}

impl QueueStatus {
    pub const ALL: [QueueStatus; 7] = [
        QueueStatus::Reserved,
        QueueStatus::CheckedIn,
        QueueStatus::Waiting,
        QueueStatus::InSession,
        QueueStatus::Done,
        QueueStatus::SwitchedToInPerson,
        QueueStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueStatus::Reserved => "reserved",
            QueueStatus::CheckedIn => "checked_in",
            QueueStatus::Waiting => "waiting",
            QueueStatus::InSession => "in_session",
            QueueStatus::Done => "done",
            QueueStatus::SwitchedToInPerson => "switched_to_in_person",
            QueueStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<QueueStatus> {
        QueueStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub to: QueueStatus,
    /// Staff id.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Instant,
}

/// The payment (会計) of one visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// 請求額 in yen.
    pub amount_yen: u32,
    pub method: PaymentMethod,
    pub paid: bool,
    /// Staff id of whoever recorded it.
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// クレジットカード.
    Card,
    /// 現金.
    Cash,
    /// 銀行振込.
    BankTransfer,
    /// 後日払い.
    Deferred,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::BankTransfer,
        PaymentMethod::Deferred,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Cash => "cash",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Deferred => "deferred",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }
}
