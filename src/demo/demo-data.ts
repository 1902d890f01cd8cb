// The demo world a first start shows: two cinemas, three halls, seats already partly
// taken. Pure and deterministic (a seeded generator, not Math.random), so every fresh
// database looks the same and tests can check it without one.
import type { SeatStatus } from '../generated/prisma/enums.js';
import { hallLayoutSpecSchema, layoutHall, type LayoutSeat } from '../modules/hall/index.js';

// Mid-tone colours with a contrast of at least 3:1 (WCAG non-text) on white and on
// #121212, so one palette serves light and dark themes. Wheelchair is the blue of the
// International Symbol of Access; standard stays neutral so the others stand out.
export const demoSeatTypes = {
  standard: { name: 'Standard', color: '#71809A' },
  vip: { name: 'VIP', color: '#C77C02' },
  wheelchair: { name: 'Wheelchair', color: '#2F7BEA' },
} as const;

/** Database ids of the demo seat types, known only once they are stored. */
export type DemoSeatTypeIds = Record<keyof typeof demoSeatTypes, number>;

export interface DemoSeat extends LayoutSeat {
  status: SeatStatus;
}

export interface DemoHall {
  name: string;
  rows: number;
  places: number;
  seats: DemoSeat[];
}

export interface DemoCinema {
  name: string;
  color: string;
  halls: DemoHall[];
}

type SeatRef = readonly [row: number, place: number];

interface HallPlan {
  name: string;
  shape: 'straight' | 'curved';
  rows: number;
  places: number;
  aisles_after: number[];
  wheelchair: SeatRef[];
  maintenance: SeatRef[];
  /** Roughly the share of seats sold. */
  occupancy: number;
  seed: number;
}

// The back row of every hall is VIP; wheelchair places sit at row ends, where there is
// step-free access, and win over the VIP row where they share it.
const cinemaPlans: { name: string; color: string; halls: HallPlan[] }[] = [
  {
    name: 'Aurora Cinema',
    color: '#7C3AED',
    halls: [
      {
        name: 'Hall 1',
        shape: 'curved',
        rows: 14,
        places: 22,
        aisles_after: [11],
        wheelchair: [[1, 1], [1, 2], [1, 21], [1, 22]],
        maintenance: [[3, 7], [8, 15], [11, 4], [13, 20]],
        occupancy: 0.45,
        seed: 1,
      },
      {
        name: 'Hall 2',
        shape: 'straight',
        rows: 10,
        places: 16,
        aisles_after: [8],
        wheelchair: [[10, 1], [10, 16]],
        maintenance: [[2, 5], [6, 12], [9, 1]],
        occupancy: 0.3,
        seed: 2,
      },
    ],
  },
  {
    name: 'Harbour Picturehouse',
    color: '#0F766E',
    halls: [
      {
        name: 'Screen 1',
        shape: 'curved',
        rows: 12,
        places: 20,
        aisles_after: [4, 10, 16],
        wheelchair: [[1, 1], [1, 2], [1, 19], [1, 20]],
        maintenance: [[1, 9], [5, 13], [7, 7], [10, 18], [12, 10]],
        occupancy: 0.6,
        seed: 3,
      },
    ],
  },
];

/** The demo cinemas with every seat laid out, typed and given a status. */
export function demoCinemas(types: DemoSeatTypeIds): DemoCinema[] {
  return cinemaPlans.map((cinema) => ({
    name: cinema.name,
    color: cinema.color,
    halls: cinema.halls.map((plan) => demoHall(plan, types)),
  }));
}

const seatKey = (row: number, place: number) => `${row}:${place}`;

function demoHall(plan: HallPlan, types: DemoSeatTypeIds): DemoHall {
  // Parsed, not just typed: the demo goes through the same rules as an admin's spec.
  const layout = layoutHall(
    hallLayoutSpecSchema.parse({
      rows: plan.rows,
      places: plan.places,
      aisles_after: plan.aisles_after,
      shape: plan.shape,
      seat_type_id: types.standard,
      row_seat_types: [{ row: plan.rows, seat_type_id: types.vip }],
      seat_seat_types: plan.wheelchair.map(([row, place]) => ({ row, place, seat_type_id: types.wheelchair })),
    }),
  );
  const maintenance = new Set(plan.maintenance.map(([row, place]) => seatKey(row, place)));
  const occupied = soldSeats(plan, maintenance);
  return {
    name: plan.name,
    rows: layout.rows,
    places: layout.places,
    seats: layout.seats.map((seat) => {
      const id = seatKey(seat.row, seat.place);
      const status: SeatStatus = maintenance.has(id) ? 'MAINTENANCE' : occupied.has(id) ? 'OCCUPIED' : 'VACANT';
      return { ...seat, status };
    }),
  };
}

// People book in groups of one to four neighbours, so sold seats come in short runs
// rather than a salt-and-pepper pattern.
const MEAN_GROUP_SIZE = 2.5;

function soldSeats(plan: HallPlan, maintenance: Set<string>): Set<string> {
  const random = mulberry32(plan.seed);
  const sold = new Set<string>();
  for (let row = 1; row <= plan.rows; row++) {
    for (let place = 1; place <= plan.places; place++) {
      if (random() >= plan.occupancy / MEAN_GROUP_SIZE) continue;
      const size = 1 + Math.floor(random() * 4);
      for (let p = place; p < place + size && p <= plan.places; p++) {
        if (!maintenance.has(seatKey(row, p))) sold.add(seatKey(row, p));
      }
      place += size - 1;
    }
  }
  return sold;
}

// A tiny seeded generator (public domain, Tommy Ettinger): deterministic across Node versions.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
