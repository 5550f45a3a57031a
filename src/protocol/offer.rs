//! The first message of a sync exchange, sent with the changes themselves: a peer that keeps
//! the heads it last shared with the other side can assume the other side still holds exactly
//! those, and send what came since in the same message, instead of a Bloom filter that must be
//! answered before any change moves. On a 600 ms link that saves a round trip per exchange.

use automerge::Automerge;
use automerge::sync::{BloomFilter, Capability, Have, Message, State, SyncDoc};

/// A message for `doc` built as if the other side had just said "I hold exactly the shared heads
/// and need nothing else". A side that holds more is sent nothing it lacks; one that holds less
/// answers with its real heads and the ordinary protocol fills the gap. A side that never had the
/// document gets it whole, as a compact saved document (every Enkaku peer reads version-2
/// messages). `None` when the shared heads are already the document's heads.
pub fn offer(doc: &Automerge, state: &mut State) -> Option<Message> {
    let mut heads = doc.get_heads();
    heads.sort();
    let mut shared = state.shared_heads.clone();
    shared.sort();
    if heads == shared {
        return None;
    }
    let known = !shared.is_empty();
    state.their_heads = Some(shared.clone());
    state.their_need = Some(Vec::new());
    state.their_have = Some(vec![Have {
        last_sync: shared,
        bloom: BloomFilter::default(),
    }]);
    state.their_capabilities = Some(vec![Capability::MessageV2, Capability::SyncReset]);
    if !known {
        return doc.generate_sync_message(state);
    }
    // Automerge sends the whole document once the changes to send are over a third of its
    // changes, counted not weighed: a young document (a patient registered, then three saves of
    // a home visit) goes whole at ten times the bytes of its new changes. Between peers that
    // share heads, the smaller of the two messages goes.
    let mut changes_only = state.clone();
    changes_only.their_capabilities = Some(vec![Capability::SyncReset]);
    let small = doc.generate_sync_message(&mut changes_only);
    let whole = doc.generate_sync_message(state);
    match (small, whole) {
        (Some(small), Some(whole))
            if small.clone().encode().len() < whole.clone().encode().len() =>
        {
            *state = changes_only;
            Some(small)
        }
        (_, whole) => whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    /// A young document (one large creation change) and three small edits since the heads both
    /// sides share: the offer carries the three changes, not the whole document again.
    #[test]
    fn a_few_new_changes_of_a_young_document_go_as_changes() {
        let mut doc = Automerge::new();
        doc.transact(|tx| {
            for i in 0..200 {
                let value = format!("患者記録の値 {i}: {}", i * 7919 % 1009);
                tx.put(automerge::ROOT, format!("field-{i}"), value)?;
            }
            Ok::<_, automerge::AutomergeError>(())
        })
        .expect("creation");
        let mut state = State::new();
        state.shared_heads = doc.get_heads();
        for i in 0..3 {
            doc.transact(|tx| tx.put(automerge::ROOT, "visit", i))
                .expect("edit");
        }
        let whole = doc.save().len();
        let message = offer(&doc, &mut state).expect("a message").encode();
        assert!(
            message.len() * 2 < whole,
            "offer {} B for 3 small changes, document {whole} B",
            message.len()
        );
        // A peer that never had the document still gets it whole.
        let mut fresh = State::new();
        let first = offer(&doc, &mut fresh).expect("a message");
        assert!(first.encode().len() >= whole / 2);
    }
}
