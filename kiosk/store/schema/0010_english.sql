-- The English forms of what the organiser types, for an English ceremony: '' (or an empty list) where
-- not given, and the screens then show the Chinese.
ALTER TABLE event ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN subtitle_en TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN venue_en TEXT NOT NULL DEFAULT '';
ALTER TABLE event ADD COLUMN host_en TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN investor_en TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN industry_en TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN signatories_en TEXT NOT NULL DEFAULT '[]';  -- JSON list, as signatories
ALTER TABLE cues ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE cues ADD COLUMN person_en TEXT NOT NULL DEFAULT '';
ALTER TABLE cues ADD COLUMN role_en TEXT NOT NULL DEFAULT '';
ALTER TABLE cues ADD COLUMN script_en TEXT NOT NULL DEFAULT '';
