//! The document vocabulary every peer shares: what a document id may be, what kind of document
//! it names, and the deterministic genesis change each kind starts from.

use std::fmt;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType};

use crate::domain::{Date, format_date, parse_date};

/// Why a document id or a genesis is not what the protocol allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("invalid identifier {0:?}: use letters, digits, '-' and '_'")]
    InvalidId(String),
    #[error("genesis of {kind}: {reason}")]
    Genesis { kind: &'static str, reason: String },
}

/// What a document holds; decides its genesis, its index rows and who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Clinic,
    Patient,
    Queue,
    /// A home-care team's roster: who of the team signs in on its devices, which never receive
    /// the clinic document.
    Team,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Clinic => "clinic",
            DocKind::Patient => "patient",
            DocKind::Queue => "queue",
            DocKind::Team => "team",
        }
    }

    /// The maps every document of this kind starts with. They are created by the genesis change
    /// so that two devices adding to them concurrently add to the same map.
    pub fn collections(self) -> &'static [&'static str] {
        match self {
            DocKind::Clinic => &["staff", "care_teams", "partner_hospitals"],
            DocKind::Patient => &[
                "allergies",
                "medications",
                "identity_checks",
                "consents",
                "care_plans",
                "encounters",
            ],
            DocKind::Queue => &["entries"],
            DocKind::Team => &["members"],
        }
    }
}

/// Checks that an identifier is safe to embed in a document id.
pub fn check_id(id: &str) -> Result<(), DocError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(DocError::InvalidId(id.to_string()))
    }
}

/// A document id: `clinic`, `patient/<id>`, `queue/<clinic>/<YYYY-MM-DD>` or, for the patients
/// of a care team, `queue/<clinic>/<YYYY-MM-DD>/<team>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(String);

impl DocId {
    pub fn clinic() -> DocId {
        DocId("clinic".into())
    }

    pub fn patient(id: &str) -> Result<DocId, DocError> {
        check_id(id)?;
        Ok(DocId(format!("patient/{id}")))
    }

    pub fn queue(clinic: &str, day: Date) -> Result<DocId, DocError> {
        check_id(clinic)?;
        Ok(DocId(format!("queue/{clinic}/{}", format_date(day))))
    }

    /// The queue of a clinic-day for the patients of one care team: a document of its own, so
    /// that the team's devices can be sent it without the rest of the clinic's queue.
    pub fn team_queue(clinic: &str, day: Date, team: &str) -> Result<DocId, DocError> {
        check_id(clinic)?;
        check_id(team)?;
        Ok(DocId(format!("queue/{clinic}/{}/{team}", format_date(day))))
    }

    /// The roster of the care team `team` (`team/<team>`).
    pub fn team(team: &str) -> Result<DocId, DocError> {
        check_id(team)?;
        Ok(DocId(format!("team/{team}")))
    }

