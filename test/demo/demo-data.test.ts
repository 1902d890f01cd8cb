import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoCinemas, demoSeatTypes, type DemoHall } from '../../src/demo/demo-data.js';
import { SEAT_WIDTH, SEAT_GAP } from '../../src/modules/hall/hall.layout.js';

const types = { standard: 1, vip: 2, wheelchair: 3 };
const cinemas = demoCinemas(types);
const halls = cinemas.flatMap((c) => c.halls);
const rowOf = (hall: DemoHall, row: number) => hall.seats.filter((s) => s.row === row);

test('has two cinemas with three halls between them, uniquely named', () => {
  assert.equal(cinemas.length, 2);
  assert.equal(halls.length, 3);
  assert.equal(new Set(cinemas.map((c) => c.name)).size, 2);
  for (const cinema of cinemas) assert.equal(new Set(cinema.halls.map((h) => h.name)).size, cinema.halls.length);
});

test('gives every hall 100 to 400 seats matching its rows and places', () => {
  for (const hall of halls) {
    assert.ok(hall.seats.length >= 100 && hall.seats.length <= 400, `${hall.name} has ${hall.seats.length} seats`);
    assert.equal(Math.max(...hall.seats.map((s) => s.row)), hall.rows);
    assert.equal(Math.max(...hall.seats.map((s) => s.place)), hall.places);
  }
});

test('has curved and straight halls', () => {
  const curved = halls.filter((h) => h.seats.some((s) => s.rotation !== 0));
  assert.ok(curved.length >= 1 && curved.length < halls.length);
});

test('makes the back row VIP, except wheelchair places', () => {
  for (const hall of halls) {
    const back = rowOf(hall, hall.rows);
    assert.ok(back.every((s) => s.seat_type_id === types.vip || s.seat_type_id === types.wheelchair), hall.name);
    assert.ok(back.filter((s) => s.seat_type_id === types.vip).length >= hall.places - 4, hall.name);
    assert.ok(hall.seats.filter((s) => s.row !== hall.rows).every((s) => s.seat_type_id !== types.vip), `${hall.name} has VIP only at the back`);
  }
});

test('puts wheelchair places at the ends of the front or back row', () => {
  for (const hall of halls) {
    const wheelchair = hall.seats.filter((s) => s.seat_type_id === types.wheelchair);
    assert.ok(wheelchair.length >= 2, hall.name);
    for (const seat of wheelchair) {
      assert.ok(seat.row === 1 || seat.row === hall.rows, `${hall.name} row ${seat.row}`);
      assert.ok(seat.place <= 2 || seat.place >= hall.places - 1, `${hall.name} place ${seat.place}`);
    }
  }
});

test('splits every row with a centre aisle', () => {
  const pitch = SEAT_WIDTH + SEAT_GAP;
  for (const hall of halls) {
    const middle = hall.places / 2;
    for (let row = 1; row <= hall.rows; row++) {
      const [left, right] = [middle, middle + 1].map((place) => rowOf(hall, row).find((s) => s.place === place)!);
      const gap = Math.hypot(right!.x - left!.x, right!.y - left!.y);
      assert.ok(gap > 1.5 * pitch, `${hall.name} row ${row}: ${gap}`);
    }
  }
});

test('takes three to six seats of each hall out for maintenance and sells some others', () => {
  for (const hall of halls) {
    const count = (status: string) => hall.seats.filter((s) => s.status === status).length;
    assert.ok(count('MAINTENANCE') >= 3 && count('MAINTENANCE') <= 6, `${hall.name}: ${count('MAINTENANCE')} in maintenance`);
    assert.ok(count('OCCUPIED') > hall.seats.length / 10, `${hall.name}: ${count('OCCUPIED')} occupied`);
    assert.ok(count('VACANT') > hall.seats.length / 4, `${hall.name}: ${count('VACANT')} vacant`);
  }
});

test('comes out the same every time', () => {
  assert.deepEqual(demoCinemas(types), cinemas);
});

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

test('uses distinct colours that stand out on light and dark backgrounds', () => {
  const colours = [...Object.values(demoSeatTypes).map((t) => t.color), ...cinemas.map((c) => c.color)];
  assert.equal(new Set(colours).size, colours.length);
  for (const colour of colours) {
    assert.match(colour, /^#[0-9A-F]{6}$/i);
    assert.ok(contrast(colour, '#FFFFFF') >= 3, `${colour} on white`);
    assert.ok(contrast(colour, '#121212') >= 3, `${colour} on dark`);
  }
});
