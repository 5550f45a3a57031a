//! Scope: which documents a device may see, create and write, and who a document belongs to.
//! The clinic boundary is structural — a device's clinic is part of every document key it can
//! reach — and within a clinic a device enrolled with a care team reaches only what belongs to
//! that team.
//!
//! Who a document belongs to follows from its id and the server's own record, never from a
//! field its writer controls:
//!
//! - `clinic` and the clinic's queue of a day (`queue/<clinic>/<day>`) belong to the clinic: a
//!   care-team device never sees, creates or writes them.
//! - A team queue (`queue/<clinic>/<day>/<team>`) and a roster (`team/<team>`) belong to the team
//!   their id names. A team device reaches only its own team's; it never writes a roster (the
//!   roster tells it who of the team signs in, so only a clinic-wide device writes it).
//! - A patient (`patient/<id>`) belongs to the care team the server recorded for it, or to the
//!   clinic when none is recorded. A team device's new patient is recorded as its team's, and
//!   its root `care_team` must say so; a clinic-wide device's new patient is recorded as its root
//!   `care_team` says.
//!
//! Moving a patient to another team (or to the whole clinic, or from it to a team) changes who
//! receives the record, so it is privileged: only a clinic-wide device of the front desk or of a
//! doctor may change a patient's `care_team`. A change from anyone else that alters it is
//! refused (see [`crate::exchange`] for how), and the recorded team does not move.

use enkaku::domain::Role;
use enkaku::protocol::{DocId, DocKind};

/// The kinds of document a care-team device can reach (those that can belong to a team).
pub const TEAM_KINDS: [DocKind; 3] = [DocKind::Patient, DocKind::Queue, DocKind::Team];

/// A device's reach: its clinic, its care team when it has one, and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub clinic_id: String,
    pub care_team: Option<String>,
    /// `None` for a role this server does not know, which holds no privilege.
    pub role: Option<Role>,
}

/// Why a device's change to one document is not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The document does not belong to the device's scope (or would not, once created).
    #[error("outside the device's scope")]
    OutsideScope,
    /// A team device writing its team's roster.
    #[error("a care team's roster is written by clinic-wide devices only")]
    Roster,
    /// A patient created by a team device whose root `care_team` names another team, or none.
    #[error("a new patient of care team {recorded} must name that team as its care_team")]
    ForeignTeam { recorded: String },
    /// A change of a patient's `care_team` by a device that may not move patients.
    #[error(
        "changing a patient's care_team needs a clinic-wide front desk or doctor device (recorded: {})",
        .recorded.as_deref().unwrap_or("the whole clinic")
    )]
    Retag { recorded: Option<String> },
}

impl Scope {
    /// Whether a stored document lies within this scope; `recorded` is the care team the server
    /// recorded for it.
    pub fn admits(&self, id: &DocId, recorded: Option<&str>) -> bool {
        let Some(team) = &self.care_team else {
            return true;
        };
        match id.kind() {
            DocKind::Clinic => false,
            DocKind::Queue | DocKind::Team => id.named_team() == Some(team.as_str()),
            DocKind::Patient => recorded == Some(team.as_str()),
        }
    }

    /// Whether this device may move a patient from one care team to another: a clinic-wide
    /// device of the front desk or of a doctor.
    pub fn may_change_care_team(&self) -> bool {
        self.care_team.is_none() && matches!(self.role, Some(Role::FrontDesk | Role::Doctor))
    }

    /// The care team the server records for a document this device creates, whose root names
    /// `root_team`; or why the creation is refused.
    pub fn creation(&self, id: &DocId, root_team: Option<&str>) -> Result<Option<String>, Refusal> {
        let owner = match id.kind() {
            DocKind::Clinic => None,
            DocKind::Queue | DocKind::Team => id.named_team().map(str::to_string),
            DocKind::Patient => match &self.care_team {
                Some(team) if root_team != Some(team.as_str()) => {
                    return Err(Refusal::ForeignTeam {
                        recorded: team.clone(),
                    });
                }
                Some(team) => Some(team.clone()),
                None => root_team.map(str::to_string),
            },
        };
        self.check_write(id, owner.as_deref())?;
        Ok(owner)
    }

    /// The care team the server records for a stored document, recorded as `recorded`, after
    /// this device's changes leave `root_team` at its root; or why the changes are refused.
    pub fn update(
        &self,
        id: &DocId,
        recorded: Option<&str>,
        root_team: Option<&str>,
    ) -> Result<Option<String>, Refusal> {
        self.check_write(id, recorded)?;
        match id.kind() {
            // Named by the id: neither the root nor an older record matters.
            DocKind::Clinic | DocKind::Queue | DocKind::Team => {
                Ok(id.named_team().map(str::to_string))
            }
            DocKind::Patient if root_team == recorded => Ok(recorded.map(str::to_string)),
            DocKind::Patient if self.may_change_care_team() => Ok(root_team.map(str::to_string)),
            DocKind::Patient => Err(Refusal::Retag {
                recorded: recorded.map(str::to_string),
            }),
        }
    }

