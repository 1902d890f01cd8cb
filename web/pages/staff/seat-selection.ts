// Choosing seats on the staff map: click or tap toggles a seat, dragging a box selects the
// seats inside it (Shift or Ctrl adds to the selection), and the keyboard works as in a
// multi-select list box (WAI-ARIA APG): arrows move, Space toggles, Shift+arrows extend,
// Ctrl+A selects all, Escape clears. Focus stays on the <svg>; aria-activedescendant
// names the active seat, so 300 seats are not 300 tab stops.
import { svg } from '../shared/dom.js';
import type { SeatMap } from '../shared/seat-map.js';

const DRAG_THRESHOLD_PX = 5;

interface SeatPosition {
  id: number;
  row: number;
  place: number;
}

export class SeatSelection {
  readonly selected = new Set<number>();
  private active: number | null = null;
  /** Rows from the front, each sorted by place: what arrow keys walk. */
  private rows = new Map<number, SeatPosition[]>();
  private drag: { x: number; y: number; pointerId: number; additive: boolean; box: SVGRectElement | null } | null = null;

  constructor(
    private readonly map: SeatMap,
    private readonly onChange: (selected: ReadonlySet<number>) => void,
  ) {
    const element = map.element;
    element.setAttribute('role', 'listbox');
    element.setAttribute('aria-multiselectable', 'true');
    element.setAttribute('tabindex', '0');
    element.addEventListener('pointerdown', (event) => this.pointerDown(event));
    element.addEventListener('pointermove', (event) => this.pointerMove(event));
    element.addEventListener('pointerup', (event) => this.pointerUp(event));
    element.addEventListener('pointercancel', () => this.endDrag());
    element.addEventListener('keydown', (event) => this.keyDown(event));
    element.addEventListener('focus', () => {
      if (this.active === null) this.setActive(this.first());
    });
  }

  /** After the map was drawn: seat roles and ids, and the selection kept where seats still exist. */
  refresh(): void {
    this.rows = new Map();
    const present = new Set<number>();
    for (const [id, node] of this.map.seatNodes) {
      present.add(id);
      node.setAttribute('role', 'option');
      node.id = `seat-${id}`;
      const position = { id, row: Number(node.dataset.row), place: Number(node.dataset.place) };
      const row = this.rows.get(position.row) ?? [];
      row.push(position);
      this.rows.set(position.row, row);
    }
    for (const row of this.rows.values()) row.sort((a, b) => a.place - b.place);
    for (const id of this.selected) if (!present.has(id)) this.selected.delete(id);
    if (this.active !== null && !present.has(this.active)) this.active = null;
    this.paint();
  }

  clear(): void {
    this.selected.clear();
    this.paint();
  }

  private set(ids: Iterable<number>, additive: boolean): void {
    if (!additive) this.selected.clear();
    for (const id of ids) this.selected.add(id);
    this.paint();
  }

  private toggle(id: number): void {
    if (!this.selected.delete(id)) this.selected.add(id);
    this.paint();
  }

  private paint(): void {
    for (const [id, node] of this.map.seatNodes) {
      const selected = this.selected.has(id);
      node.classList.toggle('selected', selected);
      node.setAttribute('aria-selected', String(selected));
      node.classList.toggle('active', id === this.active);
    }
    if (this.active === null) this.map.element.removeAttribute('aria-activedescendant');
    else this.map.element.setAttribute('aria-activedescendant', `seat-${this.active}`);
    this.onChange(this.selected);
  }

  private setActive(id: number | null): void {
    this.active = id;
    this.paint();
  }

  private first(): number | null {
    const frontRow = [...this.rows.keys()].sort((a, b) => a - b)[0];
    return frontRow === undefined ? null : (this.rows.get(frontRow)?.[0]?.id ?? null);
  }

  private keyDown(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      this.set([...this.rows.values()].flat().map((s) => s.id), false);
      return;
    }
    if (event.key === 'Escape') return this.clear();
    if ((event.key === ' ' || event.key === 'Enter') && this.active !== null) {
      event.preventDefault();
      return this.toggle(this.active);
    }
    const next = this.neighbour(event.key);
    if (next === undefined) return;
    event.preventDefault();
    this.active = next;
    if (event.shiftKey) this.selected.add(next);
    this.paint();
    this.map.node(next)?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }

  /** The seat an arrow (or Home/End) key moves to; undefined for other keys. */
  private neighbour(key: string): number | undefined {
    const current = this.position(this.active);
    if (!current) return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(key) ? (this.first() ?? undefined) : undefined;
    const row = this.rows.get(current.row) ?? [];
    const index = row.findIndex((s) => s.id === current.id);
    switch (key) {
      case 'ArrowLeft':
        return (row[index - 1] ?? current).id;
      case 'ArrowRight':
        return (row[index + 1] ?? current).id;
      case 'Home':
        return (row[0] ?? current).id;
      case 'End':
        return (row[row.length - 1] ?? current).id;
      // Up is towards the screen, where row 1 is.
      case 'ArrowUp':
      case 'ArrowDown': {
        const target = this.rows.get(current.row + (key === 'ArrowUp' ? -1 : 1));
        if (!target) return current.id;
        return target.reduce((best, s) => (Math.abs(s.place - current.place) < Math.abs(best.place - current.place) ? s : best)).id;
      }
      default:
        return undefined;
    }
  }

  private position(id: number | null): SeatPosition | undefined {
    if (id === null) return undefined;
    for (const row of this.rows.values()) {
      const found = row.find((s) => s.id === id);
      if (found) return found;
    }
    return undefined;
  }

  private pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.drag = { x: event.clientX, y: event.clientY, pointerId: event.pointerId, additive: event.shiftKey || event.ctrlKey || event.metaKey, box: null };
  }

  private pointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    if (!drag.box) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD_PX) return;
      this.map.element.setPointerCapture(event.pointerId);
      drag.box = svg('rect', { class: 'drag-box' });
      this.map.element.append(drag.box);
    }
    const box = this.boxInMap(drag.x, drag.y, event.clientX, event.clientY);
    for (const [name, value] of Object.entries(box)) drag.box.setAttribute(name, String(value));
  }

  private pointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    if (drag.box) {
      const box = this.boxInMap(drag.x, drag.y, event.clientX, event.clientY);
      const inside: number[] = [];
      for (const [id, node] of this.map.seatNodes) {
        // The body's centre: rotation is about that centre, so it stays put.
        const body = node.querySelector('rect')!.getBBox();
        const cx = body.x + body.width / 2;
        const cy = body.y + body.height / 2;
        if (cx >= box.x && cx <= box.x + box.width && cy >= box.y && cy <= box.y + box.height) inside.push(id);
      }
      this.set(inside, drag.additive);
    } else {
      const seat = (event.target as Element).closest<SVGGElement>('.seat');
      const id = Number(seat?.dataset.seatId);
      if (seat && Number.isInteger(id)) {
        this.active = id;
        this.toggle(id);
      }
    }
    this.endDrag();
  }

  private endDrag(): void {
    this.drag?.box?.remove();
    this.drag = null;
  }

  /** A screen-space box between two pointer positions, in the map's own units. */
  private boxInMap(x1: number, y1: number, x2: number, y2: number): { x: number; y: number; width: number; height: number } {
    const matrix = this.map.element.getScreenCTM()?.inverse();
    const toMap = (x: number, y: number) => (matrix ? new DOMPoint(x, y).matrixTransform(matrix) : new DOMPoint(x, y));
    const a = toMap(x1, y1);
    const b = toMap(x2, y2);
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
  }
}
