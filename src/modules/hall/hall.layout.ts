// Seat geometry from a layout spec: what an admin sends to create a hall, turned into
// the x/y/width/height/rotation every client draws. Pure, so the same spec always gives
// the same drawing and the rules are tested without a database.
//
// Conventions (the wire contract for Seat geometry):
// - Units are abstract layout units, roughly centimetres: a seat is 40 wide and 36 deep,
//   neighbours are 8 apart, rows are 56 apart (seat plus leg room). An aisle is one empty
//   place: the seats either side of it are 8 + 40 + 8 apart.
// - Plan view with the screen at the top: y grows away from the screen, row 1 is the
//   front row. x grows to the right; place 1 is at the smallest x, which is the left hand
//   of a spectator facing the screen.
// - (x, y) is the seat's top-left corner before rotation; rotation is in degrees about the
//   seat's centre, positive clockwise on screen (y points down), as SVG `rotate()` and a
//   CSS transform with its default origin both apply it. Straight rows have rotation 0.
// - Every row is centred on the hall's centre line. The drawing is shifted so that the
//   seats' rotated bounding box starts at (0, 0).
import { z } from 'zod';
import { idSchema } from '../../core/bounds.js';
import { layoutBounds, type SeatGeometry } from './hall.bounds.js';

export const SEAT_WIDTH = 40;
const SEAT_HEIGHT = 36;
export const SEAT_GAP = 8;
export const ROW_PITCH = 56;
const PLACE_PITCH = SEAT_WIDTH + SEAT_GAP;
// The front row's arc radius, as a multiple of the widest row: 1.5 keeps the outermost
// seats within about 20 degrees of straight, as in real curved halls.
const CURVE_RADIUS_FACTOR = 1.5;
// A floor for very short rows, so neighbouring rotated seats never touch.
const MIN_CURVE_RADIUS = 400;

const MAX_ROWS = 40;
const MAX_PLACES = 60;

const seatTypeId = idSchema;
const rowNumber = z.int().min(1).max(MAX_ROWS);
const placeNumber = z.int().min(1).max(MAX_PLACES);

export const hallLayoutSpecSchema = z
  .object({
    rows: rowNumber,
    /** One count for every row, or one per row from the front. */
    places: z.union([placeNumber, z.array(placeNumber).min(1).max(MAX_ROWS)]),
    /** Place numbers after which a gap of one seat is left, counted in each row. */
    aisles_after: z.array(placeNumber).default([]),
    shape: z.enum(['straight', 'curved']).default('straight'),
    /** The type of every seat not named by an override below. */
    seat_type_id: seatTypeId,
    row_seat_types: z.array(z.object({ row: rowNumber, seat_type_id: seatTypeId })).default([]),
    /** Wins over row_seat_types. */
    seat_seat_types: z.array(z.object({ row: rowNumber, place: placeNumber, seat_type_id: seatTypeId })).default([]),
  })
  .superRefine((spec, ctx) => {
    const seenRows = new Set<number>();
    spec.row_seat_types.forEach(({ row }, i) => {
      if (row > spec.rows) ctx.addIssue({ code: 'custom', path: ['row_seat_types', i, 'row'], message: `row ${row} does not exist (the hall has ${spec.rows} rows)` });
      else if (seenRows.has(row)) ctx.addIssue({ code: 'custom', path: ['row_seat_types', i, 'row'], message: `row ${row} is given a type twice` });
      seenRows.add(row);
    });

    const counts = Array.isArray(spec.places) ? spec.places : undefined;
    if (counts && counts.length !== spec.rows) {
      ctx.addIssue({ code: 'custom', path: ['places'], message: `has ${counts.length} entries but the hall has ${spec.rows} rows` });
      return; // the checks below need one count per row
    }
    const placesIn = (row: number) => (counts ? (counts[row - 1] ?? 0) : (spec.places as number));
    const shortestRow = counts ? Math.min(...counts) : (spec.places as number);

    const seenAisles = new Set<number>();
    spec.aisles_after.forEach((after, i) => {
      if (seenAisles.has(after)) ctx.addIssue({ code: 'custom', path: ['aisles_after', i], message: `repeats the aisle after place ${after}` });
      else if (after >= shortestRow) {
        ctx.addIssue({ code: 'custom', path: ['aisles_after', i], message: `an aisle after place ${after} must lie inside every row (shortest row has ${shortestRow} places)` });
      }
      seenAisles.add(after);
    });

    const seenSeats = new Set<string>();
    spec.seat_seat_types.forEach(({ row, place }, i) => {
      const key = `${row}:${place}`;
      if (row > spec.rows) ctx.addIssue({ code: 'custom', path: ['seat_seat_types', i, 'row'], message: `row ${row} does not exist (the hall has ${spec.rows} rows)` });
      else if (place > placesIn(row)) {
        ctx.addIssue({ code: 'custom', path: ['seat_seat_types', i, 'place'], message: `place ${place} does not exist in row ${row} (it has ${placesIn(row)} places)` });
      } else if (seenSeats.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['seat_seat_types', i], message: `row ${row} place ${place} is given a type twice` });
      }
      seenSeats.add(key);
    });
  });

