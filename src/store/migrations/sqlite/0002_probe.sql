-- One row rewritten by readiness checks: proof that the store accepts writes.
CREATE TABLE store_probe (
    id         INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL
);
