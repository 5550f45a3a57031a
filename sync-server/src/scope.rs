//! Scope: which documents a device may see and write. The clinic boundary is structural — a
//! device's clinic is part of every document key it can reach — and within a clinic a device
//! enrolled with a care team reaches only the patient documents assigned to that team.
//!
//! A device may edit the `care_team` of a patient it can see; the patient then leaves its scope
//! and its copy stops receiving changes.
//!
//! A care team's own queue documents (`queue/<clinic>/<day>/<team>`, which name the team at their
//! root) hold the visits of its patients, so a team device receives those and not the rest of
//! the clinic's queue. It never reaches the clinic document: its own roster (`team/<team>`)
//! tells it who of the team signs in, and only a clinic-wide device may write that roster.

use enkaku::protocol::DocKind;

/// The kinds of document a care-team device can reach (those naming its team at their root).
pub const TEAM_KINDS: [DocKind; 3] = [DocKind::Patient, DocKind::Queue, DocKind::Team];

/// A device's reach: its clinic and, when it has one, its care team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub clinic_id: String,
    pub care_team: Option<String>,
}

impl Scope {
    /// Whether a document of `kind` whose root names `care_team` lies within this scope.
    pub fn admits(&self, kind: DocKind, care_team: Option<&str>) -> bool {
        match &self.care_team {
            None => true,
            Some(team) => TEAM_KINDS.contains(&kind) && care_team == Some(team.as_str()),
        }
    }

    /// Whether this device may add changes to a document of `kind` it can see: a team's roster
    /// holds its members' sign-in records, which only the clinic writes.
    pub fn may_write(&self, kind: DocKind) -> bool {
        self.care_team.is_none() || kind != DocKind::Team
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_care_team_reaches_only_its_own_patients_and_queues() {
        let clinic_wide = Scope {
            clinic_id: "c".into(),
            care_team: None,
        };
        let team = Scope {
            clinic_id: "c".into(),
            care_team: Some("north".into()),
        };
        for kind in [DocKind::Clinic, DocKind::Patient, DocKind::Queue] {
            assert!(clinic_wide.admits(kind, None));
            assert!(clinic_wide.admits(kind, Some("south")));
        }
        assert!(team.admits(DocKind::Patient, Some("north")));
        assert!(!team.admits(DocKind::Patient, Some("south")));
        assert!(!team.admits(DocKind::Patient, None));
        assert!(!team.admits(DocKind::Clinic, Some("north")));
        assert!(team.admits(DocKind::Queue, Some("north")));
        assert!(!team.admits(DocKind::Queue, Some("south")));
        assert!(!team.admits(DocKind::Queue, None));
        assert!(team.admits(DocKind::Team, Some("north")));
        assert!(!team.admits(DocKind::Team, Some("south")));
        assert!(!team.may_write(DocKind::Team), "the roster is the clinic's");
        assert!(team.may_write(DocKind::Patient) && team.may_write(DocKind::Queue));
        assert!(clinic_wide.may_write(DocKind::Team));
    }
}
