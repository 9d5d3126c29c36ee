-- Devices keep their access tokens coming with a refresh secret: the SHA-256 of the current
-- one, of the one it replaced and when (a replaced secret presented again ends the device).
ALTER TABLE devices ADD COLUMN refresh_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN previous_hash TEXT;
ALTER TABLE devices ADD COLUMN rotated_at TEXT;
