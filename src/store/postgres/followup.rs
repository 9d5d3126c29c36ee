//! `Followup` on PostgreSQL (the shared statements).

use async_trait::async_trait;
use sqlx::Row;

use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::Timestamp;
use crate::store::StoreResult;

crate::store::sql::followup::sql_followup!(
    PgStore,
    erase = [
        "DELETE FROM message_search WHERE organization_id = $1 AND session_id = $2",
        "DELETE FROM message_outbox WHERE organization_id = $1 AND session_id = $2"
    ]
);
