// The rollover push of one hall in the shapes bench/micro/rollover-bytes.ts compares:
// - full: what the server sends today, the whole seat map (the hall.get shape: every seat
//   with its geometry and seat type), ~30 KB for the bench's 20 x 10 halls;
// - deflate: the same bytes, sent as a shared permessage-deflate frame (rollover-sender.ts);
// - statuses: a protocol-change candidate, the layout left out (it is the same in every
//   showing of a hall, and the client has it from its first snapshot): per seat only its
//   id and status, plus the counts per seat type;
// - compact: another candidate, the statuses as one string in the order of the layout's
//   seats (one letter per seat), plus the counts.
// Field names and values follow hallViewSchema (src/modules/hall/hall.types.ts) so the
// sizes and the compression ratio are those of the real push.
export const VARIANTS = ['full', 'deflate', 'statuses', 'compact'] as const;
export type Variant = (typeof VARIANTS)[number];

const SEAT_TYPE = { id: 1, name: 'Standard', color: '#4a90d9' };
const PLACES = 10;

export function rolloverData(variant: Variant, hall: number, showing: number, seats: number): unknown {
  const startsAt = new Date(Date.UTC(2026, 11, 1, 20, 0)).toISOString();
  const meta = {
    id: hall,
    cinema_id: 1,
    cinema_name: 'Bench cinema',
    name: `Bench ${hall}`,
    rows: Math.ceil(seats / PLACES),
    places: PLACES,
    version: 0,
    epoch: '7f3e9c2a-1b4d-4e8f-9a6b-2c5d8e1f0a3b',
    showing: { id: showing, hall_id: hall, title: 'Bench next', starts_at: startsAt, ends_at: startsAt, status: 'scheduled' },
  };
  const counts = [{ ...SEAT_TYPE, seats_count: seats, seats: { VACANT: seats, OCCUPIED: 0, MAINTENANCE: 0, HELD: 0 } }];
  const firstSeat = hall * 1_000;
  if (variant === 'compact') return { ...meta, statuses: 'V'.repeat(seats), seat_types: counts, reason: 'rollover' };
  if (variant === 'statuses') {
    return { ...meta, seats: Array.from({ length: seats }, (_, i) => ({ id: firstSeat + i, status: 'VACANT' })), seat_types: counts, reason: 'rollover' };
  }
  const updatedAt = new Date(Date.UTC(2026, 11, 1, 19, 30, 0, 123)).toISOString();
  return {
    ...meta,
    seats: Array.from({ length: seats }, (_, i) => {
      const row = Math.floor(i / PLACES) + 1;
      const place = (i % PLACES) + 1;
      return { id: firstSeat + i, row, place, x: (place - 1) * 48, y: (row - 1) * 56, width: 40, height: 36, rotation: 0, status: 'VACANT', updated_at: updatedAt, seat_type: SEAT_TYPE };
    }),
    seat_types: counts,
    reason: 'rollover',
  };
}
