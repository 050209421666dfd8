-- The first schema (kiosk 0.1). Later changes are the numbered files after this one, applied once each.
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS event (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    title    TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    date     TEXT NOT NULL DEFAULT '',
    venue    TEXT NOT NULL DEFAULT '',
    host     TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'zh',
    theme    TEXT NOT NULL DEFAULT 'red',
    primary_color TEXT,  -- '#rrggbb' overrides of the theme; NULL: the theme's own
    accent_color  TEXT,
    logo          TEXT,  -- file names under <data>/media/
    background    TEXT
);

-- pk AUTOINCREMENT so an id is never reused after a replaced running order.
CREATE TABLE IF NOT EXISTS projects (
    pk              INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    investor        TEXT NOT NULL,
    amount_wan      INTEGER NOT NULL CHECK (amount_wan >= 0),
    land_mu         TEXT,
    industry        TEXT,
    signatories     TEXT NOT NULL DEFAULT '[]',
    summary         TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS projects_id ON projects(id);

-- A run is one pass of the show: a rehearsal, or the live ceremony. Starting a new run starts a clean log
-- (seq back at 1); the old run's log stays here, archived, never deleted.
CREATE TABLE IF NOT EXISTS runs (
    id         TEXT PRIMARY KEY,
    mode       TEXT NOT NULL CHECK (mode IN ('rehearsal', 'live')),
    started_at TEXT NOT NULL,
    ended_at   TEXT
);

-- The append-only log: the state on every screen is a fold over the current run's entries. Nothing here is
-- updated or deleted.
CREATE TABLE IF NOT EXISTS log (
    run        TEXT NOT NULL REFERENCES runs(id),
    seq        INTEGER NOT NULL,
    command_id TEXT,
    action     TEXT NOT NULL,
    project_id TEXT,
    screen     TEXT,
    undoes     INTEGER,
    at         TEXT NOT NULL,
    device     TEXT,
    PRIMARY KEY (run, seq),
    UNIQUE (run, command_id)
);

-- Every command received, with the answer given: a repeated command_id gets the same answer back.
CREATE TABLE IF NOT EXISTS commands (
    run         TEXT NOT NULL REFERENCES runs(id),
    command_id  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    device      TEXT,
    request     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    response    TEXT NOT NULL,
    seq         INTEGER,
    PRIMARY KEY (run, command_id)
);

-- The golden key: one concierge card per project. The token is the card's secret address (/c/<token>).
CREATE TABLE IF NOT EXISTS cards (
    project_id     TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    token          TEXT NOT NULL UNIQUE,
    contact_name   TEXT,
    contact_title  TEXT,
    contact_phone  TEXT,
    contact_email  TEXT,
    contact_wechat TEXT,
    services       TEXT,  -- JSON list; NULL: the event's default list
    notes          TEXT,
    rotated_at     TEXT
);
