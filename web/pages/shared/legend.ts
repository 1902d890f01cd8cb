// The key to the seat map: each status drawn with the same marks as the map, then each
// seat type's colour.
import { SEAT_STATUSES, type SeatType } from '../../client/protocol-types.js';
import { el, svg } from './dom.js';
import { STATUS_WORDS } from './hall-model.js';
import { seatShape } from './seat-map.js';

export function renderLegend(container: HTMLElement, seatTypes: readonly SeatType[]): void {
  const neutral = seatTypes[0]?.color ?? '#71809A';
  const statuses = SEAT_STATUSES.map((status) => el('li', {}, swatch(status, neutral), capitalise(STATUS_WORDS[status])));
  const types = seatTypes.map((type) => el('li', {}, swatch('VACANT', type.color), type.name));
  container.replaceChildren(
    el('div', { class: 'legend-group' }, el('span', { class: 'legend-title', id: 'legend-statuses' }, 'Status'), el('ul', { 'aria-labelledby': 'legend-statuses' }, ...statuses)),
    el('div', { class: 'legend-group' }, el('span', { class: 'legend-title', id: 'legend-types' }, 'Free seat types'), el('ul', { 'aria-labelledby': 'legend-types' }, ...types)),
  );
}

function swatch(status: string, color: string): SVGSVGElement {
  const seat = svg('g', { class: 'seat', 'data-status': status }, ...seatShape(0, 0, 40, 36));
  seat.style.setProperty('--type-color', color);
  return svg('svg', { class: 'swatch', viewBox: '-3 -3 46 42', 'aria-hidden': 'true' }, seat);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
