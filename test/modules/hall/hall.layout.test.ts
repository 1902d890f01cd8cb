import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hallLayoutSpecSchema,
  layoutBounds,
  layoutHall,
  ROW_PITCH,
  SEAT_GAP,
  SEAT_WIDTH,
  type HallLayoutSpecInput,
  type LayoutSeat,
} from '../../../src/modules/hall/hall.layout.js';

const layout = (spec: HallLayoutSpecInput) => layoutHall(hallLayoutSpecSchema.parse(spec));
const seatAt = (seats: LayoutSeat[], row: number, place: number) => {
  const seat = seats.find((s) => s.row === row && s.place === place);
  assert.ok(seat, `row ${row} place ${place} exists`);
  return seat;
};
const centre = (s: LayoutSeat) => ({ x: s.x + s.width / 2, y: s.y + s.height / 2 });
const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 0.05, `${message ?? ''} expected ${expected}, got ${actual}`);

/** Corners of a seat after rotation about its centre (degrees, clockwise on screen). */
function corners(s: LayoutSeat): { x: number; y: number }[] {
  const c = centre(s);
  const r = (s.rotation * Math.PI) / 180;
  return [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ].map(([dx, dy]) => {
    const px = (dx! * s.width) / 2;
    const py = (dy! * s.height) / 2;
    return { x: c.x + px * Math.cos(r) - py * Math.sin(r), y: c.y + px * Math.sin(r) + py * Math.cos(r) };
  });
}

/** Separating axis test for two rotated rectangles. */
function overlap(a: LayoutSeat, b: LayoutSeat): boolean {
  const [pa, pb] = [corners(a), corners(b)];
  for (const poly of [pa, pb]) {
    for (let i = 0; i < 2; i++) {
      const axis = { x: poly[i + 1]!.y - poly[i]!.y, y: poly[i]!.x - poly[i + 1]!.x };
      const project = (ps: typeof pa) => ps.map((p) => p.x * axis.x + p.y * axis.y);
      if (Math.max(...project(pa)) <= Math.min(...project(pb)) || Math.max(...project(pb)) <= Math.min(...project(pa))) return false;
    }
  }
  return true;
}

