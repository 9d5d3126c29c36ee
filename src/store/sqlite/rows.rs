//! Decoding SQLite rows into domain entities.

crate::store::rows::row_decoders!(sqlx::sqlite::SqliteRow);
