//! Sync planning, with no I/O: from the documents marked dirty locally and each server reply,
//! which documents a round carries messages for, how those messages are built, which of them
//! are worth a round trip, and when the session is over. The session in [`super::client`] is a
//! thin layer that does what this decides.

use std::collections::BTreeSet;

use crate::protocol::DocId;

/// Rounds of one session before it stops (each round is one request); the next session goes on
/// from the cursor the last round saved.
pub const MAX_ROUNDS: usize = 16;
/// Documents one request carries at most; the rest wait for the next round. With
/// [`MAX_REQUEST_BYTES`], a first upload of any size goes in requests far below the server's
/// body limit.
pub const MAX_DOCS_PER_REQUEST: usize = 500;
/// Message bytes one request carries before the rest wait for the next round (a single larger
/// document still goes, alone).
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// How a round's messages are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compose {
    /// The first round: each message carries the document's changes since the heads last
    /// shared ([`crate::protocol::offer`]), so a one-field edit travels in one round trip.
    Offer,
    /// Later rounds: the ordinary Automerge protocol, answering what the server said.
    Reply,
}

/// What the server's reply to a round told the planner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// Documents the server sent messages for.
    pub received: Vec<DocId>,
    /// The server has more changed documents than fitted in the reply.
    pub more: bool,
    /// Documents still marked dirty locally after the reply was applied.
    pub still_dirty: Vec<DocId>,
}

/// The planner's state across the rounds of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    round: usize,
    candidates: Vec<DocId>,
    more: bool,
    sent: BTreeSet<DocId>,
    received: BTreeSet<DocId>,
    /// Documents left out of a full request, not offered yet: offered in a later round.
    unoffered: BTreeSet<DocId>,
}

impl Plan {
    /// A session over the documents marked dirty (changed here since the server last had them).
    pub fn new(dirty: Vec<DocId>) -> Plan {
        Plan {
            round: 0,
            candidates: dirty,
            more: false,
            sent: BTreeSet::new(),
            received: BTreeSet::new(),
            unoffered: BTreeSet::new(),
        }
    }

    /// How the message for `id` is built this round: as the round composes, except that a
    /// document left out of a full request is offered (with its changes) when its turn comes.
    pub fn how(&self, id: &DocId) -> Compose {
        if self.round == 0 || self.unoffered.contains(id) {
            Compose::Offer
        } else {
            Compose::Reply
        }
    }

    /// Whether a request already holding `docs` messages of `bytes` bytes takes another.
    pub fn room(&self, docs: usize, bytes: usize) -> bool {
        docs < MAX_DOCS_PER_REQUEST && bytes < MAX_REQUEST_BYTES
    }

    /// Records documents left out of this round's request because it was full: the next
    /// round composes them again.
    pub fn defer(&mut self, docs: impl IntoIterator<Item = DocId>) {
        self.unoffered.extend(docs);
    }

    /// The session stopped at its last round with work left: the server had more, or
    /// documents of this device were not offered yet. Another session goes on from here.
    pub fn pending(&self) -> bool {
        self.round >= MAX_ROUNDS && (self.more || !self.unoffered.is_empty())
    }

    /// The documents to build a message for this round, and how; `None` when the session is
    /// over.
    pub fn compose(&self) -> Option<(&[DocId], Compose)> {
        if self.round >= MAX_ROUNDS {
            return None;
        }
        let how = if self.round == 0 {
            Compose::Offer
        } else {
            Compose::Reply
        };
        Some((&self.candidates, how))
    }

    /// Whether a message built this round goes in the request. After the first round, a message
    /// that only announces heads is an acknowledgement: not worth a round trip on a slow link.
    /// The cursor already covers those documents, and the next session settles the shared heads.
    pub fn worth_sending(&self, only_acknowledges: bool) -> bool {
        self.round == 0 || !only_acknowledges
    }

    /// Whether the round's request goes out, given how many messages it carries. The first
    /// always does (it fetches what changed on the server since the cursor); a later one only
    /// when it carries something or the server said it has more.
    pub fn exchange(&self, messages: usize) -> bool {
        self.round == 0 || messages > 0 || self.more
    }

