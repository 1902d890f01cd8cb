// Picks the seats of a writer's next change and flips them, so every change really
// changes a seat. Connection c of C only touches seats whose index is c mod C: writers
// sharing a hot hall never race for one seat, and each knows its seats' statuses.
import type { SeatChange } from './writer-connection.js';

export class SeatCursor {
  private position = 0;
  private readonly mine: SeatChange[];

  constructor(seats: SeatChange[], connection: number, connections: number) {
    this.mine = seats.filter((_, index) => index % connections === connection);
    if (this.mine.length === 0) throw new Error('a writer connection got no seats: use fewer connections or bigger halls');
  }

  /** `count` distinct seats, or all of this connection's seats if it has fewer. */
  next(count: number): SeatChange[] {
    const picked: SeatChange[] = [];
    for (let i = 0; i < Math.min(count, this.mine.length); i++) {
      const seat = this.mine[this.position++ % this.mine.length] as SeatChange;
      seat.status = seat.status === 'OCCUPIED' ? 'VACANT' : 'OCCUPIED';
      picked.push({ ...seat });
    }
    return picked;
  }
}
