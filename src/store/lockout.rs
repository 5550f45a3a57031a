//! Sign-in lockout on this device: wrong PINs in a row per staff member, and until when a member
//! who reached the limit may not sign in. Kept in the store (not in memory) so that restarting the
//! workstation does not give a guesser a fresh set of tries; kept per device (not in a synced
//! document) because it is this terminal that is being guessed at.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, audit};
use crate::domain::Instant;

/// Wrong PINs in a row after which a staff member is locked out. A four-digit PIN has 10,000
/// values: five tries every quarter of an hour make guessing one take weeks at the terminal.
pub const MAX_PIN_FAILURES: u32 = 5;

/// How long a staff member stays locked out after `MAX_PIN_FAILURES` wrong PINs in a row:
/// long enough to stop guessing, short enough that a doctor who mistyped can work again within
/// the session block without an administrator.
pub const LOCKOUT: time::Duration = time::Duration::minutes(15);

/// What a wrong PIN led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinFailure {
    /// Wrong PINs in a row, this one included.
    pub failures: u32,
    /// Set when this failure locked the member out: until when.
    pub locked_until: Option<Instant>,
}

fn rfc3339(at: Instant) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse(text: &str) -> Option<Instant> {
    Instant::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

impl Store {
    /// Until when `staff` is locked out, if they still are at `now`.
    pub fn locked_until(&self, staff: &str, now: Instant) -> Result<Option<Instant>, StoreError> {
        let until: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT locked_until FROM sign_in_failures WHERE staff_id = ?1",
                [staff],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())?;
        Ok(until
            .flatten()
            .as_deref()
            .and_then(parse)
            .filter(|u| *u > now))
    }

    /// Records a wrong PIN for `staff` at `now`, audited as `sign_in.failed`; the fifth in a row
    /// locks the member out for [`LOCKOUT`], audited as `sign_in.locked`. One transaction: the
    /// count and its audit entries are stored together. A lockout that has run out starts the
    /// count again.
    pub fn record_pin_failure(
        &mut self,
        staff: &str,
        now: Instant,
    ) -> Result<PinFailure, StoreError> {
        let device = self.device_id();
        let path = self.path.clone();
        let sql = StoreError::sqlite(&path);
        let tx = self.conn.transaction().map_err(StoreError::sqlite(&path))?;
        let row: Option<(i64, Option<String>)> = tx
            .query_row(
                "SELECT failures, locked_until FROM sign_in_failures WHERE staff_id = ?1",
                [staff],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(StoreError::sqlite(&path))?;
        let before = match row {
            // The previous lockout has run out: this is the first of a new series.
            Some((_, Some(until))) if parse(&until).is_none_or(|u| u <= now) => 0,
            Some((n, _)) => u32::try_from(n).unwrap_or(0),
            None => 0,
        };
        let failures = before + 1;
        let locked_until = (failures >= MAX_PIN_FAILURES).then(|| now + LOCKOUT);
        tx.execute(
            "INSERT INTO sign_in_failures (staff_id, failures, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT(staff_id) DO UPDATE SET failures = excluded.failures,
                 locked_until = excluded.locked_until",
            params![staff, failures, locked_until.map(rfc3339)],
        )
        .map_err(StoreError::sqlite(&path))?;
        audit::append(&tx, &path, &device, staff, "session", "sign_in.failed", "")?;
        if locked_until.is_some() {
            audit::append(&tx, &path, &device, staff, "session", "sign_in.locked", "")?;
            tracing::warn!(staff, "locked out after {failures} wrong PINs in a row");
        }
        tx.commit().map_err(sql)?;
        Ok(PinFailure {
            failures,
            locked_until,
        })
    }

    /// A sign-in attempt while locked out: refused without looking at the PIN, and audited as
    /// `sign_in.refused_locked` so that continued guessing shows in the log.
    pub fn record_locked_attempt(&mut self, staff: &str) -> Result<(), StoreError> {
        let device = self.device_id();
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(StoreError::sqlite(&path))?;
        audit::append(
            &tx,
            &path,
            &device,
            staff,
            "session",
            "sign_in.refused_locked",
            "",
        )?;
        tx.commit().map_err(StoreError::sqlite(&path))
    }

    /// A correct PIN: the count of wrong ones starts again.
    pub fn clear_pin_failures(&mut self, staff: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sign_in_failures WHERE staff_id = ?1", [staff])
            .map_err(self.sql_err())?;
        Ok(())
    }
}
