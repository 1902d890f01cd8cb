-- CreateEnum
CREATE TYPE "HoldStatus" AS ENUM ('active', 'confirmed', 'released', 'expired');

-- CreateTable
CREATE TABLE "hold" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "showing_id" INTEGER NOT NULL,
    "hall_id" INTEGER NOT NULL,
    "seat_ids" INTEGER[],
    "status" "HoldStatus" NOT NULL DEFAULT 'active',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "holder" TEXT NOT NULL,
    "api_key_id" INTEGER,
    "user_id" INTEGER,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT transaction_timestamp(),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "hold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "hold_status_expires_at_idx" ON "hold"("status", "expires_at");

-- CreateIndex
CREATE INDEX "hold_showing_id_status_idx" ON "hold"("showing_id", "status");

-- AddForeignKey
ALTER TABLE "hold" ADD CONSTRAINT "hold_showing_id_fkey" FOREIGN KEY ("showing_id") REFERENCES "showing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Holds: a box office holds seats of a showing (all or none, VACANT seats only), then
-- confirms them (OCCUPIED) or releases them; an active hold past expires_at (the database
-- clock) is expired by the instance that holds the hold-expiry lock. Every step is one
-- versioned change of the showing (seat_apply_showing, migration showings), taken under the
-- hall's row lock like every seat write, with its NOTIFY; a step on a hold that is no longer
-- active changes nothing, so two instances can never apply one twice.

-- Holds `seat_ids` of `target` for `ttl_seconds`. Returns {"error": "showing_not_found" |
-- "cancelled" | "ended" | "seat_not_found" | "unavailable", "seat_ids": [...]} or
-- {"hold": {...}, "change": {hall_id, showing_id, version, seats}}.
CREATE FUNCTION "hold_seats"(new_id uuid, target int, seat_ids int[], ttl_seconds int, holder_name text, key_id int, uid int, channel text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  hall_ref int;
  sh record;
  found_ids int[];
  unavailable int[];
  at timestamptz;
  done jsonb;
  made hold;
BEGIN
  SELECT hall_id INTO hall_ref FROM showing WHERE id = target;
  IF NOT FOUND THEN RETURN jsonb_build_object('error', 'showing_not_found'); END IF;
  PERFORM 1 FROM hall WHERE id = hall_ref FOR UPDATE;
  SELECT status, ends_at INTO sh FROM showing WHERE id = target;
  IF sh.status <> 'scheduled' THEN RETURN jsonb_build_object('error', 'cancelled'); END IF;
  IF sh.ends_at <= now() THEN RETURN jsonb_build_object('error', 'ended'); END IF;

  SELECT COALESCE(array_agg(id ORDER BY id), '{}') INTO found_ids
  FROM (SELECT id FROM seat WHERE hall_id = hall_ref AND id = ANY (seat_ids) ORDER BY id FOR UPDATE) s;
  IF cardinality(found_ids) < cardinality(seat_ids) THEN RETURN jsonb_build_object('error', 'seat_not_found'); END IF;

  SELECT COALESCE(array_agg(ss.seat_id ORDER BY ss.seat_id), '{}') INTO unavailable
  FROM showing_seat ss
  WHERE ss.showing_id = target AND ss.seat_id = ANY (found_ids) AND (ss.maintenance OR ss.status <> 'VACANT');
  IF cardinality(unavailable) > 0 THEN RETURN jsonb_build_object('error', 'unavailable', 'seat_ids', to_jsonb(unavailable)); END IF;

  at := clock_timestamp();
  done := seat_apply_showing(target, hall_ref, found_ids, array_fill('HELD'::text, ARRAY[cardinality(found_ids)]),
    array_fill(NULL::boolean, ARRAY[cardinality(found_ids)]), uid, at);
  UPDATE showing_seat SET hold_id = new_id WHERE showing_id = target AND seat_id = ANY (found_ids);
  INSERT INTO hold (id, showing_id, hall_id, seat_ids, status, expires_at, holder, api_key_id, user_id, version)
  VALUES (new_id, target, hall_ref, found_ids, 'active', at + make_interval(secs => ttl_seconds), holder_name, key_id, uid, (done->>'version')::int)
  RETURNING * INTO made;
  PERFORM pg_notify(channel, 'showing:' || target::text || ':' || (done->>'version'));
  RETURN jsonb_build_object('hold', to_jsonb(made), 'change', done);
END
$$;

-- Ends an active hold: 'confirm' (its seats become OCCUPIED; refused once expired or
-- when the showing is cancelled or over), 'release' or 'expire' (VACANT; 'expire' only
-- once expires_at has passed). Returns {"error": "not_found" | "not_active" | "not_due" |
-- "cancelled" | "ended", "status": ...} or {"hold": {...}, "change": {...} | null}.
CREATE FUNCTION "hold_finish"(hold_ref uuid, action text, uid int, channel text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  h hold;
  sh record;
  ids int[];
  at timestamptz;
  done jsonb;
  outcome "HoldStatus";
BEGIN
  SELECT * INTO h FROM hold WHERE id = hold_ref;
  IF NOT FOUND THEN RETURN jsonb_build_object('error', 'not_found'); END IF;
  PERFORM 1 FROM hall WHERE id = h.hall_id FOR UPDATE;
  SELECT * INTO h FROM hold WHERE id = hold_ref;
  IF NOT FOUND THEN RETURN jsonb_build_object('error', 'not_found'); END IF;
  at := clock_timestamp();
  IF h.status <> 'active' THEN RETURN jsonb_build_object('error', 'not_active', 'status', h.status); END IF;
  IF action = 'expire' AND h.expires_at > at THEN RETURN jsonb_build_object('error', 'not_due'); END IF;
  IF action = 'confirm' THEN
    IF h.expires_at <= at THEN RETURN jsonb_build_object('error', 'not_active', 'status', 'expired'); END IF;
    SELECT status, ends_at INTO sh FROM showing WHERE id = h.showing_id;
    IF sh.status <> 'scheduled' THEN RETURN jsonb_build_object('error', 'cancelled'); END IF;
    IF sh.ends_at <= now() THEN RETURN jsonb_build_object('error', 'ended'); END IF;
  END IF;

  -- The seats this hold still holds, locked in id order.
  SELECT COALESCE(array_agg(s.id ORDER BY s.id), '{}') INTO ids
  FROM (SELECT id FROM seat WHERE id = ANY (h.seat_ids) ORDER BY id FOR UPDATE) s
  JOIN showing_seat ss ON ss.showing_id = h.showing_id AND ss.seat_id = s.id AND ss.hold_id = h.id AND ss.status = 'HELD';
  done := NULL;
  IF cardinality(ids) > 0 THEN
    done := seat_apply_showing(h.showing_id, h.hall_id, ids,
      array_fill((CASE WHEN action = 'confirm' THEN 'OCCUPIED' ELSE 'VACANT' END)::text, ARRAY[cardinality(ids)]),
      array_fill(NULL::boolean, ARRAY[cardinality(ids)]), uid, at);
  END IF;
  outcome := CASE action WHEN 'confirm' THEN 'confirmed' WHEN 'release' THEN 'released' ELSE 'expired' END;
  UPDATE hold SET status = outcome, finished_at = at, version = COALESCE((done->>'version')::int, version)
  WHERE id = h.id RETURNING * INTO h;
  IF done IS NOT NULL THEN
    PERFORM pg_notify(channel, 'showing:' || h.showing_id::text || ':' || (done->>'version'));
  END IF;
  RETURN jsonb_build_object('hold', to_jsonb(h), 'change', done);
END
$$;