describe('layoutHall', () => {
  test('lays out one seat per row and place, both counted from 1', () => {
    const hall = layout({ rows: 5, places: 8, seat_type_id: 1 });
    assert.equal(hall.rows, 5);
    assert.equal(hall.places, 8);
    assert.equal(hall.seats.length, 40);
    assert.equal(new Set(hall.seats.map((s) => `${s.row}:${s.place}`)).size, 40);
    assert.deepEqual([...new Set(hall.seats.map((s) => s.row))], [1, 2, 3, 4, 5]);
  });

  test('takes one place count per row and reports the longest', () => {
    const hall = layout({ rows: 3, places: [6, 8, 10], seat_type_id: 1 });
    assert.equal(hall.places, 10);
    assert.deepEqual([1, 2, 3].map((row) => hall.seats.filter((s) => s.row === row).length), [6, 8, 10]);
  });

  test('puts row 1 nearest the screen and place 1 on the left', () => {
    const { seats } = layout({ rows: 3, places: 4, seat_type_id: 1 });
    assert.ok(seatAt(seats, 1, 1).x < seatAt(seats, 1, 4).x);
    assert.ok(seatAt(seats, 1, 1).y < seatAt(seats, 2, 1).y);
    close(seatAt(seats, 2, 1).y - seatAt(seats, 1, 1).y, ROW_PITCH, 'row pitch');
    close(seatAt(seats, 1, 2).x - seatAt(seats, 1, 1).x, SEAT_WIDTH + SEAT_GAP, 'place pitch');
  });

  test('centres rows of different lengths on one line', () => {
    const { seats } = layout({ rows: 3, places: [6, 9, 12], seat_type_id: 1 });
    const rowCentre = (row: number) => {
      const xs = seats.filter((s) => s.row === row).map((s) => centre(s).x);
      return (Math.min(...xs) + Math.max(...xs)) / 2;
    };
    close(rowCentre(1), rowCentre(3));
    close(rowCentre(2), rowCentre(3));
  });

  test('leaves a gap of one seat after each aisle place and nowhere else', () => {
    const { seats } = layout({ rows: 1, places: 10, aisles_after: [3, 7], seat_type_id: 1 });
    const pitch = SEAT_WIDTH + SEAT_GAP;
    for (let place = 1; place < 10; place++) {
      const step = seatAt(seats, 1, place + 1).x - seatAt(seats, 1, place).x;
      close(step, place === 3 || place === 7 ? 2 * pitch : pitch, `after place ${place}`);
    }
  });

  test('keeps straight rows unrotated', () => {
    const { seats } = layout({ rows: 4, places: 10, aisles_after: [5], seat_type_id: 1 });
    assert.ok(seats.every((s) => s.rotation === 0));
  });

  test('turns curved rows symmetrically to face one point above the screen', () => {
    const { seats } = layout({ rows: 6, places: 12, aisles_after: [6], shape: 'curved', seat_type_id: 1 });
    const xs = seats.map((s) => centre(s).x);
    const middle = (Math.min(...xs) + Math.max(...xs)) / 2;
    const focusYs: number[] = [];
    for (const seat of seats) {
      const mirror = seatAt(seats, seat.row, 13 - seat.place);
      close(seat.rotation, -mirror.rotation, `rotation of row ${seat.row} place ${seat.place}`);
      close(centre(seat).x - middle, middle - centre(mirror).x, `mirror x of row ${seat.row} place ${seat.place}`);
      close(centre(seat).y, centre(mirror).y, `mirror y of row ${seat.row} place ${seat.place}`);
      // Left of the centre line a seat turns clockwise, towards the middle.
      if (seat.place <= 6) assert.ok(seat.rotation > 0, `row ${seat.row} place ${seat.place} turns right`);
      // Follow the seat's facing direction, (0, -1) rotated, to the centre line.
      const r = (seat.rotation * Math.PI) / 180;
      const facing = { x: Math.sin(r), y: -Math.cos(r) };
      const t = (middle - centre(seat).x) / facing.x;
      assert.ok(t > 0, 'faces forwards, not away');
      focusYs.push(centre(seat).y + t * facing.y);
    }
    const screenY = Math.min(...seats.map((s) => s.y));
    for (const y of focusYs) {
      // Within 1%: rotations are rounded to 0.01 degrees, which the long lever magnifies.
      assert.ok(Math.abs(y - focusYs[0]!) < Math.abs(focusYs[0]!) / 100, `one focus point, got ${y} and ${focusYs[0]}`);
      assert.ok(y < screenY, 'focus is above the front row');
    }
    assert.ok(seatAt(seats, 1, 1).y < seatAt(seats, 1, 6).y, 'row ends reach towards the screen');
  });

  test('types each seat by its own override, then its row, then the default', () => {
    const { seats } = layout({
      rows: 3,
      places: 4,
      seat_type_id: 1,
      row_seat_types: [{ row: 3, seat_type_id: 2 }],
      seat_seat_types: [
        { row: 3, place: 1, seat_type_id: 3 },
        { row: 1, place: 4, seat_type_id: 3 },
      ],
    });
    assert.equal(seatAt(seats, 1, 1).seat_type_id, 1);
    assert.equal(seatAt(seats, 1, 4).seat_type_id, 3);
    assert.equal(seatAt(seats, 3, 1).seat_type_id, 3);
    assert.deepEqual([2, 3, 4].map((place) => seatAt(seats, 3, place).seat_type_id), [2, 2, 2]);
    assert.equal(seats.filter((s) => s.seat_type_id === 1).length, 7);
  });

  for (const shape of ['straight', 'curved'] as const) {
    test(`never overlaps two seats in a ${shape} hall`, () => {
      const { seats } = layout({ rows: 10, places: [8, 10, 12, 14, 16, 18, 20, 20, 20, 20], aisles_after: [2, 4], shape, seat_type_id: 1 });
      for (let i = 0; i < seats.length; i++) {
        for (let j = i + 1; j < seats.length; j++) {
          assert.ok(!overlap(seats[i]!, seats[j]!), `${seats[i]!.row}:${seats[i]!.place} overlaps ${seats[j]!.row}:${seats[j]!.place}`);
        }
      }
    });

    test(`starts a ${shape} drawing at the origin`, () => {
      const { seats } = layout({ rows: 8, places: 16, aisles_after: [8], shape, seat_type_id: 1 });
      const bounds = layoutBounds(seats);
      close(bounds.x, 0);
      close(bounds.y, 0);
      assert.ok(bounds.width > 16 * SEAT_WIDTH && bounds.height > 7 * ROW_PITCH);
    });
  }

  test('gives no seats an empty box', () => {
    assert.deepEqual(layoutBounds([]), { x: 0, y: 0, width: 0, height: 0 });
  });

  test('measures a rotated seat by its corners', () => {
    const bounds = layoutBounds([{ x: 0, y: 0, width: 40, height: 40, rotation: 45 }]);
    close(bounds.width, 40 * Math.SQRT2);
    close(bounds.x, 20 - 20 * Math.SQRT2);
  });
});

