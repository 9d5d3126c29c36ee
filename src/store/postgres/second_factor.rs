//! `SecondFactors` on PostgreSQL (the shared statements).

use async_trait::async_trait;

use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::Timestamp;
use crate::store::StoreResult;

crate::store::sql::second_factor::sql_second_factors!(PgStore);
