-- The signing pads (签名上墙, 云签约): each signatory's pad, its attempts at a signature and their strokes;
-- the 签约图's look and the signing rules on the event; what a pad's entries carry in the log.
ALTER TABLE event ADD COLUMN certificate_template TEXT NOT NULL DEFAULT 'classic';
ALTER TABLE event ADD COLUMN ink_color TEXT NOT NULL DEFAULT '#1b1b1b';
ALTER TABLE event ADD COLUMN certificate_background TEXT;
ALTER TABLE event ADD COLUMN signatures_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN sign_on_submit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE log ADD COLUMN pad_id TEXT;
ALTER TABLE log ADD COLUMN signature_id TEXT;

-- ``token`` is the local link's secret, kept in the clear like a card's (the console shows the link
-- again); ``claim_hash`` names the browser that opened it first. The remote link (云签约) is shown once:
-- only its hash is kept.
CREATE TABLE IF NOT EXISTS pads (
    id           TEXT PRIMARY KEY,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    project_id   TEXT NOT NULL,
    party        TEXT NOT NULL CHECK (party IN ('host', 'investor')),
    remote_place TEXT NOT NULL DEFAULT '',
    token        TEXT NOT NULL UNIQUE,
    claim_hash   TEXT,
    remote_hash  TEXT UNIQUE,
    created_at   TEXT NOT NULL
);

-- One attempt of one pad in one run. Rows are never deleted: a cleared (重签) or replaced attempt stays
-- for the record.
CREATE TABLE IF NOT EXISTS signatures (
    id           TEXT PRIMARY KEY,
    run          TEXT NOT NULL,
    pad_id       TEXT NOT NULL,
    project_id   TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    width        REAL NOT NULL,
    height       REAL NOT NULL,
    via          TEXT NOT NULL CHECK (via IN ('local', 'remote')),
    device       TEXT,
    cleared_at   TEXT,
    submitted_at TEXT
);
CREATE INDEX IF NOT EXISTS signatures_pad ON signatures(run, pad_id);

-- The strokes as the pad sent them, batch by batch: [[stroke, x, y, pressure, ms], ...] in the
-- canonical frame (1000 units wide).
CREATE TABLE IF NOT EXISTS strokes (
    signature_id TEXT NOT NULL,
    batch        INTEGER NOT NULL CHECK (batch > 0),
    at           TEXT NOT NULL,
    points       TEXT NOT NULL,
    PRIMARY KEY (signature_id, batch)
);
