-- What a paired screen draws: 'main', 'totem', 'side' or 'lobby' (kiosk.ceremony.model.LAYOUTS), chosen
-- per screen on the console; NULL lets the screen take the layout its shape calls for.
ALTER TABLE devices ADD COLUMN layout TEXT CHECK (layout IN ('main', 'totem', 'side', 'lobby'));
