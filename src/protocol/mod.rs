//! What the workstation and the sync server share, and nothing else: the document vocabulary
//! (ids, kinds, genesis), the shape a document must have to be read, the wire frames, and the
//! first message of an exchange. No store, no HTTP client: the server links this module without
//! the rest of the client.

pub mod docs;
pub mod frame;
pub mod json;
pub mod offer;
pub mod quote;
pub mod shape;

pub use docs::{DocError, DocId, DocKind, check_id, genesis, genesis_actor, genesis_hash};
pub use frame::*;
pub use offer::offer;
pub use quote::{Quoted, quote};
