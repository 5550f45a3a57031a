//! Sync: the wire protocol shared with the sync server, and the client that carries this
//! store's changes to it and back.

pub mod background;
pub mod client;
pub mod offer;
pub mod protocol;
