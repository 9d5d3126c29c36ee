//! The message search index (FTS5) is written once per transaction, not once per message.
//! FTS5 writes its pending terms out as a new segment whenever a statement inside the
//! transaction opens a savepoint, which every message insert does: from a trigger, the index
//! cost a segment per message. Instead, a transaction that inserts messages notes the newest
//! row before its first insert and, before it commits, indexes every row after it in one
//! statement: it holds SQLite's only write lock, so those rows are its own. Deleted messages
//! still leave the index by trigger (`messages_fts_delete`).

/// The newest message row so far (0 when there is none).
pub const NEWEST_ROW: &str = "SELECT COALESCE(MAX(rowid), 0) FROM messages";
/// Indexes every message row after `$1`.
pub const INDEX_AFTER: &str = "INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages WHERE rowid > $1";

/// `NEWEST_ROW` in an sqlx transaction.
pub async fn newest_row(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar(NEWEST_ROW).fetch_one(conn).await
}

/// `INDEX_AFTER` in an sqlx transaction.
pub async fn index_after(conn: &mut sqlx::SqliteConnection, newest: i64) -> sqlx::Result<()> {
    sqlx::query(INDEX_AFTER)
        .bind(newest)
        .execute(conn)
        .await
        .map(drop)
}
