// The seat map in SVG, drawn from the seats' own x/y/width/height/rotation (layout units,
// screen at the top; see src/modules/hall/hall.layout.ts). It is built once per snapshot;
// a status change then only flips one attribute on the seat's existing node, and CSS
// (web/styles/seats.css) restyles it, so a push is painted in the next frame.
//
// Status is never colour alone: a free seat is solid in its seat type's colour, an
// occupied one is pale with a cross, one under maintenance is striped.
import type { Seat, SeatGeometry, SeatStatus } from '../../client/protocol-types.js';
// The server's own bounds rule, from its import-free file (no server code in the bundle).
import { layoutBounds, type Bounds } from '../../../src/modules/hall/hall.bounds.js';
import { svg } from './dom.js';
import { STATUS_WORDS } from './hall-model.js';

export interface SeatDrawing extends SeatGeometry {
  id: number;
  row: number;
  place: number;
  status: SeatStatus;
  typeName: string;
  typeColor: string;
}

const MARGIN = 16;
const ROW_LABEL_SPACE = 36;
const SCREEN_SPACE = 72;

const EMPTY_BOUNDS = { x: 0, y: 0, width: 400, height: 200 };

export class SeatMap {
  private readonly nodes = new Map<number, SVGGElement>();

  constructor(readonly element: SVGSVGElement) {}

  draw(seats: readonly SeatDrawing[]): void {
    this.nodes.clear();
    // An empty hall (a layout being typed) still gets a drawable box.
    const bounds = seats.length > 0 ? layoutBounds(seats) : EMPTY_BOUNDS;
    const left = bounds.x - MARGIN - ROW_LABEL_SPACE;
    const top = bounds.y - MARGIN - SCREEN_SPACE;
    const width = bounds.width + 2 * (MARGIN + ROW_LABEL_SPACE);
    const height = bounds.height + 2 * MARGIN + SCREEN_SPACE;
    this.element.setAttribute('viewBox', `${left} ${top} ${width} ${height}`);
    this.element.replaceChildren(screenMarker(bounds), ...rowLabels(seats), ...seats.map((seat) => this.seatNode(seat)));
  }

  setStatus(id: number, status: SeatStatus): void {
    const node = this.nodes.get(id);
    if (!node) return;
    node.dataset.status = status;
    node.setAttribute('aria-label', seatLabel(node.dataset.label ?? '', status));
  }

  node(id: number): SVGGElement | undefined {
    return this.nodes.get(id);
  }

  get seatNodes(): IterableIterator<[number, SVGGElement]> {
    return this.nodes.entries();
  }

  private seatNode(seat: SeatDrawing): SVGGElement {
    const { x, y, width: w, height: h } = seat;
    const cx = x + w / 2;
    const cy = y + h / 2;
    const description = `Row ${seat.row}, seat ${seat.place}, ${seat.typeName}`;
    const node = svg(
      'g',
      {
        class: 'seat',
        'data-seat-id': seat.id,
        'data-row': seat.row,
        'data-place': seat.place,
        'data-status': seat.status,
        'data-label': description,
        // A <g> has no role of its own, and a name is not allowed on a role-less element
        // (axe aria-prohibited-attr): a seat is a labelled picture, unless the staff
        // selection makes it a list box option (seat-selection.ts).
        role: 'img',
        'aria-label': seatLabel(description, seat.status),
        transform: seat.rotation ? `rotate(${seat.rotation} ${cx} ${cy})` : undefined,
      },
      ...seatShape(x, y, w, h),
    );
    node.style.setProperty('--type-color', seat.typeColor);
    this.nodes.set(seat.id, node);
    return node;
  }
}

function seatLabel(description: string, status: SeatStatus): string {
  return `${description}, ${STATUS_WORDS[status]}`;
}

/** A seat's body and both status marks; CSS shows the mark of the seat's data-status. */
export function seatShape(x: number, y: number, w: number, h: number): SVGElement[] {
  const stripes = [0.2, 0.45, 0.7].map((f) => `M${x + w * f} ${y + h * 0.8}L${x + w * (f + 0.12)} ${y + h * 0.2}`).join('');
  return [
    svg('rect', { class: 'seat-body', x, y, width: w, height: h, rx: Math.min(w, h) * 0.2 }),
    svg('path', { class: 'seat-cross', d: `M${x + w * 0.28} ${y + h * 0.25}L${x + w * 0.72} ${y + h * 0.75}M${x + w * 0.72} ${y + h * 0.25}L${x + w * 0.28} ${y + h * 0.75}` }),
    svg('path', { class: 'seat-stripes', d: stripes }),
  ];
}

function screenMarker(bounds: Bounds): SVGGElement {
  const y = bounds.y - SCREEN_SPACE + 16;
  const inset = bounds.width * 0.1;
  const x1 = bounds.x + inset;
  const x2 = bounds.x + bounds.width - inset;
  return svg(
    'g',
    { class: 'screen', 'aria-hidden': 'true' },
    svg('path', { d: `M${x1} ${y + 14}Q${(x1 + x2) / 2} ${y - 6} ${x2} ${y + 14}` }),
    svg('text', { x: (x1 + x2) / 2, y: y + 40, 'text-anchor': 'middle' }, 'SCREEN'),
  );
}

/** Row numbers left of each row's first seat, so staff and spectators can find a seat. */
function rowLabels(seats: readonly SeatDrawing[]): SVGTextElement[] {
  const leftmost = new Map<number, SeatDrawing>();
  for (const seat of seats) {
    const current = leftmost.get(seat.row);
    if (!current || seat.x < current.x) leftmost.set(seat.row, seat);
  }
  return [...leftmost.values()].map((seat) =>
    svg('text', { class: 'row-label', x: seat.x - 10, y: seat.y + seat.height / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', 'aria-hidden': 'true' }, String(seat.row)),
  );
}

/** The drawing of a hall's seats as the server sends them. */
export function drawingsOf(seats: Iterable<Seat>): SeatDrawing[] {
  return [...seats].map((seat) => ({
    id: seat.id,
    row: seat.row,
    place: seat.place,
    x: seat.x,
    y: seat.y,
    width: seat.width,
    height: seat.height,
    rotation: seat.rotation,
    status: seat.status,
    typeName: seat.seat_type.name,
    typeColor: seat.seat_type.color,
  }));
}