    /// Whether this device may write a document belonging to `owner`.
    fn check_write(&self, id: &DocId, owner: Option<&str>) -> Result<(), Refusal> {
        if !self.admits(id, owner) {
            return Err(Refusal::OutsideScope);
        }
        if self.care_team.is_some() && id.kind() == DocKind::Team {
            return Err(Refusal::Roster);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> DocId {
        DocId::parse(text).unwrap()
    }

    fn scope(team: Option<&str>, role: Role) -> Scope {
        Scope {
            clinic_id: "c".into(),
            care_team: team.map(str::to_string),
            role: Some(role),
        }
    }

    #[test]
    fn a_care_team_reaches_only_its_own_patients_queues_and_roster() {
        let clinic_wide = scope(None, Role::FrontDesk);
        let team = scope(Some("north"), Role::Nurse);
        for doc in ["clinic", "patient/p", "queue/c/2026-12-03", "team/south"] {
            assert!(clinic_wide.admits(&id(doc), None));
            assert!(clinic_wide.admits(&id(doc), Some("south")));
        }
        assert!(team.admits(&id("patient/p"), Some("north")));
        assert!(!team.admits(&id("patient/p"), Some("south")));
        assert!(!team.admits(&id("patient/p"), None));
        // Whatever the server recorded, a queue or roster belongs to the team its id names.
        assert!(!team.admits(&id("clinic"), Some("north")));
        assert!(!team.admits(&id("queue/c/2026-12-03"), Some("north")));
        assert!(!team.admits(&id("queue/c/2026-12-03/south"), Some("north")));
        assert!(team.admits(&id("queue/c/2026-12-03/north"), None));
        assert!(team.admits(&id("team/north"), None));
        assert!(!team.admits(&id("team/south"), Some("north")));
    }

    #[test]
    fn a_team_device_creates_only_inside_its_namespace() {
        let team = scope(Some("north"), Role::Nurse);
        let outside = Err(Refusal::OutsideScope);
        assert_eq!(team.creation(&id("clinic"), Some("north")), outside);
        assert_eq!(
            team.creation(&id("queue/c/2026-12-03"), Some("north")),
            outside
        );
        assert_eq!(
            team.creation(&id("queue/c/2026-12-03/south"), Some("north")),
            outside
        );
        assert_eq!(
            team.creation(&id("queue/c/2026-12-03/north"), None),
            Ok(Some("north".into()))
        );
        assert_eq!(
            team.creation(&id("team/north"), Some("north")),
            Err(Refusal::Roster)
        );
        assert_eq!(
            team.creation(&id("patient/p"), Some("north")),
            Ok(Some("north".into()))
        );
        for root in [Some("south"), None] {
            assert_eq!(
                team.creation(&id("patient/p"), root),
                Err(Refusal::ForeignTeam {
                    recorded: "north".into()
                })
            );
        }
        // A clinic-wide device records what the id names, and a new patient's own care_team.
        let desk = scope(None, Role::FrontDesk);
        assert_eq!(
            desk.creation(&id("queue/c/2026-12-03"), Some("north")),
            Ok(None)
        );
        assert_eq!(
            desk.creation(&id("queue/c/2026-12-03/south"), Some("north")),
            Ok(Some("south".into()))
        );
        assert_eq!(
            desk.creation(&id("patient/p"), Some("south")),
            Ok(Some("south".into()))
        );
    }

    #[test]
    fn only_a_clinic_wide_front_desk_or_doctor_moves_a_patient() {
        let p = id("patient/p");
        let nurse = scope(Some("north"), Role::Nurse);
        let retag = |recorded: Option<&str>| {
            Err(Refusal::Retag {
                recorded: recorded.map(str::to_string),
            })
        };
        assert_eq!(
            nurse.update(&p, Some("north"), Some("north")),
            Ok(Some("north".into()))
        );
        assert_eq!(
            nurse.update(&p, Some("north"), Some("south")),
            retag(Some("north"))
        );
        assert_eq!(nurse.update(&p, Some("north"), None), retag(Some("north")));
        for role in [Role::Nurse, Role::Admin] {
            let clinic_wide = scope(None, role);
            assert_eq!(clinic_wide.update(&p, None, Some("north")), retag(None));
            assert_eq!(clinic_wide.update(&p, None, None), Ok(None));
        }
        for role in [Role::FrontDesk, Role::Doctor] {
            let clinic_wide = scope(None, role);
            assert_eq!(
                clinic_wide.update(&p, Some("north"), Some("south")),
                Ok(Some("south".into()))
            );
            assert_eq!(clinic_wide.update(&p, Some("north"), None), Ok(None));
        }
        // A clinic-wide device of a role this server does not know moves nothing either; and
        // the root of a queue never moves it.
        let unknown = Scope {
            role: None,
            ..scope(None, Role::Doctor)
        };
        assert_eq!(unknown.update(&p, None, Some("north")), retag(None));
        let q = id("queue/c/2026-12-03/north");
        assert_eq!(
            nurse.update(&q, Some("north"), Some("south")),
            Ok(Some("north".into()))
        );
        assert_eq!(
            nurse.update(&id("team/north"), Some("north"), None),
            Err(Refusal::Roster)
        );
    }
}