describe('hallLayoutSpecSchema', () => {
  test('fills in the defaults', () => {
    const spec = hallLayoutSpecSchema.parse({ rows: 2, places: 3, seat_type_id: 7 });
    assert.deepEqual(spec, { rows: 2, places: 3, aisles_after: [], shape: 'straight', seat_type_id: 7, row_seat_types: [], seat_seat_types: [] });
  });

  const base = { rows: 4, places: 10, seat_type_id: 1 };
  const invalid: [string, unknown, string, RegExp][] = [
    ['no rows', { ...base, rows: 0 }, 'rows', /./],
    ['too many rows', { ...base, rows: 41 }, 'rows', /./],
    ['too many places', { ...base, places: 61 }, 'places', /./],
    ['fractional places', { ...base, places: 2.5 }, 'places', /./],
    ['a place list of the wrong length', { ...base, places: [10, 10] }, 'places', /has 2 entries but the hall has 4 rows/],
    ['an aisle at the row end', { ...base, aisles_after: [10] }, 'aisles_after.0', /must lie inside every row \(shortest row has 10 places\)/],
    ['an aisle past a short row', { ...base, places: [10, 10, 4, 10], aisles_after: [5] }, 'aisles_after.0', /shortest row has 4 places/],
    ['a repeated aisle', { ...base, aisles_after: [5, 5] }, 'aisles_after.1', /repeats the aisle after place 5/],
    ['a row override past the last row', { ...base, row_seat_types: [{ row: 5, seat_type_id: 2 }] }, 'row_seat_types.0.row', /row 5 does not exist \(the hall has 4 rows\)/],
    ['a row given two types', { ...base, row_seat_types: [{ row: 2, seat_type_id: 2 }, { row: 2, seat_type_id: 3 }] }, 'row_seat_types.1.row', /row 2 is given a type twice/],
    ['a seat override past the row end', { ...base, places: [10, 10, 10, 8], seat_seat_types: [{ row: 4, place: 9, seat_type_id: 2 }] }, 'seat_seat_types.0.place', /place 9 does not exist in row 4 \(it has 8 places\)/],
    ['a seat override past the last row', { ...base, seat_seat_types: [{ row: 5, place: 1, seat_type_id: 2 }] }, 'seat_seat_types.0.row', /row 5 does not exist/],
    ['a seat given two types', { ...base, seat_seat_types: [{ row: 1, place: 1, seat_type_id: 2 }, { row: 1, place: 1, seat_type_id: 3 }] }, 'seat_seat_types.1', /row 1 place 1 is given a type twice/],
    ['an unknown shape', { ...base, shape: 'round' }, 'shape', /./],
    ['no seat type', { rows: 4, places: 10 }, 'seat_type_id', /./],
  ];
  for (const [name, spec, path, message] of invalid) {
    test(`rejects ${name}`, () => {
      const result = hallLayoutSpecSchema.safeParse(spec);
      assert.equal(result.success, false);
      const issue = result.error!.issues.find((i) => i.path.join('.') === path);
      assert.ok(issue, `an issue at ${path}, got ${JSON.stringify(result.error!.issues)}`);
      assert.match(issue.message, message);
    });
  }
});
