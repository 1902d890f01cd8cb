// The staff's hall view: pick a hall, watch it live, select seats and set their status in
// one batch call guarded by expected_version. A VersionConflict changes nothing on the
// server; we say so in words, load the fresh state and keep the selection for a retry.
import { ProtocolError, type ProtocolClient, type Subscription } from '../../client/protocol-client.js';
import type { Cinema, SeatStatus } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { HallModel, occupiedPercent, STATUS_WORDS } from '../shared/hall-model.js';
import { renderLegend } from '../shared/legend.js';
import { drawingsOf, SeatMap } from '../shared/seat-map.js';
import { AuditTrail } from './audit-trail.js';
import { SeatSelection } from './seat-selection.js';

const CHANGED_FLASH_MS = 1_500;

export class HallConsole {
  private readonly map = new SeatMap(byId<SVGSVGElement>('staff-map'));
  private readonly selection: SeatSelection;
  private readonly audit: AuditTrail;
  private readonly picker = byId<HTMLSelectElement>('hall-select');
  private readonly message = byId('action-message');
  private model: HallModel | null = null;
  private hallSubscription: Subscription | null = null;
  private cinemasSubscription: Subscription | null = null;
  private canEdit = false;

  constructor(private readonly client: ProtocolClient) {
    this.audit = new AuditTrail(client);
    this.selection = new SeatSelection(this.map, (selected) => this.selectionChanged(selected.size));
    this.picker.addEventListener('change', () => this.pick(Number(this.picker.value)));
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-set-status]')) {
      button.addEventListener('click', () => void this.setStatus(button.dataset.setStatus as SeatStatus));
    }
    byId('clear-selection').addEventListener('click', () => this.selection.clear());
  }

  start(canEdit: boolean): void {
    this.canEdit = canEdit;
    byId('read-only-note').hidden = canEdit;
    this.selectionChanged(this.selection.selected.size);
    if (this.cinemasSubscription) return;
    this.cinemasSubscription = this.client.subscribeCinemas({
      snapshot: (cinemas) => this.fillPicker(cinemas),
      update: () => undefined, // the picker shows names only
      error: (error) => this.say(errorInWords(error)),
    });
  }

  stop(): void {
    this.cinemasSubscription?.unsubscribe();
    this.cinemasSubscription = null;
    this.hallSubscription?.unsubscribe();
    this.hallSubscription = null;
    this.model = null;
  }

  private fillPicker(cinemas: Cinema[]): void {
    const current = Number(this.picker.value) || Number(new URLSearchParams(location.hash.slice(1)).get('hall'));
    this.picker.replaceChildren(
      ...cinemas.map((cinema) => el('optgroup', { label: cinema.name }, ...cinema.halls.map((hall) => el('option', { value: hall.id }, `${hall.name} · ${cinema.name}`)))),
    );
    const ids = cinemas.flatMap((cinema) => cinema.halls.map((hall) => hall.id));
    const chosen = ids.includes(current) ? current : ids[0];
    if (chosen === undefined) return this.say('There are no halls yet.');
    this.picker.value = String(chosen);
    if (this.model?.hall.id !== chosen) this.pick(chosen);
  }

  private pick(hallId: number): void {
    this.hallSubscription?.unsubscribe();
    this.model = null;
    this.selection.clear();
    this.say('');
    history.replaceState(null, '', `#hall=${hallId}`);
    byId<HTMLAnchorElement>('display-link').href = `/display/halls/${hallId}`;
    this.audit.show(hallId);
    this.hallSubscription = this.client.subscribeHall(hallId, {
      snapshot: (hall) => {
        if (this.model) this.model.replace(hall);
        else this.model = new HallModel(hall);
        this.draw();
        this.audit.refreshSoon();
      },
      update: (update) => {
        if (!this.model) return;
        for (const { seat } of this.model.apply(update)) this.showStatus(seat.id, seat.status, true);
        this.showCounts();
        this.audit.refreshSoon();
      },
      error: (error) => this.say(errorInWords(error)),
    });
  }

  private draw(): void {
    const model = this.model!;
    this.map.draw(drawingsOf(model.seats.values()));
    this.map.element.setAttribute('aria-label', `Seats of ${model.hall.name}, ${model.hall.cinema_name}`);
    this.selection.refresh();
    renderLegend(byId('staff-legend'), model.hall.seat_types);
    this.showCounts();
  }

  private showStatus(seatId: number, status: SeatStatus, flash: boolean): void {
    this.map.setStatus(seatId, status);
    const node = this.map.node(seatId);
    if (!flash || !node) return;
    // Changes made elsewhere draw the eye for a moment.
    node.classList.add('changed');
    setTimeout(() => node.classList.remove('changed'), CHANGED_FLASH_MS);
  }

  private showCounts(): void {
    const counts = this.model!.counts;
    byId('staff-counts').textContent = `${counts.VACANT} free · ${counts.OCCUPIED} occupied · ${counts.MAINTENANCE} maintenance · ${occupiedPercent(counts)}% occupied`;
  }

  private selectionChanged(count: number): void {
    byId('selection-count').textContent = count === 0 ? 'No seats selected' : `${count} seat${count === 1 ? '' : 's'} selected`;
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-set-status], #clear-selection')) {
      button.disabled = count === 0 || (!this.canEdit && button.id !== 'clear-selection');
    }
  }

  private async setStatus(status: SeatStatus): Promise<void> {
    const model = this.model;
    if (!model || this.selection.selected.size === 0) return;
    const seats = [...this.selection.selected].map((seat_id) => ({ seat_id, status }));
    this.say('Saving…');
    try {
      await this.client.request('hall.update_seat_status', { hall_id: model.hall.id, seats, expected_version: model.version });
      this.say(`${seats.length} seat${seats.length === 1 ? '' : 's'} marked ${STATUS_WORDS[status]}.`);
      this.selection.clear();
    } catch (error) {
      this.say(errorInWords(error), true);
      if (error instanceof ProtocolError && error.code === 'VersionConflict') await this.reload(model.hall.id);
    }
  }

  /** The hall as it is now; seats only change in place, so the selection stays. */
  private async reload(hallId: number): Promise<void> {
    try {
      const hall = await this.client.request('hall.get', { id: hallId });
      if (this.model?.hall.id !== hallId || hall.version <= this.model.version) return;
      this.model.replace(hall);
      for (const seat of hall.seats) this.showStatus(seat.id, seat.status, false);
      this.showCounts();
      this.audit.refreshSoon();
    } catch (error) {
      this.say(errorInWords(error), true);
    }
  }

  private say(text: string, problem = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('problem-text', problem);
  }
}
