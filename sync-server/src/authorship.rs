//! Authorship: a device may add only changes written by the actor bound to it at enrolment —
//! and the one deterministic genesis change every document starts from, which is written by
//! the all-zero actor on every device alike.
//!
//! Consequence: a device cannot relay another device's changes. Were the server's data lost and
//! restored from an older backup, devices could re-upload only their own changes; the rest must
//! come from a newer backup.

use automerge::{ActorId, Change, ChangeHash};
use enkaku::protocol::{DocError, DocKind, genesis_hash};

/// The genesis change hash of each document kind, computed once.
#[derive(Debug, Clone)]
pub struct Genesis {
    clinic: ChangeHash,
    patient: ChangeHash,
    queue: ChangeHash,
    team: ChangeHash,
}

impl Genesis {
    pub fn compute() -> Result<Genesis, DocError> {
        Ok(Genesis {
            clinic: genesis_hash(DocKind::Clinic)?,
            patient: genesis_hash(DocKind::Patient)?,
            queue: genesis_hash(DocKind::Queue)?,
            team: genesis_hash(DocKind::Team)?,
        })
    }

    pub fn hash(&self, kind: DocKind) -> ChangeHash {
        match kind {
            DocKind::Clinic => self.clinic,
            DocKind::Patient => self.patient,
            DocKind::Queue => self.queue,
            DocKind::Team => self.team,
        }
    }
}

/// A change the sending device had no right to add.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change {hash} is by actor {actor}, not by the device's actor")]
pub struct ForeignChange {
    pub hash: ChangeHash,
    pub actor: String,
}

/// Checks every change a message added to a document of `kind`.
pub fn check_authors(
    changes: &[Change],
    device_actor: &ActorId,
    kind: DocKind,
    genesis: &Genesis,
) -> Result<(), ForeignChange> {
    for change in changes {
        let actor = change.actor_id();
        if actor == device_actor {
            continue;
        }
        let is_genesis = actor.to_bytes().iter().all(|b| *b == 0)
            && actor.to_bytes().len() == 16
            && change.hash() == genesis.hash(kind);
        if !is_genesis {
            return Err(ForeignChange {
                hash: change.hash(),
                actor: actor.to_hex_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::{CommitOptions, Transactable};
    use automerge::{Automerge, ObjType, ROOT};

    use super::*;

    fn zero() -> ActorId {
        ActorId::from(&[0u8; 16][..])
    }

    /// The genesis of a patient document, built as every Enkaku peer builds it.
    fn patient_genesis() -> Automerge {
        let mut doc = Automerge::new().with_actor(zero());
        let mut tx = doc.transaction();
        tx.put(ROOT, "kind", "patient").unwrap();
        for key in [
            "allergies",
            "medications",
            "identity_checks",
            "consents",
            "care_plans",
            "encounters",
        ] {
            tx.put_object(ROOT, key, ObjType::Map).unwrap();
        }
        tx.commit_with(CommitOptions::default().with_time(0));
        doc
    }

    #[test]
    fn the_device_actor_and_the_genesis_pass_and_anything_else_fails() {
        let genesis = Genesis::compute().unwrap();
        let device = ActorId::from(&[7u8; 16][..]);
        let mut doc = patient_genesis();
        assert_eq!(doc.get_heads(), vec![genesis.hash(DocKind::Patient)]);
        doc.set_actor(device.clone());
        doc.transact(|tx| tx.put(ROOT, "care_team", "north"))
            .unwrap();
        let changes = doc.get_changes(&[]);
        assert_eq!(changes.len(), 2);
        assert!(check_authors(&changes, &device, DocKind::Patient, &genesis).is_ok());
        // The patient genesis in a queue document is not the queue genesis.
        assert!(check_authors(&changes, &device, DocKind::Queue, &genesis).is_err());
        let other = ActorId::from(&[8u8; 16][..]);
        assert!(check_authors(&changes, &other, DocKind::Patient, &genesis).is_err());

        // A second change by the zero actor is not the genesis.
        doc.set_actor(zero());
        doc.transact(|tx| tx.put(ROOT, "care_team", "south"))
            .unwrap();
        let changes = doc.get_changes(&[]);
        let err = check_authors(&changes, &device, DocKind::Patient, &genesis).unwrap_err();
        assert_eq!(err.actor, "0".repeat(32));
    }
}
