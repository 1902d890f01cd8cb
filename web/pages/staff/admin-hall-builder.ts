// Admins: a new hall from a layout spec, previewed live with hall.preview (the server's
// own geometry, so the preview is exactly what hall.create will store). Clicking a
// preview seat cycles its seat type, which becomes a per-seat override in the spec.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { LayoutPreview, LayoutSpec, SeatType } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { SeatMap } from '../shared/seat-map.js';

const PREVIEW_DEBOUNCE_MS = 250;

export class HallBuilder {
  private readonly form = byId<HTMLFormElement>('hall-builder');
  private readonly map = new SeatMap(byId<SVGSVGElement>('preview-map'));
  private readonly message = byId('builder-message');
  private seatTypes: SeatType[] = [];
  /** Per-seat overrides by "row:place", from clicks on the preview. */
  private readonly seatOverrides = new Map<string, number>();
  /** Each previewed seat's type by "row:place", for cycling from what is shown. */
  private previewTypes = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private previewRequest = 0;

  constructor(private readonly client: ProtocolClient) {
    this.form.addEventListener('input', () => this.previewSoon());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create();
    });
    byId('add-row-type').addEventListener('click', () => this.addRowType());
    this.map.element.addEventListener('click', (event) => this.cycleSeatType(event));
  }

  async start(cinemas: { id: number; name: string }[]): Promise<void> {
    byId<HTMLSelectElement>('builder-cinema').replaceChildren(...cinemas.map((c) => el('option', { value: c.id }, c.name)));
    try {
      this.seatTypes = await this.client.request('seat_type.list', null);
      byId<HTMLSelectElement>('builder-seat-type').replaceChildren(...this.typeOptions());
      this.previewSoon();
    } catch (error) {
      this.say(errorInWords(error));
    }
  }

  private typeOptions(): HTMLOptionElement[] {
    return this.seatTypes.map((type) => el('option', { value: type.id }, type.name));
  }

  private addRowType(): void {
    const line = el(
      'li',
      { class: 'row-type' },
      el('label', {}, 'Row ', el('input', { type: 'number', min: 1, max: 40, value: 1, 'data-row': true, required: true })),
      el('label', {}, 'type ', el('select', { 'data-type': true }, ...this.typeOptions())),
      el('button', { type: 'button', class: 'link-button' }, 'Remove'),
    );
    line.querySelector('button')!.addEventListener('click', () => {
      line.remove();
      this.previewSoon();
    });
    byId('row-types').append(line);
    this.previewSoon();
  }

  /** The spec from the form, or a sentence saying which field cannot be read. */
  private spec(): LayoutSpec | string {
    const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const numbers = (text: string) => (text === '' ? [] : text.split(/[\s,]+/).map(Number));
    const places = numbers(value('builder-places'));
    const aisles = numbers(value('builder-aisles'));
    if (places.length === 0 || places.some((n) => !Number.isInteger(n))) return 'Places: give one number, or one per row separated by commas.';
    if (aisles.some((n) => !Number.isInteger(n))) return 'Aisles: give place numbers separated by commas.';
    const rowTypes = [...byId('row-types').querySelectorAll('li')].map((line) => ({
      row: Number(line.querySelector<HTMLInputElement>('[data-row]')!.value),
      seat_type_id: Number(line.querySelector<HTMLSelectElement>('[data-type]')!.value),
    }));
    return {
      rows: Number(value('builder-rows')),
      places: places.length === 1 ? places[0]! : places,
      aisles_after: aisles,
      shape: byId<HTMLSelectElement>('builder-shape').value === 'curved' ? 'curved' : 'straight',
      seat_type_id: Number(byId<HTMLSelectElement>('builder-seat-type').value),
      row_seat_types: rowTypes,
      seat_seat_types: [...this.seatOverrides].map(([key, seat_type_id]) => {
        const [row, place] = key.split(':').map(Number) as [number, number];
        return { row, place, seat_type_id };
      }),
    };
  }

  private previewSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.preview(), PREVIEW_DEBOUNCE_MS);
  }

  private async preview(): Promise<void> {
    const spec = this.spec();
    if (typeof spec === 'string') return this.say(spec);
    const request = ++this.previewRequest;
    try {
      const preview = await this.client.request('hall.preview', { layout: spec });
      if (request !== this.previewRequest) return; // an older answer after a newer edit
      this.draw(preview);
      this.say(`${preview.seats.length} seats in ${preview.rows} rows. Click a seat to change its type.`);
    } catch (error) {
      if (request === this.previewRequest) this.say(errorInWords(error));
    }
  }

  private draw(preview: LayoutPreview): void {
    const types = new Map(this.seatTypes.map((type) => [type.id, type]));
    this.previewTypes = new Map(preview.seats.map((seat) => [`${seat.row}:${seat.place}`, seat.seat_type_id]));
    this.map.draw(
      preview.seats.map((seat, index) => ({
        ...seat,
        id: index + 1,
        status: 'VACANT' as const,
        typeName: types.get(seat.seat_type_id)?.name ?? 'Unknown type',
        typeColor: types.get(seat.seat_type_id)?.color ?? '#71809A',
      })),
    );
  }

  private cycleSeatType(event: MouseEvent): void {
    const seat = (event.target as Element).closest<SVGGElement>('.seat');
    if (!seat || this.seatTypes.length === 0) return;
    const key = `${seat.dataset.row}:${seat.dataset.place}`;
    const current = this.seatOverrides.get(key) ?? this.previewTypes.get(key);
    const index = this.seatTypes.findIndex((type) => type.id === current);
    this.seatOverrides.set(key, this.seatTypes[(index + 1) % this.seatTypes.length]!.id);
    void this.preview();
  }

  private async create(): Promise<void> {
    const spec = this.spec();
    if (typeof spec === 'string') return this.say(spec);
    const name = byId<HTMLInputElement>('builder-name').value.trim();
    try {
      const hall = await this.client.request('hall.create', { cinema_id: Number(byId<HTMLSelectElement>('builder-cinema').value), name, layout: spec });
      this.seatOverrides.clear();
      this.message.replaceChildren(`Hall “${hall.name}” created with ${hall.seats.length} seats. `, el('a', { href: `/display/halls/${hall.id}` }, 'Open its display'));
    } catch (error) {
      this.say(errorInWords(error));
    }
  }

  private say(text: string): void {
    this.message.textContent = text;
  }
}
