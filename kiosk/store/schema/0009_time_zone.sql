-- The venue's time zone (an IANA name): what every page, the report and the exports show a time in. The
-- instants recorded keep their own offsets (the server's zone, KIOSK_TIMEZONE); this only decides how
-- they are written for people.
ALTER TABLE event ADD COLUMN timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
