//! Decoding PostgreSQL rows into domain entities.

crate::store::rows::row_decoders!(sqlx::postgres::PgRow);