/** A parsed spec, defaults applied. */
export type HallLayoutSpec = z.infer<typeof hallLayoutSpecSchema>;
/** What a client may send: the defaulted fields are optional. */
export type HallLayoutSpecInput = z.input<typeof hallLayoutSpecSchema>;

export { layoutBounds, type Bounds, type SeatGeometry } from './hall.bounds.js';

export interface LayoutSeat extends SeatGeometry {
  row: number;
  place: number;
  seat_type_id: number;
}

export interface HallLayout {
  rows: number;
  /** The longest row's place count, as stored on Hall. */
  places: number;
  /** Row by row from the front, each from place 1. */
  seats: LayoutSeat[];
}

/** Seat geometry for a validated spec (parse with hallLayoutSpecSchema first). */
export function layoutHall(spec: HallLayoutSpec): HallLayout {
  const counts = Array.from({ length: spec.rows }, (_, i) => (Array.isArray(spec.places) ? (spec.places[i] ?? 0) : spec.places));
  // A seat's slot is its place counted from the row's left end, aisles counted as empty places.
  const slotOf = (place: number) => place - 1 + spec.aisles_after.filter((after) => after < place).length;
  const slotsIn = (places: number) => slotOf(places) + 1;
  const rowWidth = (places: number) => slotsIn(places) * PLACE_PITCH - SEAT_GAP;
  const frontRadius = Math.max(CURVE_RADIUS_FACTOR * Math.max(...counts.map(rowWidth)), MIN_CURVE_RADIUS);

  const rowTypes = new Map(spec.row_seat_types.map((o) => [o.row, o.seat_type_id]));
  const seatTypes = new Map(spec.seat_seat_types.map((o) => [`${o.row}:${o.place}`, o.seat_type_id]));

  const seats: LayoutSeat[] = [];
  counts.forEach((places, i) => {
    const row = i + 1;
    const rowCentreY = SEAT_HEIGHT / 2 + i * ROW_PITCH;
    const slots = slotsIn(places);
    for (let place = 1; place <= places; place++) {
      // Distance of the seat's centre from the centre line, measured along the row.
      const along = (slotOf(place) - (slots - 1) / 2) * PLACE_PITCH;
      let cx = along;
      let cy = rowCentreY;
      let rotation = 0;
      if (spec.shape === 'curved') {
        // Concentric arcs about a point above the screen; seats keep their straight-row
        // spacing along the arc and turn to face that point.
        const radius = frontRadius + i * ROW_PITCH;
        const angle = along / radius;
        cx = radius * Math.sin(angle);
        cy = rowCentreY - radius + radius * Math.cos(angle);
        rotation = (-angle * 180) / Math.PI;
      }
      seats.push({
        row,
        place,
        x: cx - SEAT_WIDTH / 2,
        y: cy - SEAT_HEIGHT / 2,
        width: SEAT_WIDTH,
        height: SEAT_HEIGHT,
        rotation,
        seat_type_id: seatTypes.get(`${row}:${place}`) ?? rowTypes.get(row) ?? spec.seat_type_id,
      });
    }
  });

  const bounds = layoutBounds(seats);
  for (const seat of seats) {
    seat.x = round(seat.x - bounds.x);
    seat.y = round(seat.y - bounds.y);
    // +0 turns -0 into 0 for the centre seat, so JSON and equality stay clean.
    seat.rotation = round(seat.rotation) + 0;
  }
  return { rows: spec.rows, places: Math.max(...counts), seats };
}

// Two decimals: far below a pixel, and keeps stored floats and JSON short.
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
