// The showings of the hall the staff console shows, from a day ago to a week ahead (the
// showing.list default window, sent explicitly so the page and the server agree): what
// the console's showing picker offers and what the admins' schedule editor lists. Both
// read one list; whoever changes the schedule asks for a reload and both redraw.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { Showing } from '../../client/protocol-types.js';
import { errorInWords } from '../shared/error-words.js';

const DAY_MS = 86_400_000;

export interface HallShowingsListener {
  showings(hallId: number, showings: readonly Showing[]): void;
  error?(message: string): void;
}

export class HallShowings {
  hallId: number | null = null;
  list: readonly Showing[] = [];
  private readonly listeners = new Set<HallShowingsListener>();
  /** Replies to an older request (another hall, an earlier reload) are dropped. */
  private request = 0;

  constructor(private readonly client: ProtocolClient) {}

  listen(listener: HallShowingsListener): void {
    this.listeners.add(listener);
  }

  show(hallId: number): Promise<void> {
    this.hallId = hallId;
    this.list = [];
    return this.reload();
  }

  async reload(): Promise<void> {
    const hallId = this.hallId;
    if (hallId === null) return;
    const ticket = ++this.request;
    const now = Date.now();
    try {
      const { showings } = await this.client.request('showing.list', {
        hall_id: hallId,
        from: new Date(now - DAY_MS).toISOString(),
        to: new Date(now + 7 * DAY_MS).toISOString(),
      });
      if (ticket !== this.request) return;
      this.list = showings;
      for (const listener of this.listeners) listener.showings(hallId, showings);
    } catch (error) {
      if (ticket !== this.request) return;
      for (const listener of this.listeners) listener.error?.(errorInWords(error));
    }
  }

  find(id: number): Showing | undefined {
    return this.list.find((showing) => showing.id === id);
  }
}
