//! Messages in Apache Cassandra (`--cassandra-contact-points`), with PostgreSQL for everything
//! else: `log.rs` is the message log, `split.rs` joins the two with the invariants of one
//! database, `migrate.rs` creates the keyspace.

pub mod copy;
mod log;
mod migrate;
mod split;

pub use log::{CassandraLog, CassandraSettings};
pub use migrate::{Replication, migrate};
pub use split::Split;
