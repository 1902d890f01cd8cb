-- mark_seats with less work per change (issue 19: the database's CPU per committed change
-- was the write path's largest cost, measured with bench/micro/group-commit.ts). Same
-- input, output, locks, rules and notifications as in migration showings; what changed:
--
-- * A change that involves no MAINTENANCE (no requested seat is under maintenance or is
--   set to it; the common sale) skips the statements that only maintenance needs: the
--   hall seats' new statuses, the flips and the walk over the hall's other showings.
--   For a showing, the hall's own stream is then not touched at all (it was called and
--   found nothing to change).
-- * The named stream's result and the other streams are kept in variables as they are
--   made, instead of being collected in one jsonb array and split again by queries.
-- * Outcomes are appended to a jsonb[] (appended in place by PL/pgSQL) and turned into
--   one jsonb array at the end, instead of copying a growing jsonb array per change.
-- * The NOTIFY of a stream carries what the call committed to it, so other instances
--   apply it without reading the log: '<hint> <changes>', where <hint> is as before
--   ('<hall id>:<version>' or 'showing:<id>:<version>', the stream's last version) and
--   <changes> the JSON array of the stream's committed changes in this call, each
--   {hall_id, showing_id, version, seats: [{id, old_status, status, updated_at}]}. When
--   that would not fit in a notification (8000 bytes), the hint is sent alone and the
--   listeners read the log, as they do for every other notifier (the hold functions).
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
  -- Per stream key ('<hall id>' or 'showing:<id>'): its committed changes, in order.
  notes jsonb := '{}';
  note record;
  note_text text;
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
      IF mine IS NOT NULL THEN notes := notes || jsonb_build_object(target::text, COALESCE(notes->(target::text), '[]') || jsonb_build_array(mine)); END IF;
    ELSIF maintenance_involved THEN
      SELECT array_agg(CASE WHEN q = 'MAINTENANCE' THEN 'MAINTENANCE' WHEN o = 'MAINTENANCE' THEN 'VACANT' ELSE o END ORDER BY n)
        INTO new_hall FROM unnest(old_statuses, requested) WITH ORDINALITY AS t(o, q, n);
      done := seat_apply_hall(target, ids, old_statuses, new_hall, uid, at);
      IF done IS NOT NULL THEN
        others := others || jsonb_build_array(done);
        notes := notes || jsonb_build_object(target::text, COALESCE(notes->(target::text), '[]') || jsonb_build_array(done));
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
      IF mine IS NOT NULL THEN
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
          notes := notes || jsonb_build_object('showing:' || other_showing, COALESCE(notes->('showing:' || other_showing), '[]') || jsonb_build_array(done));
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
  -- changes; sent at commit only.
  FOR note IN SELECT key, value FROM jsonb_each(notes) ORDER BY key LOOP
    note_text := note.value::text;
    PERFORM pg_notify(channel, note.key || ':' || (note.value->-1->>'version')
      || CASE WHEN octet_length(note_text) <= 7000 THEN ' ' || note_text ELSE '' END);
  END LOOP;
  RETURN to_jsonb(outcomes);
END
$$;
