-- How the event writes amounts: the unit ("auto": 亿元 from 1 亿, else 万元; "yi"; "wan") and at most how
-- many decimal places. The exact figure is always amount_wan.
ALTER TABLE event ADD COLUMN money_unit TEXT NOT NULL DEFAULT 'auto' CHECK (money_unit IN ('auto', 'yi', 'wan'));
ALTER TABLE event ADD COLUMN money_decimals INTEGER NOT NULL DEFAULT 2 CHECK (money_decimals BETWEEN 0 AND 4);