    /// Records the documents a sent request carried messages for.
    pub fn sent(&mut self, docs: impl IntoIterator<Item = DocId>) {
        for id in docs {
            self.unoffered.remove(&id);
            self.sent.insert(id);
        }
    }

    /// Takes in the server's reply and plans the next round: the documents the server spoke
    /// about, then those this session sent that are still dirty (they may have more to say).
    pub fn after(&mut self, reply: Reply) {
        self.candidates = reply.received.clone();
        for id in reply.still_dirty {
            if !self.candidates.contains(&id) && self.sent.contains(&id) {
                self.candidates.push(id);
            }
        }
        for id in &self.unoffered {
            if !self.candidates.contains(id) {
                self.candidates.push(id.clone());
            }
        }
        self.received.extend(reply.received);
        self.more = reply.more;
        self.round += 1;
    }

    /// Documents this device sent messages for during the session.
    pub fn docs_sent(&self) -> usize {
        self.sent.len()
    }

    /// Documents the server sent messages for during the session.
    pub fn docs_received(&self) -> usize {
        self.received.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<DocId> {
        names
            .iter()
            .map(|n| DocId::parse(n).expect("test id"))
            .collect()
    }

    /// One scripted round: what the plan should compose, which composed messages are only
    /// acknowledgements, and the server's reply.
    struct Round {
        expect: Option<(&'static [&'static str], Compose)>,
        acks: &'static [&'static str],
        expect_exchange: bool,
        received: &'static [&'static str],
        more: bool,
        still_dirty: &'static [&'static str],
    }

    /// Runs the plan through `rounds` as the session does and checks every decision.
    fn run(case: &str, dirty: &[&str], rounds: &[Round], sent: usize, received: usize) {
        let mut plan = Plan::new(ids(dirty));
        for (n, r) in rounds.iter().enumerate() {
            let composed: Option<(Vec<String>, Compose)> = plan
                .compose()
                .map(|(docs, how)| (docs.iter().map(|d| d.to_string()).collect(), how));
            let expected: Option<(Vec<String>, Compose)> = r
                .expect
                .map(|(docs, how)| (docs.iter().map(|d| d.to_string()).collect(), how));
            assert_eq!(composed, expected, "{case}: round {n} composes");
            let Some((docs, _)) = plan.compose().map(|(d, h)| (d.to_vec(), h)) else {
                return;
            };
            let going: Vec<DocId> = docs
                .into_iter()
                .filter(|d| plan.worth_sending(r.acks.contains(&d.as_str())))
                .collect();
            assert_eq!(
                plan.exchange(going.len()),
                r.expect_exchange,
                "{case}: round {n} exchanges"
            );
            if !r.expect_exchange {
                assert_eq!(n + 1, rounds.len(), "{case}: the session ends at round {n}");
                break;
            }
            plan.sent(going);
            plan.after(Reply {
                received: ids(r.received),
                more: r.more,
                still_dirty: ids(r.still_dirty),
            });
        }
        assert_eq!(plan.docs_sent(), sent, "{case}: documents sent");
        assert_eq!(plan.docs_received(), received, "{case}: documents received");
    }

    const NONE: &[&str] = &[];

    #[test]
    fn sessions_follow_the_plan() {
        // An idle check-in: one request with the cursor only, then nothing to say.
        run(
            "idle",
            NONE,
            &[
                Round {
                    expect: Some((NONE, Compose::Offer)),
                    acks: NONE,
                    expect_exchange: true,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
                Round {
                    expect: Some((NONE, Compose::Reply)),
                    acks: NONE,
                    expect_exchange: false,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
            ],
            0,
            0,
        );
        // A one-field edit: offered with its change, the server acknowledges, and the device's
        // acknowledgement of the acknowledgement is not worth a second round trip.
        run(
            "one edit",
            &["patient/p1"],
            &[
                Round {
                    expect: Some((&["patient/p1"], Compose::Offer)),
                    acks: NONE,
                    expect_exchange: true,
                    received: &["patient/p1"],
                    more: false,
                    still_dirty: NONE,
                },
                Round {
                    expect: Some((&["patient/p1"], Compose::Reply)),
                    acks: &["patient/p1"],
                    expect_exchange: false,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
            ],
            1,
            1,
        );
        // The server holds more than one reply carries: the device asks again even with
        // nothing of its own to say.
        run(
            "more on the server",
            NONE,
            &[
                Round {
                    expect: Some((NONE, Compose::Offer)),
                    acks: NONE,
                    expect_exchange: true,
                    received: &["patient/a"],
                    more: true,
                    still_dirty: NONE,
                },
                Round {
                    expect: Some((&["patient/a"], Compose::Reply)),
                    acks: &["patient/a"],
                    expect_exchange: true,
                    received: &["patient/b"],
                    more: false,
                    still_dirty: NONE,
                },
                Round {
                    expect: Some((&["patient/b"], Compose::Reply)),
                    acks: &["patient/b"],
                    expect_exchange: false,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
            ],
            0,
            2,
        );
        // A document sent and still dirty (the server asked for more of it) is composed again,
        // after the ones the server spoke about; a dirty one never sent is not.
        run(
            "still dirty",
            &["patient/x", "clinic"],
            &[
                Round {
                    expect: Some((&["patient/x", "clinic"], Compose::Offer)),
                    acks: NONE,
                    expect_exchange: true,
                    received: &["queue/c1/2026-12-01"],
                    more: false,
                    still_dirty: &["patient/x", "patient/new"],
                },
                Round {
                    expect: Some((&["queue/c1/2026-12-01", "patient/x"], Compose::Reply)),
                    acks: NONE,
                    expect_exchange: true,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
                Round {
                    expect: Some((NONE, Compose::Reply)),
                    acks: NONE,
                    expect_exchange: false,
                    received: NONE,
                    more: false,
                    still_dirty: NONE,
                },
            ],
            3,
            1,
        );
    }

    #[test]
    fn a_full_request_leaves_the_rest_for_the_next_round_as_offers() {
        let dirty = ids(&["patient/a", "patient/b", "patient/c"]);
        let mut plan = Plan::new(dirty.clone());
        assert!(plan.room(MAX_DOCS_PER_REQUEST - 1, 0));
        assert!(!plan.room(MAX_DOCS_PER_REQUEST, 0));
        assert!(!plan.room(1, MAX_REQUEST_BYTES));
        // Only `a` fitted.
        plan.sent(ids(&["patient/a"]));
        plan.defer(ids(&["patient/b", "patient/c"]));
        plan.after(Reply {
            received: ids(&["patient/a"]),
            more: false,
            still_dirty: ids(&["patient/b", "patient/c"]),
        });
        let (next, _) = plan.compose().expect("another round");
        assert_eq!(next, &ids(&["patient/a", "patient/b", "patient/c"])[..]);
        assert_eq!(plan.how(&dirty[0]), Compose::Reply);
        assert_eq!(plan.how(&dirty[1]), Compose::Offer);
        assert!(plan.exchange(2));
        plan.sent(ids(&["patient/b", "patient/c"]));
        assert_eq!(plan.how(&dirty[1]), Compose::Reply);
        assert!(!plan.pending());
    }

    #[test]
    fn a_session_cut_by_its_last_round_says_work_is_pending() {
        let mut plan = Plan::new(Vec::new());
        for _ in 0..MAX_ROUNDS {
            assert!(!plan.pending());
            plan.after(Reply {
                received: ids(&["patient/a"]),
                more: true,
                still_dirty: Vec::new(),
            });
        }
        assert!(plan.pending());
    }

    #[test]
    fn a_session_stops_after_the_last_round() {
        let mut plan = Plan::new(Vec::new());
        for _ in 0..MAX_ROUNDS {
            assert!(plan.compose().is_some());
            plan.after(Reply {
                received: ids(&["patient/a"]),
                more: true,
                still_dirty: Vec::new(),
            });
        }
        assert_eq!(plan.compose(), None);
    }
}
