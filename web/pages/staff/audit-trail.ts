// Recent changes of the seat map on screen (hall.history of the hall's own map or of one
// showing's), newest first, refreshed shortly after pushes.
// Debounced: a burst of changes costs one request, not one per push.
import type { ProtocolClient } from '../../client/protocol-client.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { STATUS_WORDS } from '../shared/hall-model.js';
import { hhmmss } from '../shared/time-format.js';

const LIMIT = 15;
const DEBOUNCE_MS = 400;

export class AuditTrail {
  private hallId: number | null = null;
  private showingId: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly body = byId('audit-body');

  constructor(private readonly client: ProtocolClient) {}

  /** The map shown; the same one again only refreshes. */
  show(hallId: number, showingId: number | null = null): void {
    if (hallId !== this.hallId || showingId !== this.showingId) this.body.replaceChildren();
    this.hallId = hallId;
    this.showingId = showingId;
    this.refreshSoon();
  }

  refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    const { hallId, showingId } = this;
    if (hallId === null) return;
    try {
      const history = await this.client.request('hall.history', { hall_id: hallId, showing_id: showingId, limit: LIMIT });
      if (hallId !== this.hallId || showingId !== this.showingId) return; // another map was picked meanwhile
      if (history.events.length === 0) {
        this.body.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, 'No changes yet.')));
        return;
      }
      this.body.replaceChildren(
        ...history.events.map((event) =>
          el(
            'tr',
            {},
            el('td', {}, el('time', { datetime: event.at }, hhmmss(new Date(event.at)))),
            el('td', {}, `Row ${event.row}, seat ${event.place}`),
            el('td', {}, `${STATUS_WORDS[event.old_status]} → ${STATUS_WORDS[event.new_status]}`),
            el('td', {}, event.username ?? '—'),
          ),
        ),
      );
    } catch (error) {
      this.body.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, errorInWords(error))));
    }
  }
}
