-- The index on (hall_id, version) is a prefix of the unique index on (hall_id, version,
-- seat_id), which serves the same reads; dropping it saves one index insert per audit row
-- (issue 19: the database's CPU per seat change).
-- DropIndex
DROP INDEX "seat_event_hall_id_version_idx";
