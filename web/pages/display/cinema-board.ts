// The lobby board of one cinema (/display/cinemas/:id): today's coming showings with film,
// hall, start time (in the schedule's time zone) and seats left, from schedule.subscribe.
// A seats-left update changes one row's text in place; a snapshot (a showing started and
// left the list, one was scheduled, moved or cancelled, a new day) redraws the list.
import { ProtocolClient } from '../../client/protocol-client.js';
import type { Schedule, Showing } from '../../client/protocol-types.js';
import { startClock } from '../shared/clock.js';
import { bindConnectionBanner } from '../shared/connection-banner.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { seatsLeftWords, zonedHhmm } from '../shared/showing-words.js';
import { socketUrl } from '../shared/socket-url.js';
import { fitRows } from './board-fit.js';

/** At or below this share of seats left, the row says so in colour too (the words are always there). */
const FEW_SEATS_SHARE = 0.1;

interface Row {
  element: HTMLLIElement;
  seatsLeft: HTMLElement;
  version: number;
  total: number;
}

const cinemaId = Number(/^\/display\/cinemas\/(\d+)\/?$/.exec(location.pathname)?.[1]);
const list = byId<HTMLOListElement>('showings');
const more = byId('more');
const empty = byId('empty');
const problem = byId('problem');
const rows = new Map<number, Row>();
let clockZone: string | null = null;

if (!Number.isInteger(cinemaId) || cinemaId <= 0) {
  showProblem('This address does not name a cinema. Pick one from the list of halls.');
} else {
  const client = new ProtocolClient({ url: socketUrl() });
  bindConnectionBanner(client, byId('banner'));
  client.subscribeSchedule(cinemaId, {
    snapshot: render,
    update(update) {
      for (const change of update.showings) {
        const row = rows.get(change.id);
        if (!row || change.version <= row.version) continue;
        row.version = change.version;
        showSeatsLeft(row, change.seats_left);
      }
    },
    error(error) {
      showProblem(error.code === 'Unauthorized' ? 'This display needs a login: sign in on the staff page in this browser first.' : errorInWords(error));
    },
  });
  client.connect();
  // A rotated phone or a resized window fits anew; fonts arriving late change row heights.
  addEventListener('resize', fit);
  void document.fonts?.ready.then(fit);
}

function render(schedule: Schedule): void {
  problem.hidden = true;
  document.title = `${schedule.cinema_name} · today's showings — Seats Sync`;
  byId('cinema-name').textContent = schedule.cinema_name;
  if (clockZone === null) {
    clockZone = schedule.time_zone;
    startClock(byId('clock'), zonedHhmm(schedule.time_zone));
  }
  const time = zonedHhmm(schedule.time_zone);
  rows.clear();
  list.replaceChildren(...schedule.showings.map((showing) => rowOf(showing, time)));
  list.setAttribute('aria-busy', 'false');
  empty.hidden = schedule.showings.length > 0;
  fit();
}

function rowOf(showing: Showing, time: (date: Date) => string): HTMLLIElement {
  const seatsLeft = el('span', { class: 'seats-left' });
  const element = el(
    'li',
    { class: 'showing', 'data-showing-id': showing.id },
    el('time', { class: 'showing-time', datetime: showing.starts_at }, time(new Date(showing.starts_at))),
    el('span', { class: 'showing-title' }, showing.title),
    el('span', { class: 'showing-hall' }, showing.hall_name),
    seatsLeft,
  );
  const row: Row = { element, seatsLeft, version: showing.version, total: showing.seats_total };
  rows.set(showing.id, row);
  showSeatsLeft(row, showing.seats_left);
  return element;
}

function showSeatsLeft(row: Row, seatsLeft: number): void {
  row.seatsLeft.textContent = seatsLeftWords(seatsLeft);
  row.element.dataset.seatsLeft = String(seatsLeft);
  row.seatsLeft.classList.toggle('sold-out', seatsLeft <= 0);
  row.seatsLeft.classList.toggle('few', seatsLeft > 0 && seatsLeft <= row.total * FEW_SEATS_SHARE);
}

function fit(): void {
  fitRows(list, [...rows.values()].map((row) => row.element), more);
}

function showProblem(text: string): void {
  problem.textContent = text;
  problem.hidden = false;
  list.setAttribute('aria-busy', 'false');
}
