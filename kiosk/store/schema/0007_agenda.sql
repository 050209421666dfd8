-- The run of show: the agenda's cues, and what a cue or round entry carries in the log.
CREATE TABLE IF NOT EXISTS cues (
    pk           INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    person       TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    project_ids  TEXT NOT NULL DEFAULT '[]',  -- JSON list of project ids (a round, a handover's keys)
    planned_time TEXT,                        -- 'HH:MM'
    minutes      INTEGER CHECK (minutes IS NULL OR minutes > 0),
    script       TEXT NOT NULL DEFAULT ''
);

-- Every project an entry concerns (a round signed at one moment, its undo); the cue it fired or names; a
-- line for the MC's monitor.
ALTER TABLE log ADD COLUMN project_ids TEXT;
ALTER TABLE log ADD COLUMN cue_id TEXT;
ALTER TABLE log ADD COLUMN text TEXT;
