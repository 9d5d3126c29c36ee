//! `Followup` on SQLite (the shared statements).

use async_trait::async_trait;
use sqlx::Row;

use super::{SqliteStore, rows};
use crate::domain::ids::*;
use crate::domain::model::Timestamp;
use crate::store::StoreResult;

crate::store::sql::followup::sql_followup!(SqliteStore, erase = []);
