// The lobby display of one hall (/display/halls/:id): the live seat map, counts, legend
// and clock, and the showing the map belongs to. A push changes only the seats it names
// (see SeatMap) and the counts. At a showing boundary the server pushes the next map
// (`rollover`): it replaces this one in place, with a short fade and a "Now: <film>"
// notice, so the screen never needs a reload.
import { ProtocolClient } from '../../client/protocol-client.js';
import type { ShowingSummary, StatusCounts } from '../../client/protocol-types.js';
import { startClock } from '../shared/clock.js';
import { bindConnectionBanner } from '../shared/connection-banner.js';
import { byId } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { HallModel, occupiedPercent } from '../shared/hall-model.js';
import { renderLegend } from '../shared/legend.js';
import { drawingsOf, SeatMap } from '../shared/seat-map.js';
import { showingTimes } from '../shared/showing-words.js';
import { socketUrl } from '../shared/socket-url.js';

/** How long the "Now: <film>" notice stays after a rollover. */
const ROLLOVER_NOTICE_MS = 8_000;

const hallId = Number(/^\/display\/halls\/(\d+)\/?$/.exec(location.pathname)?.[1]);
const problem = byId('problem');
const map = new SeatMap(byId<SVGSVGElement>('seat-map'));
const rolloverNotice = byId('rollover');
let rolloverTimer: ReturnType<typeof setTimeout> | undefined;
const countCells = {
  VACANT: byId('count-vacant'),
  OCCUPIED: byId('count-occupied'),
  MAINTENANCE: byId('count-maintenance'),
  HELD: byId('count-held'),
  percent: byId('count-percent'),
};

startClock(byId('clock'));

if (!Number.isInteger(hallId) || hallId <= 0) {
  showProblem('This address does not name a hall. Pick one from the list of halls.');
} else {
  const client = new ProtocolClient({ url: socketUrl() });
  bindConnectionBanner(client, byId('banner'));
  let model: HallModel | null = null;
  client.subscribeHall(hallId, {
    snapshot(hall, reason) {
      model = new HallModel(hall);
      problem.hidden = true;
      document.title = `${hall.name} · ${hall.cinema_name} — Seats Sync`;
      byId('hall-name').textContent = hall.name;
      byId('cinema-name').textContent = hall.cinema_name;
      map.draw(drawingsOf(model.seats.values()));
      renderLegend(byId('legend'), hall.seat_types);
      showCounts(model.counts);
      showShowing(hall.showing);
      if (reason === 'rollover') announceRollover(hall.showing);
    },
    update(update) {
      if (!model) return;
      for (const { seat } of model.apply(update)) map.setStatus(seat.id, seat.status);
      showCounts(model.counts);
    },
    error(error) {
      showProblem(error.code === 'Unauthorized' ? 'This display needs a login: sign in on the staff page in this browser first.' : errorInWords(error));
    },
  });
  client.connect();
}

function showCounts(counts: StatusCounts): void {
  countCells.VACANT.textContent = String(counts.VACANT);
  countCells.OCCUPIED.textContent = String(counts.OCCUPIED);
  countCells.MAINTENANCE.textContent = String(counts.MAINTENANCE);
  countCells.HELD.textContent = String(counts.HELD);
  countCells.percent.textContent = `${occupiedPercent(counts)}%`;
}

/** The film and its times under the hall's name; nothing for the hall's own map. */
function showShowing(showing: ShowingSummary | null): void {
  const line = byId('showing');
  line.hidden = showing === null;
  byId('showing-title').textContent = showing?.title ?? '';
  byId('showing-time').textContent = showing ? showingTimes(showing) : '';
  line.dataset.showingId = showing ? String(showing.id) : '';
}

/** The map fades in (CSS; none under prefers-reduced-motion) and a notice names what is on now. */
function announceRollover(showing: ShowingSummary | null): void {
  const main = byId('seat-map').closest('main')!;
  main.classList.remove('rolled-over');
  void main.offsetWidth; // restart the animation when two rollovers come close together
  main.classList.add('rolled-over');
  rolloverNotice.textContent = showing ? `Now: ${showing.title}` : 'No showing now';
  rolloverNotice.hidden = false;
  clearTimeout(rolloverTimer);
  rolloverTimer = setTimeout(() => (rolloverNotice.hidden = true), ROLLOVER_NOTICE_MS);
}

function showProblem(text: string): void {
  problem.textContent = text;
  problem.hidden = false;
}
