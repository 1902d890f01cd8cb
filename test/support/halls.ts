// Hall fixtures over the real protocol: pick a demo hall, flip seats as staff.
import type { TestClient } from './ws-client.js';

export interface HallSnapshot {
  id: number;
  version: number;
  seats: { id: number; row: number; place: number; status: string; seat_type: { id: number } }[];
  seat_types: { id: number; seats: Record<string, number> }[];
}

export async function firstHall(client: TestClient): Promise<HallSnapshot> {
  const cinemas = await client.call('cinemas.get_cinemas');
  const id = cinemas[0].halls[0].id as number;
  return client.call('hall.get', { id });
}

/** A status different from the seat's current one. */
export function flipped(status: string): string {
  return status === 'VACANT' ? 'OCCUPIED' : 'VACANT';
}

/** Applies a hall update to a snapshot-like copy, as a display would. */
export function applyUpdate(state: Map<number, string>, update: { seats: { id: number; status: string }[] }): void {
  for (const seat of update.seats) state.set(seat.id, seat.status);
}
