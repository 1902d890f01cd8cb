-- CreateEnum
CREATE TYPE "ShowingStatus" AS ENUM ('scheduled', 'cancelled');

-- AlterEnum: HELD, only in showings (a box office's hold, migration holds).
ALTER TYPE "SeatStatus" ADD VALUE 'HELD';

-- CreateTable
CREATE TABLE "showing" (
    "id" SERIAL NOT NULL,
    "hall_id" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ShowingStatus" NOT NULL DEFAULT 'scheduled',
    "version" INTEGER NOT NULL DEFAULT 0,
    "seats_occupied" INTEGER NOT NULL DEFAULT 0,
    "seats_maintenance" INTEGER NOT NULL DEFAULT 0,
    "seats_held" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT transaction_timestamp(),

    CONSTRAINT "showing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "showing_seat" (
    "showing_id" INTEGER NOT NULL,
    "seat_id" INTEGER NOT NULL,
    "status" "SeatStatus" NOT NULL DEFAULT 'VACANT',
    "maintenance" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" INTEGER,
    "hold_id" UUID,

    CONSTRAINT "showing_seat_pkey" PRIMARY KEY ("showing_id","seat_id")
);

-- CreateTable
CREATE TABLE "showing_event" (
    "id" BIGSERIAL NOT NULL,
    "showing_id" INTEGER NOT NULL,
    "seat_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "old_status" "SeatStatus" NOT NULL,
    "new_status" "SeatStatus" NOT NULL,
    "user_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "showing_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "showing_hall_id_starts_at_idx" ON "showing"("hall_id", "starts_at");

-- CreateIndex
CREATE INDEX "showing_ends_at_idx" ON "showing"("ends_at");

-- CreateIndex
CREATE INDEX "showing_seat_seat_id_idx" ON "showing_seat"("seat_id");

-- CreateIndex
CREATE INDEX "showing_event_seat_id_idx" ON "showing_event"("seat_id");

-- CreateIndex
CREATE UNIQUE INDEX "showing_event_showing_id_version_seat_id_key" ON "showing_event"("showing_id", "version", "seat_id");

-- AddForeignKey
ALTER TABLE "showing" ADD CONSTRAINT "showing_hall_id_fkey" FOREIGN KEY ("hall_id") REFERENCES "hall"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_seat" ADD CONSTRAINT "showing_seat_showing_id_fkey" FOREIGN KEY ("showing_id") REFERENCES "showing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_seat" ADD CONSTRAINT "showing_seat_seat_id_fkey" FOREIGN KEY ("seat_id") REFERENCES "seat"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_seat" ADD CONSTRAINT "showing_seat_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_event" ADD CONSTRAINT "showing_event_showing_id_fkey" FOREIGN KEY ("showing_id") REFERENCES "showing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_event" ADD CONSTRAINT "showing_event_seat_id_fkey" FOREIGN KEY ("seat_id") REFERENCES "seat"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "showing_event" ADD CONSTRAINT "showing_event_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Two scheduled showings of one hall never overlap: [starts_at, ends_at) ranges, so one
-- may start the moment the previous ends; and a showing ends after it starts. A trigger,
-- not an exclusion (or CHECK) constraint: Prisma's schema engine panics describing either
-- on PostgreSQL (docs/database.md, "Adapter defects worked around", 1), and an exclusion
-- on hall_id would need the btree_gist extension, which PGlite lacks. The trigger takes
-- the hall's row lock first, the lock every seat writer takes, so concurrent writes for
-- one hall check one after another, each seeing the other's committed row (READ
-- COMMITTED: every statement of the function reads anew); rows written earlier by the
-- same statement (a bulk create) are visible to it too.
CREATE FUNCTION "showing_no_overlap"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.ends_at <= NEW.starts_at THEN
    RAISE EXCEPTION 'showing_ends_after_start: showing % of hall % ends before it starts', NEW.id, NEW.hall_id USING ERRCODE = '23514';
  END IF;
  IF NEW.status <> 'scheduled' THEN
    RETURN NEW;
  END IF;
  PERFORM 1 FROM hall WHERE id = NEW.hall_id FOR UPDATE;
  IF EXISTS (
    SELECT 1 FROM showing
    WHERE hall_id = NEW.hall_id AND status = 'scheduled' AND id <> NEW.id
      AND starts_at < NEW.ends_at AND NEW.starts_at < ends_at
  ) THEN
    RAISE EXCEPTION 'showing_no_overlap: another scheduled showing of hall % overlaps % - %', NEW.hall_id, NEW.starts_at, NEW.ends_at USING ERRCODE = '23P01';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "showing_no_overlap" BEFORE INSERT OR UPDATE OF hall_id, starts_at, ends_at, status ON "showing"
  FOR EACH ROW EXECUTE FUNCTION showing_no_overlap();

-- mark_seats, now for halls and showings. What changed from migration group_commit:
--
-- * A change may name a showing ({"showing_id": n}): it sets the occupancy of that
--   showing's seats, and its expected_version is the showing's.
-- * MAINTENANCE belongs to the hall seat (seat.status), whichever stream a change names:
--   a seat entering or leaving maintenance changes the hall's own stream AND every
--   scheduled showing of the hall that has not ended (database clock), each one version,
--   in this same transaction. A change to VACANT or OCCUPIED of a seat under maintenance,
--   in a showing, ends the maintenance (the seat was fixed).
-- * Each outcome lists, besides the named stream's result, the other streams it changed
--   ("others": [{hall_id, showing_id, version, seats}]), so the writer can deliver them
--   at once; NOTIFY payloads are '<hall id>:<version>' and 'showing:<id>:<version>'.
--
-- Lock order is unchanged: the batch's halls, in id order, then seats in id order. Every
-- writer of a showing's seats (and showing.create/move/cancel) holds its hall's row lock
-- first, so the hall row serialises everything that touches the hall's seat maps.

-- Applies new statuses to a hall's own stream: one version, events, counts. NULL when
-- no status differs. ids/old/new are aligned; seats are locked by the caller.
CREATE FUNCTION "seat_apply_hall"(target int, ids int[], old_statuses text[], new_statuses text[], uid int, at timestamptz) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  result jsonb;
BEGIN
  WITH changed AS (
    SELECT t.id, t.old_status::"SeatStatus" AS old_status, t.new_status::"SeatStatus" AS new_status
    FROM unnest(ids, old_statuses, new_statuses) AS t(id, old_status, new_status)
    WHERE t.old_status <> t.new_status
  ), h AS (
    UPDATE hall SET
      version = version + 1,
      seats_vacant = seats_vacant + (SELECT count(*) FILTER (WHERE new_status = 'VACANT') - count(*) FILTER (WHERE old_status = 'VACANT') FROM changed),
      seats_occupied = seats_occupied + (SELECT count(*) FILTER (WHERE new_status = 'OCCUPIED') - count(*) FILTER (WHERE old_status = 'OCCUPIED') FROM changed),
      seats_maintenance = seats_maintenance + (SELECT count(*) FILTER (WHERE new_status = 'MAINTENANCE') - count(*) FILTER (WHERE old_status = 'MAINTENANCE') FROM changed)
    WHERE id = target AND EXISTS (SELECT 1 FROM changed)
    RETURNING version
  ), u AS (
    UPDATE seat s SET status = c.new_status, updated_at = at, updated_by = uid
    FROM changed c, h
    WHERE s.id = c.id
    RETURNING s.id
  ), e AS (
    INSERT INTO seat_event (hall_id, seat_id, version, old_status, new_status, user_id, created_at)
    SELECT target, c.id, h.version, c.old_status, c.new_status, uid, at
    FROM changed c, h
  )
  SELECT jsonb_build_object(
    'hall_id', target, 'showing_id', NULL, 'version', h.version,
    'seats', (SELECT jsonb_agg(jsonb_build_object('id', c.id, 'old_status', c.old_status, 'status', c.new_status, 'updated_at', at) ORDER BY c.id) FROM changed c)
  ) INTO result
  FROM h;
  RETURN result;
END
$$;

-- Applies to one showing: `occ` (VACANT/OCCUPIED, NULL = keep) and `maint` (NULL = keep)
-- per seat, aligned with ids. One version, events and counts when an effective status
-- (MAINTENANCE if under maintenance, else the occupancy) changes; NULL when none does.
CREATE FUNCTION "seat_apply_showing"(target int, target_hall int, ids int[], occ text[], maint boolean[], uid int, at timestamptz) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  result jsonb;
BEGIN
  WITH cur AS (
    SELECT t.id,
      COALESCE(ss.status::text, 'VACANT') AS o_occ, COALESCE(ss.maintenance, false) AS o_maint,
      COALESCE(t.occ, ss.status::text, 'VACANT') AS n_occ, COALESCE(t.maint, ss.maintenance, false) AS n_maint
    FROM unnest(ids, occ, maint) AS t(id, occ, maint)
    LEFT JOIN showing_seat ss ON ss.showing_id = target AND ss.seat_id = t.id
  ), eff AS (
    SELECT id, n_occ, n_maint, (o_occ <> n_occ OR o_maint <> n_maint) AS stored_changed,
      (CASE WHEN o_maint THEN 'MAINTENANCE' ELSE o_occ END)::"SeatStatus" AS old_status,
      (CASE WHEN n_maint THEN 'MAINTENANCE' ELSE n_occ END)::"SeatStatus" AS new_status
    FROM cur
  ), changed AS (
    SELECT * FROM eff WHERE old_status <> new_status
  ), h AS (
    UPDATE showing SET
      version = version + 1,
      seats_occupied = seats_occupied + (SELECT count(*) FILTER (WHERE new_status = 'OCCUPIED') - count(*) FILTER (WHERE old_status = 'OCCUPIED') FROM changed),
      seats_maintenance = seats_maintenance + (SELECT count(*) FILTER (WHERE new_status = 'MAINTENANCE') - count(*) FILTER (WHERE old_status = 'MAINTENANCE') FROM changed),
      seats_held = seats_held + (SELECT count(*) FILTER (WHERE new_status = 'HELD') - count(*) FILTER (WHERE old_status = 'HELD') FROM changed)
    WHERE id = target AND EXISTS (SELECT 1 FROM changed)
    RETURNING version
  ), u AS (
    INSERT INTO showing_seat (showing_id, seat_id, status, maintenance, updated_at, updated_by)
    SELECT target, e.id, e.n_occ::"SeatStatus", e.n_maint, at, uid FROM eff e WHERE e.stored_changed
    ON CONFLICT (showing_id, seat_id) DO UPDATE
      SET status = excluded.status, maintenance = excluded.maintenance, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
        hold_id = CASE WHEN excluded.status = 'HELD' THEN showing_seat.hold_id END
  ), e AS (
    INSERT INTO showing_event (showing_id, seat_id, version, old_status, new_status, user_id, created_at)
    SELECT target, c.id, h.version, c.old_status, c.new_status, uid, at
    FROM changed c, h
  )
  SELECT jsonb_build_object(
    'hall_id', target_hall, 'showing_id', target, 'version', h.version,
    'seats', (SELECT jsonb_agg(jsonb_build_object('id', c.id, 'old_status', c.old_status, 'status', c.new_status, 'updated_at', at) ORDER BY c.id) FROM changed c)
  ) INTO result
  FROM h;
  RETURN result;
END
$$;

-- $changes: [{"hall_id": int, "showing_id": int|null, "seats": [{"seat_id": int, "status": text}],
--             "expected_version": int|null, "user_id": int|null}, ...]
-- Returns one object per change, in order: {"version": the named stream's new version or
-- null when nothing was written to it, "current": its version after this change (or when
-- refused), "hall_exists", "showing": null | "ok" | "not_found" | "cancelled" | "ended",
-- "found", "changed", "seats": [{id, old_status, status, updated_at}], "others": [...]}.
CREATE OR REPLACE FUNCTION "mark_seats"(changes jsonb, channel text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  change jsonb;
  outcomes jsonb := '[]'::jsonb;
  target int;
  target_showing int;
  uid int;
  expected int;
  sh record;
  current_version int;
  ids int[];
  old_statuses text[];
  requested text[];
  new_hall text[];
  flip_ids int[];
  flip_maint boolean[];
  held int[];
  at timestamptz;
  streams jsonb;
  done jsonb;
  mine jsonb;
  other_showing int;
  changed_halls int[] := '{}';
  changed_showings int[] := '{}';
BEGIN
  PERFORM 1 FROM hall
  WHERE id IN (SELECT (c->>'hall_id')::int FROM jsonb_array_elements(changes) c)
  ORDER BY id
  FOR UPDATE;

  FOR change IN SELECT value FROM jsonb_array_elements(changes) LOOP
    target := (change->>'hall_id')::int;
    target_showing := (change->>'showing_id')::int;
    uid := (change->>'user_id')::int;
    expected := (change->>'expected_version')::int;

    SELECT version INTO current_version FROM hall WHERE id = target;
    IF NOT FOUND THEN
      outcomes := outcomes || jsonb_build_array(jsonb_build_object('version', NULL, 'current', NULL, 'hall_exists', false,
        'showing', NULL, 'found', 0, 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb));
      CONTINUE;
    END IF;
    IF target_showing IS NOT NULL THEN
      SELECT id, hall_id, status, ends_at, version INTO sh FROM showing WHERE id = target_showing;
      IF NOT FOUND OR sh.hall_id <> target OR sh.status <> 'scheduled' OR sh.ends_at <= now() THEN
        outcomes := outcomes || jsonb_build_array(jsonb_build_object('version', NULL, 'current', sh.version, 'hall_exists', true,
          'showing', CASE WHEN sh.id IS NULL OR sh.hall_id <> target THEN 'not_found' WHEN sh.status <> 'scheduled' THEN 'cancelled' ELSE 'ended' END,
          'found', 0, 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb));
        CONTINUE;
      END IF;
      current_version := sh.version;
    END IF;

    -- The requested seats of this hall, locked in id order.
    SELECT COALESCE(array_agg(s.id ORDER BY s.id), '{}'), COALESCE(array_agg(s.status::text ORDER BY s.id), '{}'),
           COALESCE(array_agg(i.status ORDER BY s.id), '{}')
      INTO ids, old_statuses, requested
    FROM (
      SELECT id, status FROM seat
      WHERE hall_id = target AND id IN (SELECT (el.value->>'seat_id')::int FROM jsonb_array_elements(change->'seats') el)
      ORDER BY id FOR UPDATE
    ) s
    JOIN jsonb_to_recordset(change->'seats') AS i(seat_id int, status text) ON i.seat_id = s.id;

    -- A held seat is the box office's until its hold ends (migration holds): no staff
    -- change sells or frees it (MAINTENANCE, the hall seat's, still applies).
    held := '{}';
    IF target_showing IS NOT NULL THEN
      SELECT COALESCE(array_agg(ss.seat_id ORDER BY ss.seat_id), '{}') INTO held
      FROM showing_seat ss JOIN unnest(ids, requested) AS t(i, q) ON ss.seat_id = t.i
      WHERE ss.showing_id = target_showing AND ss.status = 'HELD' AND t.q <> 'MAINTENANCE';
    END IF;
    IF cardinality(held) > 0 THEN
      outcomes := outcomes || jsonb_build_array(jsonb_build_object('version', NULL, 'current', current_version, 'hall_exists', true,
        'showing', 'held', 'held', to_jsonb(held), 'found', cardinality(ids), 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb));
      CONTINUE;
    END IF;

    IF cardinality(ids) < jsonb_array_length(change->'seats')
       OR (expected IS NOT NULL AND expected <> current_version) THEN
      outcomes := outcomes || jsonb_build_array(jsonb_build_object('version', NULL, 'current', current_version, 'hall_exists', true,
        'showing', CASE WHEN target_showing IS NULL THEN NULL ELSE 'ok' END,
        'found', cardinality(ids), 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb));
      CONTINUE;
    END IF;

    -- Read per change, under the locks: now() is the transaction's start.
    at := clock_timestamp();
    streams := '[]'::jsonb;

    -- The hall seats' new statuses: as requested for the hall's own stream; for a showing,
    -- only maintenance moves (set by MAINTENANCE, ended by any other status).
    IF target_showing IS NULL THEN
      new_hall := requested;
    ELSE
      SELECT array_agg(CASE WHEN q = 'MAINTENANCE' THEN 'MAINTENANCE' WHEN o = 'MAINTENANCE' THEN 'VACANT' ELSE o END ORDER BY n)
        INTO new_hall FROM unnest(old_statuses, requested) WITH ORDINALITY AS t(o, q, n);
    END IF;
    done := seat_apply_hall(target, ids, old_statuses, new_hall, uid, at);
    IF done IS NOT NULL THEN streams := streams || jsonb_build_array(done); END IF;

    SELECT COALESCE(array_agg(i ORDER BY n), '{}'), COALESCE(array_agg(nw = 'MAINTENANCE' ORDER BY n), '{}')
      INTO flip_ids, flip_maint
    FROM unnest(ids, old_statuses, new_hall) WITH ORDINALITY AS t(i, o, nw, n)
    WHERE (o = 'MAINTENANCE') <> (nw = 'MAINTENANCE');

    IF target_showing IS NOT NULL THEN
      SELECT array_agg(CASE WHEN q = 'MAINTENANCE' THEN NULL ELSE q END ORDER BY n),
             array_agg(CASE WHEN (o = 'MAINTENANCE') <> (nw = 'MAINTENANCE') THEN nw = 'MAINTENANCE' ELSE NULL END ORDER BY n)
        INTO requested, flip_maint
      FROM unnest(old_statuses, requested, new_hall) WITH ORDINALITY AS t(o, q, nw, n);
      done := seat_apply_showing(target_showing, target, ids, requested, flip_maint, uid, at);
      IF done IS NOT NULL THEN streams := streams || jsonb_build_array(done); END IF;
      -- flip_maint was rebuilt for the named showing; rebuild it for the others.
      SELECT COALESCE(array_agg(nw = 'MAINTENANCE' ORDER BY n), '{}') INTO flip_maint
      FROM unnest(ids, old_statuses, new_hall) WITH ORDINALITY AS t(i, o, nw, n)
      WHERE (o = 'MAINTENANCE') <> (nw = 'MAINTENANCE');
    END IF;

    IF cardinality(flip_ids) > 0 THEN
      FOR other_showing IN
        SELECT id FROM showing
        WHERE hall_id = target AND status = 'scheduled' AND ends_at > now() AND id IS DISTINCT FROM target_showing
        ORDER BY id
      LOOP
        done := seat_apply_showing(other_showing, target, flip_ids, array_fill(NULL::text, ARRAY[cardinality(flip_ids)]), flip_maint, uid, at);
        IF done IS NOT NULL THEN streams := streams || jsonb_build_array(done); END IF;
      END LOOP;
    END IF;

    -- Split the named stream's result from the others.
    SELECT s INTO mine FROM jsonb_array_elements(streams) s
    WHERE (s->>'showing_id')::int IS NOT DISTINCT FROM target_showing;
    outcomes := outcomes || jsonb_build_array(jsonb_build_object(
      'version', mine->'version',
      'current', COALESCE((mine->>'version')::int, current_version),
      'hall_exists', true,
      'showing', CASE WHEN target_showing IS NULL THEN NULL ELSE 'ok' END,
      'found', cardinality(ids),
      'changed', COALESCE(jsonb_array_length(mine->'seats'), 0),
      'seats', COALESCE(mine->'seats', '[]'::jsonb),
      'others', COALESCE((SELECT jsonb_agg(s) FROM jsonb_array_elements(streams) s
                          WHERE (s->>'showing_id')::int IS DISTINCT FROM target_showing), '[]'::jsonb)));

    SELECT changed_halls || COALESCE(array_agg((s->>'hall_id')::int), '{}') INTO changed_halls
      FROM jsonb_array_elements(streams) s WHERE s->'showing_id' = 'null'::jsonb;
    SELECT changed_showings || COALESCE(array_agg((s->>'showing_id')::int), '{}') INTO changed_showings
      FROM jsonb_array_elements(streams) s WHERE s->'showing_id' <> 'null'::jsonb;
  END LOOP;

  -- One notification per changed stream, with its last version; sent at commit only.
  PERFORM pg_notify(channel, id::text || ':' || version::text) FROM hall WHERE id = ANY (changed_halls) ORDER BY id;
  PERFORM pg_notify(channel, 'showing:' || id::text || ':' || version::text) FROM showing WHERE id = ANY (changed_showings) ORDER BY id;
  RETURN outcomes;
END
$$;
