// Who holds which seats of the showing on screen (hold.list): the box offices' holds,
// until when. HELD seats on the map are theirs until confirmed, released or expired.
// Debounced like the audit trail: a burst of changes costs one request.
import type { ProtocolClient } from '../../client/protocol-client.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { hhmmss } from '../shared/time-format.js';

const DEBOUNCE_MS = 400;

export class HoldList {
  private showingId: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly body = byId('holds-body');
  private readonly section = byId('holds');

  constructor(
    private readonly client: ProtocolClient,
    /** "Row 3, seat 4" for a seat of the map on screen. */
    private readonly seatName: (seatId: number) => string,
  ) {}

  /** The showing on screen; null (the hall's own map) hides the list. */
  show(showingId: number | null): void {
    if (showingId !== this.showingId) this.body.replaceChildren();
    this.showingId = showingId;
    this.section.hidden = showingId === null;
    if (showingId !== null) this.refreshSoon();
  }

  refreshSoon(): void {
    if (this.showingId === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    const showingId = this.showingId;
    if (showingId === null) return;
    try {
      const { holds } = await this.client.request('hold.list', { showing_id: showingId });
      if (showingId !== this.showingId) return;
      if (holds.length === 0) {
        this.body.replaceChildren(el('tr', {}, el('td', { colspan: 3 }, 'No seats held.')));
        return;
      }
      this.body.replaceChildren(
        ...holds.map((hold) =>
          el(
            'tr',
            {},
            el('td', {}, hold.holder),
            el('td', {}, hold.seat_ids.map(this.seatName).join('; ')),
            el('td', {}, el('time', { datetime: hold.expires_at }, hhmmss(new Date(hold.expires_at)))),
          ),
        ),
      );
    } catch (error) {
      // Viewers may look at seat maps but not at who holds seats.
      if ((error as { code?: string }).code === 'Forbidden') this.section.hidden = true;
      else this.body.replaceChildren(el('tr', {}, el('td', { colspan: 3 }, errorInWords(error))));
    }
  }
}
