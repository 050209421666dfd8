-- Everything that holds credentials: a browser logged in with a PIN (kind 'session'), a named API token
-- ('token', with its scope), a paired big screen ('screen'). Only a hash of a token's or a screen's secret
-- is kept; a session's secret is its signed cookie, which names this row. Rows are never deleted: a
-- signed-out device keeps its name and times for the record.
CREATE TABLE IF NOT EXISTS devices (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('session', 'token', 'screen')),
    name        TEXT NOT NULL,
    role        TEXT CHECK (role IN ('viewer', 'operator', 'editor')),
    scope       TEXT CHECK (scope IN ('read', 'control')),
    secret_hash TEXT UNIQUE,
    addr        TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS devices_active ON devices(kind) WHERE revoked_at IS NULL;
