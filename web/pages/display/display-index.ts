// /display: every cinema and hall with live occupancy, each hall linking to its lobby
// display and each cinema to its board of today's showings.
// Count updates change the hall's existing row in place; a snapshot (a hall added or
// renamed) redraws the list.
import { ProtocolClient } from '../../client/protocol-client.js';
import type { Cinema, StatusCounts } from '../../client/protocol-types.js';
import { bindConnectionBanner } from '../shared/connection-banner.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { occupiedPercent } from '../shared/hall-model.js';
import { socketUrl } from '../shared/socket-url.js';

interface HallRow {
  bar: HTMLElement;
  text: HTMLElement;
}

const container = byId('cinemas');
const problem = byId('problem');
const rows = new Map<number, HallRow>();

const client = new ProtocolClient({ url: socketUrl() });
bindConnectionBanner(client, byId('banner'));
client.subscribeCinemas({
  snapshot(cinemas) {
    problem.hidden = true;
    render(cinemas);
  },
  update(update) {
    for (const cinema of update) for (const hall of cinema.halls) {
      const row = rows.get(hall.id);
      if (row) showCounts(row, hall.seats_count);
    }
  },
  error(error) {
    problem.textContent = errorInWords(error);
    problem.hidden = false;
  },
});
client.connect();

function render(cinemas: Cinema[]): void {
  rows.clear();
  container.setAttribute('aria-busy', 'false');
  if (cinemas.length === 0) {
    container.replaceChildren(el('p', {}, 'No cinemas yet. An administrator can add halls on the staff page.'));
    return;
  }
  container.replaceChildren(
    ...cinemas.map((cinema) => {
      const swatch = el('span', { class: 'cinema-swatch', 'aria-hidden': 'true' });
      swatch.style.setProperty('--cinema-color', cinema.color);
      return el(
        'section',
        { class: 'cinema', 'aria-labelledby': `cinema-${cinema.id}` },
        el('h2', { id: `cinema-${cinema.id}` }, swatch, cinema.name),
        el('p', { class: 'cinema-board-link' }, el('a', { href: `/display/cinemas/${cinema.id}` }, "Today's showings", el('span', { class: 'visually-hidden' }, ` at ${cinema.name}`))),
        el('ul', { class: 'halls' }, ...cinema.halls.map((hall) => {
          const row: HallRow = { bar: el('span'), text: el('span', { class: 'hall-counts' }) };
          rows.set(hall.id, row);
          showCounts(row, hall.seats_count);
          return el(
            'li',
            { 'data-hall-id': hall.id },
            el('a', { href: `/display/halls/${hall.id}` }, el('span', { class: 'hall-title' }, hall.name), el('span', { class: 'occupancy-bar', 'aria-hidden': 'true' }, row.bar), row.text),
          );
        })),
      );
    }),
  );
}

function showCounts(row: HallRow, counts: StatusCounts): void {
  const percent = occupiedPercent(counts);
  row.bar.style.setProperty('--occupied', `${percent}%`);
  row.text.textContent = `${percent}% occupied · ${counts.VACANT} free · ${counts.MAINTENANCE} maintenance`;
}
