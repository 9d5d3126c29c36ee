//! `SingleSignOn` on PostgreSQL (the shared statements).

use async_trait::async_trait;

use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::Timestamp;
use crate::store::StoreResult;

crate::store::sql::sso::sql_sso!(PgStore);