    /// The day of a queue document.
    pub fn queue_date(&self) -> Option<Date> {
        let mut parts = self.0.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("queue"), Some(_), Some(day)) => parse_date(day).ok(),
            _ => None,
        }
    }

    /// Parses and validates a document id from outside (a sync peer, a file).
    pub fn parse(text: &str) -> Result<DocId, DocError> {
        let bad = || DocError::InvalidId(text.to_string());
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            ["clinic"] => Ok(DocId::clinic()),
            ["patient", id] => DocId::patient(id),
            ["team", team] => DocId::team(team),
            ["queue", clinic, day] => {
                let date = parse_date(day).map_err(|_| bad())?;
                DocId::queue(clinic, date)
            }
            ["queue", clinic, day, team] => {
                let date = parse_date(day).map_err(|_| bad())?;
                DocId::team_queue(clinic, date, team)
            }
            _ => Err(bad()),
        }
    }

    pub fn kind(&self) -> DocKind {
        if self.0 == "clinic" {
            DocKind::Clinic
        } else if self.0.starts_with("patient/") {
            DocKind::Patient
        } else if self.0.starts_with("team/") {
            DocKind::Team
        } else {
            DocKind::Queue
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The care team an id names: the team of a team queue (`queue/<clinic>/<day>/<team>`) or of
    /// a roster (`team/<team>`). Such a document belongs to that team whatever it holds.
    pub fn named_team(&self) -> Option<&str> {
        let parts: Vec<&str> = self.0.split('/').collect();
        match parts.as_slice() {
            ["queue", _, _, team] | ["team", team] => Some(team),
            _ => None,
        }
    }

    /// The patient id of a patient document.
    pub fn patient_id(&self) -> Option<&str> {
        self.0.strip_prefix("patient/")
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The actor of every genesis change: fixed, so that the same document created on two devices
/// starts from byte-identical changes and merges instead of conflicting.
pub fn genesis_actor() -> ActorId {
    ActorId::from(&[0u8; 16][..])
}

/// A document of `kind` holding only its genesis change, with `actor` set for what comes next.
pub fn genesis(kind: DocKind, actor: &ActorId) -> Result<Automerge, DocError> {
    let failed = |e: automerge::AutomergeError| DocError::Genesis {
        kind: kind.as_str(),
        reason: e.to_string(),
    };
    let mut doc = Automerge::new().with_actor(genesis_actor());
    let mut tx = doc.transaction();
    tx.put(automerge::ROOT, "kind", kind.as_str())
        .map_err(failed)?;
    for key in kind.collections() {
        tx.put_object(automerge::ROOT, *key, ObjType::Map)
            .map_err(failed)?;
    }
    tx.commit_with(CommitOptions::default().with_time(0));
    doc.set_actor(actor.clone());
    Ok(doc)
}

/// The hash of the genesis change every document of `kind` starts from. A sync server accepts
/// changes from the fixed genesis actor only when they are exactly this change.
pub fn genesis_hash(kind: DocKind) -> Result<automerge::ChangeHash, DocError> {
    let doc = genesis(kind, &ActorId::random())?;
    doc.get_heads()
        .first()
        .copied()
        .ok_or_else(|| DocError::Genesis {
            kind: kind.as_str(),
            reason: "no change".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_to_themselves_and_bad_ones_are_refused() {
        for id in [
            "clinic",
            "patient/p-1",
            "queue/c1/2026-11-21",
            "queue/c1/2026-11-21/team-kita",
            "team/team-kita",
        ] {
            assert_eq!(DocId::parse(id).map(|d| d.to_string()).as_deref(), Ok(id));
        }
        let named = |id: &str| DocId::parse(id).unwrap().named_team().map(str::to_string);
        assert_eq!(
            named("queue/c1/2026-11-21/team-kita").as_deref(),
            Some("team-kita")
        );
        assert_eq!(named("team/team-kita").as_deref(), Some("team-kita"));
        for id in ["clinic", "patient/p-1", "queue/c1/2026-11-21"] {
            assert_eq!(named(id), None, "{id}");
        }
        for bad in [
            "",
            "patient/",
            "patient/a b",
            "patient/x/y",
            "queue/c1/not-a-date",
            "clinic/extra",
            "PATIENT/p1",
            "../../etc/passwd",
        ] {
            assert!(
                matches!(DocId::parse(bad), Err(DocError::InvalidId(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_genesis_is_the_same_on_every_device() {
        for kind in [
            DocKind::Clinic,
            DocKind::Patient,
            DocKind::Queue,
            DocKind::Team,
        ] {
            let a = genesis(kind, &ActorId::random()).expect("genesis");
            let b = genesis(kind, &ActorId::random()).expect("genesis");
            assert_eq!(a.get_heads(), b.get_heads());
            assert_eq!(a.get_heads(), vec![genesis_hash(kind).expect("hash")]);
        }
        assert_ne!(genesis_hash(DocKind::Patient), genesis_hash(DocKind::Queue));
    }
}
