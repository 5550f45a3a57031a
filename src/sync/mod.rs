//! The client side of sync: the session that carries this store's changes to the sync server
//! and back (planned by a pure function, [`plan`]), over HTTP ([`http`]) to the servers it trusts ([`tls`]), and the background
//! task the workstation runs it in. The wire itself is [`crate::protocol`].

pub mod background;
pub mod client;
pub mod http;
pub mod plan;
pub mod tls;
