-- mark_seats with a NULL channel sends no notification: the caller announces the commit
-- itself once it has returned (issue 19, writes). Everything else is as in migration
-- lean_mark_seats.
--
-- Why: PostgreSQL makes a transaction that called pg_notify take one lock for the whole
-- cluster at commit and hold it until the commit is over, flush to disk included, so
-- that notifications are queued in commit order. Every notifying commit therefore
-- waits for the previous one's flush: with the notification inside, seat writes could
-- never share a flush, and the database committed one batch per flush whatever the
-- number of connections (pgbench on this machine, 10 clients, one-row UPDATE: 1,500
-- transactions/s alone, 250-300/s with a pg_notify in the same transaction).
--
-- The server on a PostgreSQL server therefore calls mark_seats(changes, NULL) and sends
-- the very same payloads right after the commit, from a session that does not wait for
-- a flush of its own (src/modules/seat/seat.announcer.ts; its transaction changes no
-- data). Embedded PGlite has one connection and nothing to wait for, and still passes
-- the channel. The price is a window between the commit and the announcement: a
-- process that dies in it leaves other instances to find the change by their next
-- notification of that map or their periodic re-read of the log (docs/database.md).
CREATE OR REPLACE FUNCTION "mark_seats"(changes jsonb, channel text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  change jsonb;
  outcomes jsonb[] := '{}';
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
  occupancy text[];
  showing_maint boolean[];
  held int[];
  at timestamptz;
  maintenance_involved boolean;
  done jsonb;
  mine jsonb;
  others jsonb;
  other_showing int;
  -- Per stream key ('<hall id>' or 'showing:<id>'): its committed changes, in order;
  -- only kept when there is a channel to send them on.
  notes jsonb := '{}';
  note record;
  note_text text;
  fast_version int;
  fast_exists boolean;
  fast_found int;
  fast_maintenance boolean;
  fast_seats jsonb;
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

    IF target_showing IS NULL THEN
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(change->'seats') AS t(seat_id int, status text)
      ), locked AS (
        SELECT s.id, s.status AS old_status, i.status::"SeatStatus" AS new_status
        FROM seat s JOIN input i ON i.seat_id = s.id
        WHERE s.hall_id = target
        ORDER BY s.id
        FOR UPDATE OF s
      ), changed AS (
        SELECT * FROM locked WHERE old_status <> new_status
      ), h AS (
        UPDATE hall SET
          version = version + 1,
          seats_vacant = seats_vacant + (SELECT count(*) FILTER (WHERE new_status = 'VACANT') - count(*) FILTER (WHERE old_status = 'VACANT') FROM changed),
          seats_occupied = seats_occupied + (SELECT count(*) FILTER (WHERE new_status = 'OCCUPIED') - count(*) FILTER (WHERE old_status = 'OCCUPIED') FROM changed)
        WHERE id = target
          AND EXISTS (SELECT 1 FROM changed)
          AND (SELECT count(*) FROM locked) = jsonb_array_length(change->'seats')
          AND (expected IS NULL OR version = expected)
          AND NOT EXISTS (SELECT 1 FROM locked WHERE old_status = 'MAINTENANCE' OR new_status = 'MAINTENANCE')
        RETURNING version
      ), t AS (
        -- Read per change, under the locks: now() is the transaction's start.
        SELECT clock_timestamp() AS at FROM h
      ), u AS (
        UPDATE seat s SET status = c.new_status, updated_at = t.at, updated_by = uid
        FROM changed c, t
        WHERE s.id = c.id
        RETURNING s.id, c.old_status, s.status, s.updated_at
      ), e AS (
        INSERT INTO seat_event (hall_id, seat_id, version, old_status, new_status, user_id, created_at)
        SELECT target, c.id, h.version, c.old_status, c.new_status, uid, t.at
        FROM changed c, h, t
      )
      SELECT (SELECT version FROM h),
        -- This statement's snapshot cannot see its own UPDATE of the hall: take h's value.
        COALESCE((SELECT version FROM h), (SELECT version FROM hall WHERE id = target)),
        EXISTS (SELECT 1 FROM hall WHERE id = target),
        (SELECT count(*) FROM locked),
        EXISTS (SELECT 1 FROM locked WHERE old_status = 'MAINTENANCE' OR new_status = 'MAINTENANCE'),
        COALESCE((SELECT jsonb_agg(jsonb_build_object('id', id, 'old_status', old_status, 'status', status, 'updated_at', updated_at) ORDER BY id) FROM u), '[]'::jsonb)
      INTO fast_version, current_version, fast_exists, fast_found, fast_maintenance, fast_seats;
      IF NOT fast_exists THEN
        outcomes := outcomes || jsonb_build_object('version', NULL, 'current', NULL, 'hall_exists', false,
          'showing', NULL, 'found', 0, 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb);
        CONTINUE;
      END IF;
      -- Maintenance involved: nothing was written; the general path does it all.
      IF NOT fast_maintenance THEN
        IF fast_version IS NOT NULL AND channel IS NOT NULL THEN
          notes := notes || jsonb_build_object(target::text, COALESCE(notes->(target::text), '[]') || jsonb_build_array(
            jsonb_build_object('hall_id', target, 'showing_id', NULL, 'version', fast_version, 'seats', fast_seats)));
        END IF;
        outcomes := outcomes || jsonb_build_object('version', fast_version, 'current', current_version, 'hall_exists', true,
          'showing', NULL, 'found', fast_found, 'changed', jsonb_array_length(fast_seats), 'seats', fast_seats, 'others', '[]'::jsonb);
        CONTINUE;
      END IF;
    END IF;

    SELECT version INTO current_version FROM hall WHERE id = target;
    IF NOT FOUND THEN
      outcomes := outcomes || jsonb_build_object('version', NULL, 'current', NULL, 'hall_exists', false,
        'showing', NULL, 'found', 0, 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb);
      CONTINUE;
    END IF;
    IF target_showing IS NOT NULL THEN
      SELECT id, hall_id, status, ends_at, version INTO sh FROM showing WHERE id = target_showing;
      IF NOT FOUND OR sh.hall_id <> target OR sh.status <> 'scheduled' OR sh.ends_at <= now() THEN
        outcomes := outcomes || jsonb_build_object('version', NULL, 'current', sh.version, 'hall_exists', true,
          'showing', CASE WHEN sh.id IS NULL OR sh.hall_id <> target THEN 'not_found' WHEN sh.status <> 'scheduled' THEN 'cancelled' ELSE 'ended' END,
          'found', 0, 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb);
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
      outcomes := outcomes || jsonb_build_object('version', NULL, 'current', current_version, 'hall_exists', true,
        'showing', 'held', 'held', to_jsonb(held), 'found', cardinality(ids), 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb);
      CONTINUE;
    END IF;

    IF cardinality(ids) < jsonb_array_length(change->'seats')
       OR (expected IS NOT NULL AND expected <> current_version) THEN
      outcomes := outcomes || jsonb_build_object('version', NULL, 'current', current_version, 'hall_exists', true,
        'showing', CASE WHEN target_showing IS NULL THEN NULL ELSE 'ok' END,
        'found', cardinality(ids), 'changed', 0, 'seats', '[]'::jsonb, 'others', '[]'::jsonb);
      CONTINUE;
    END IF;

    -- Read per change, under the locks: now() is the transaction's start.
    at := clock_timestamp();
    mine := NULL;
    others := '[]'::jsonb;
    maintenance_involved := 'MAINTENANCE' = ANY (old_statuses) OR 'MAINTENANCE' = ANY (requested);

    -- The hall seats' new statuses: as requested for the hall's own stream; for a showing,
    -- only maintenance moves (set by MAINTENANCE, ended by any other status), so without
    -- maintenance they stay as they are and the hall's own stream is not touched.
    IF target_showing IS NULL THEN
      new_hall := requested;
      mine := seat_apply_hall(target, ids, old_statuses, new_hall, uid, at);
      IF mine IS NOT NULL AND channel IS NOT NULL THEN notes := notes || jsonb_build_object(target::text, COALESCE(notes->(target::text), '[]') || jsonb_build_array(mine)); END IF;
    ELSIF maintenance_involved THEN
      SELECT array_agg(CASE WHEN q = 'MAINTENANCE' THEN 'MAINTENANCE' WHEN o = 'MAINTENANCE' THEN 'VACANT' ELSE o END ORDER BY n)
        INTO new_hall FROM unnest(old_statuses, requested) WITH ORDINALITY AS t(o, q, n);
      done := seat_apply_hall(target, ids, old_statuses, new_hall, uid, at);
      IF done IS NOT NULL THEN
        others := others || jsonb_build_array(done);
        IF channel IS NOT NULL THEN
          notes := notes || jsonb_build_object(target::text, COALESCE(notes->(target::text), '[]') || jsonb_build_array(done));
        END IF;
      END IF;
    ELSE
      new_hall := old_statuses;
    END IF;

    -- Seats entering or leaving maintenance, and whether each enters.
    flip_ids := '{}';
    flip_maint := '{}';
    IF maintenance_involved THEN
      SELECT COALESCE(array_agg(i ORDER BY n), '{}'), COALESCE(array_agg(nw = 'MAINTENANCE' ORDER BY n), '{}')
        INTO flip_ids, flip_maint
      FROM unnest(ids, old_statuses, new_hall) WITH ORDINALITY AS t(i, o, nw, n)
      WHERE (o = 'MAINTENANCE') <> (nw = 'MAINTENANCE');
    END IF;

    IF target_showing IS NOT NULL THEN
      -- The named showing: the requested occupancy (MAINTENANCE is no occupancy: NULL
      -- keeps it) and, per seat, whether it enters maintenance (NULL: no flip).
      IF maintenance_involved THEN
        SELECT array_agg(CASE WHEN q = 'MAINTENANCE' THEN NULL ELSE q END ORDER BY n),
               array_agg(CASE WHEN (o = 'MAINTENANCE') <> (nw = 'MAINTENANCE') THEN nw = 'MAINTENANCE' ELSE NULL END ORDER BY n)
          INTO occupancy, showing_maint
        FROM unnest(old_statuses, requested, new_hall) WITH ORDINALITY AS t(o, q, nw, n);
      ELSE
        occupancy := requested;
        showing_maint := array_fill(NULL::boolean, ARRAY[cardinality(ids)]);
      END IF;
      mine := seat_apply_showing(target_showing, target, ids, occupancy, showing_maint, uid, at);
      IF mine IS NOT NULL AND channel IS NOT NULL THEN
        notes := notes || jsonb_build_object('showing:' || target_showing, COALESCE(notes->('showing:' || target_showing), '[]') || jsonb_build_array(mine));
      END IF;
    END IF;

    -- Maintenance moves every other scheduled showing of the hall that has not ended.
    IF cardinality(flip_ids) > 0 THEN
      FOR other_showing IN
        SELECT id FROM showing
        WHERE hall_id = target AND status = 'scheduled' AND ends_at > now() AND id IS DISTINCT FROM target_showing
        ORDER BY id
      LOOP
        done := seat_apply_showing(other_showing, target, flip_ids, array_fill(NULL::text, ARRAY[cardinality(flip_ids)]), flip_maint, uid, at);
        IF done IS NOT NULL THEN
          others := others || jsonb_build_array(done);
          IF channel IS NOT NULL THEN
            notes := notes || jsonb_build_object('showing:' || other_showing, COALESCE(notes->('showing:' || other_showing), '[]') || jsonb_build_array(done));
          END IF;
        END IF;
      END LOOP;
    END IF;

    outcomes := outcomes || jsonb_build_object(
      'version', mine->'version',
      'current', COALESCE((mine->>'version')::int, current_version),
      'hall_exists', true,
      'showing', CASE WHEN target_showing IS NULL THEN NULL ELSE 'ok' END,
      'found', cardinality(ids),
      'changed', COALESCE(jsonb_array_length(mine->'seats'), 0),
      'seats', COALESCE(mine->'seats', '[]'::jsonb),
      'others', others);
  END LOOP;

  -- One notification per changed stream, with its last version and, when it fits, its
  -- changes; sent at commit only. No channel: the caller announces the commit itself.
  IF channel IS NOT NULL THEN
    FOR note IN SELECT key, value FROM jsonb_each(notes) ORDER BY key LOOP
      note_text := note.value::text;
      PERFORM pg_notify(channel, note.key || ':' || (note.value->-1->>'version')
        || CASE WHEN octet_length(note_text) <= 7000 THEN ' ' || note_text ELSE '' END);
    END LOOP;
  END IF;
  RETURN to_jsonb(outcomes);
END
$$;
