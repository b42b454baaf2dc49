-- References people read aloud and type (MBR-7K3Q-2H, formkit/references): unique per
-- store. Rows made before this migration get theirs from `formkit db upgrade`
-- (PostgresStore.fill_references), which makes them as new records do.
ALTER TABLE responses ADD COLUMN reference text;
CREATE UNIQUE INDEX responses_reference ON responses (reference);
