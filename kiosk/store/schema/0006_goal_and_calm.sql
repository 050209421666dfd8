-- The wall's running total as a gauge against the planned total with its milestones, and a calm wall
-- (fades only): the organiser's two settings for how the signing looks.
ALTER TABLE event ADD COLUMN show_goal INTEGER NOT NULL DEFAULT 0 CHECK (show_goal IN (0, 1));
ALTER TABLE event ADD COLUMN calm INTEGER NOT NULL DEFAULT 0 CHECK (calm IN (0, 1));
