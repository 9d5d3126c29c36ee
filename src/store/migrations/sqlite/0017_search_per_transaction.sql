-- Messages enter the search index once per transaction (the writer's batch) instead of by a
-- trigger per row: see `store::sqlite::search_index`.
DROP TRIGGER messages_fts_insert;
