-- Whether the public view (the wall, /api/v1/state without credentials, every viewer's socket) carries
-- the figures of projects not yet announced. Off: a guest on the Wi-Fi learns a project's amount when the
-- room does.
ALTER TABLE event ADD COLUMN publish_in_advance INTEGER NOT NULL DEFAULT 0 CHECK (publish_in_advance IN (0, 1));
