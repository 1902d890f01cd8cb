// The lobby display of one hall (/display/halls/:id): the live seat map, counts, legend
// and clock. A push changes only the seats it names (see SeatMap) and the counts.
import { ProtocolClient } from '../../client/protocol-client.js';
import type { StatusCounts } from '../../client/protocol-types.js';
import { startClock } from '../shared/clock.js';
import { bindConnectionBanner } from '../shared/connection-banner.js';
import { byId } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { HallModel, occupiedPercent } from '../shared/hall-model.js';
import { renderLegend } from '../shared/legend.js';
import { drawingsOf, SeatMap } from '../shared/seat-map.js';
import { socketUrl } from '../shared/socket-url.js';

const hallId = Number(/^\/display\/halls\/(\d+)\/?$/.exec(location.pathname)?.[1]);
const problem = byId('problem');
const map = new SeatMap(byId<SVGSVGElement>('seat-map'));
const countCells = {
  VACANT: byId('count-vacant'),
  OCCUPIED: byId('count-occupied'),
  MAINTENANCE: byId('count-maintenance'),
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
    snapshot(hall) {
      model = new HallModel(hall);
      problem.hidden = true;
      document.title = `${hall.name} · ${hall.cinema_name} — Seats Sync`;
      byId('hall-name').textContent = hall.name;
      byId('cinema-name').textContent = hall.cinema_name;
      map.draw(drawingsOf(model.seats.values()));
      renderLegend(byId('legend'), hall.seat_types);
      showCounts(model.counts);
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
  countCells.percent.textContent = `${occupiedPercent(counts)}%`;
}

function showProblem(text: string): void {
  problem.textContent = text;
  problem.hidden = false;
}
