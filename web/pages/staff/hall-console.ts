// The staff's hall view: pick a hall and one of its seat maps, watch it live, select seats
// and set their status in one batch call guarded by expected_version. A VersionConflict
// changes nothing on the server; we say so in words, load the fresh state and keep the
// selection for a retry.
//
// Seat maps: by default the hall's current one, which follows the schedule as the lobby
// screen does (hall.subscribe; a rollover swaps the map). Picking a showing pins the console
// to that showing (showing.subscribe), before, during or after it runs; "Hall (no showing)"
// is the hall's own map, which the server only shows while no showing is current. Every
// change names the map it was made on (showing_id), so what staff see is what they change
// even when the hall rolls over between the click and the request.
import { ProtocolError, type HallListener, type ProtocolClient, type Subscription } from '../../client/protocol-client.js';
import type { Cinema, Hall, SeatStatus, Showing, ShowingSummary } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { HallModel, occupiedPercent, STATUS_WORDS } from '../shared/hall-model.js';
import { renderLegend } from '../shared/legend.js';
import { drawingsOf, SeatMap } from '../shared/seat-map.js';
import { showingTimes } from '../shared/showing-words.js';
import { hhmm } from '../shared/time-format.js';
import { AuditTrail } from './audit-trail.js';
import { HoldList } from './hold-list.js';
import type { HallShowings } from './hall-showings.js';
import { SeatSelection } from './seat-selection.js';

const CHANGED_FLASH_MS = 1_500;

/** Which seat map of the hall the console shows and changes. */
type MapChoice = { kind: 'current' } | { kind: 'hall' } | { kind: 'showing'; id: number };

const HALL_OPTION = 'hall';
const dayAndTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export class HallConsole {
  private readonly map = new SeatMap(byId<SVGSVGElement>('staff-map'));
  private readonly selection: SeatSelection;
  private readonly audit: AuditTrail;
  private readonly holds: HoldList;
  private readonly picker = byId<HTMLSelectElement>('hall-select');
  private readonly message = byId('action-message');
  private readonly showingPicker = byId<HTMLSelectElement>('showing-select');
  private readonly showingNote = byId('showing-note');
  private model: HallModel | null = null;
  private hallId: number | null = null;
  private choice: MapChoice = { kind: 'current' };
  /** "Hall (no showing)" while a showing is current: that map cannot be read, so nothing is shown or changed. */
  private ownMapHidden = false;
  private hallSubscription: Subscription | null = null;
  private cinemasSubscription: Subscription | null = null;
  private canEdit = false;

  constructor(
    private readonly client: ProtocolClient,
    private readonly showings: HallShowings,
  ) {
    this.audit = new AuditTrail(client);
    this.holds = new HoldList(client, (seatId) => {
      const seat = this.model?.seats.get(seatId);
      return seat ? `Row ${seat.row}, seat ${seat.place}` : `seat ${seatId}`;
    });
    this.selection = new SeatSelection(this.map, (selected) => this.selectionChanged(selected.size));
    this.picker.addEventListener('change', () => this.pick(Number(this.picker.value)));
    this.showingPicker.addEventListener('change', () => {
      const value = this.showingPicker.value;
      this.choose(value === HALL_OPTION ? { kind: 'hall' } : { kind: 'showing', id: Number(value) });
    });
    byId('follow-current').addEventListener('click', () => this.choose({ kind: 'current' }));
    showings.listen({
      showings: (hallId) => {
        if (hallId === this.hallId) this.fillShowingPicker();
      },
      error: (text) => this.say(text, true),
    });
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

  /** A hall is picked: its current seat map, following the schedule. */
  private pick(hallId: number): void {
    this.hallId = hallId;
    history.replaceState(null, '', `#hall=${hallId}`);
    byId<HTMLAnchorElement>('display-link').href = `/display/halls/${hallId}`;
    // The last hall's showings go at once; this hall's come with its list and its snapshot.
    this.showingPicker.replaceChildren();
    void this.showings.show(hallId);
    this.choose({ kind: 'current' });
  }

  private choose(choice: MapChoice): void {
    if (this.hallId === null) return;
    this.choice = choice;
    this.hallSubscription?.unsubscribe();
    this.model = null;
    this.selection.clear();
    this.say('');
    const listener: HallListener = {
      snapshot: (hall, reason) => {
        if (this.model) this.model.replace(hall);
        else this.model = new HallModel(hall);
        this.ownMapHidden = this.choice.kind === 'hall' && hall.showing !== null;
        this.draw();
        this.showChoice();
        this.audit.show(hall.id, this.choice.kind === 'hall' ? null : (hall.showing?.id ?? null));
        this.holds.show(this.choice.kind === 'hall' ? null : (hall.showing?.id ?? null));
        // A rollover, or a showing moved, renamed or cancelled: the picker's list changed too.
        if (reason) void this.showings.reload();
      },
      update: (update) => {
        if (!this.model || this.ownMapHidden) return;
        for (const { seat } of this.model.apply(update)) this.showStatus(seat.id, seat.status, true);
        this.showCounts();
        this.audit.refreshSoon();
        this.holds.refreshSoon();
      },
      error: (error) => this.say(errorInWords(error), true),
    };
    this.hallSubscription = choice.kind === 'showing' ? this.client.subscribeShowing(choice.id, listener) : this.client.subscribeHall(this.hallId, listener);
  }

  /** The showing picker: the hall's own map, then every showing in the window (and the one shown, if outside it). */
  private fillShowingPicker(): void {
    const shown = this.model?.hall.showing ?? null;
    const listed: (Showing | ShowingSummary)[] = [...this.showings.list];
    // The current showing before the list has loaded (or outside its window).
    if (shown && !listed.some((s) => s.id === shown.id)) listed.unshift(shown);
    this.showingPicker.replaceChildren(
      el('option', { value: HALL_OPTION }, 'Hall (no showing)'),
      ...listed.map((showing) => el('option', { value: showing.id }, showingLabel(showing))),
    );
    this.showingPicker.value = this.choice.kind === 'showing' ? String(this.choice.id) : this.choice.kind === 'hall' || shown === null ? HALL_OPTION : String(shown.id);
  }

  /** Says which map this is and whether it follows the schedule. */
  private showChoice(): void {
    const showing = this.model?.hall.showing ?? null;
    byId('follow-current').hidden = this.choice.kind === 'current';
    let note: string;
    if (this.ownMapHidden) note = `While "${showing!.title}" is on, the hall's own seat map cannot be shown or changed here. Pick the showing, or go back to the current one.`;
    // "Now on" within the lead time too: the times say when it starts, and this page's clock may not be the server's.
    else if (this.choice.kind === 'current') note = showing ? `Now on: ${showing.title}, ${showingTimes(showing)}. The map follows the schedule.` : "No showing now: the hall's own seat map. The map follows the schedule.";
    else if (!showing) note = "The hall's own seat map (no showing).";
    else if (showing.status === 'cancelled') note = `${showing.title} is cancelled: its seats can no longer change.`;
    else if (Date.parse(showing.ends_at) <= Date.now()) note = `${showing.title} is over: its seats can no longer change.`;
    else note = `${showing.title}, ${dayAndTime.format(new Date(showing.starts_at))}–${hhmm(new Date(showing.ends_at))}.`;
    this.showingNote.textContent = note;
    this.showingNote.hidden = false;
    this.fillShowingPicker();
    this.selectionChanged(this.selection.selected.size);
  }

  private draw(): void {
    const model = this.model!;
    this.map.draw(this.ownMapHidden ? [] : drawingsOf(model.seats.values()));
    const what = model.hall.showing && !this.ownMapHidden ? `${model.hall.showing.title} in ${model.hall.name}` : model.hall.name;
    this.map.element.setAttribute('aria-label', `Seats of ${what}, ${model.hall.cinema_name}`);
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
    if (this.ownMapHidden) {
      byId('staff-counts').textContent = '';
      return;
    }
    const counts = this.model!.counts;
    byId('staff-counts').textContent = `${counts.VACANT} free · ${counts.OCCUPIED} occupied · ${counts.MAINTENANCE} maintenance · ${occupiedPercent(counts)}% occupied`;
  }

  private selectionChanged(count: number): void {
    byId('selection-count').textContent = count === 0 ? 'No seats selected' : `${count} seat${count === 1 ? '' : 's'} selected`;
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-set-status], #clear-selection')) {
      button.disabled = count === 0 || ((!this.canEdit || this.ownMapHidden) && button.id !== 'clear-selection');
    }
  }

  private async setStatus(status: SeatStatus): Promise<void> {
    const model = this.model;
    if (!model || this.ownMapHidden || this.selection.selected.size === 0) return;
    const seats = [...this.selection.selected].map((seat_id) => ({ seat_id, status }));
    this.say('Saving…');
    try {
      // The map on screen, named: never "whatever the hall's current map is by then".
      const showingId = model.hall.showing?.id ?? null;
      await this.client.request('hall.update_seat_status', { hall_id: model.hall.id, showing_id: showingId, seats, expected_version: model.version });
      this.say(`${seats.length} seat${seats.length === 1 ? '' : 's'} marked ${STATUS_WORDS[status]}.`);
      this.selection.clear();
    } catch (error) {
      this.say(errorInWords(error), true);
      if (error instanceof ProtocolError && error.code === 'VersionConflict') await this.reload(model.hall);
    }
  }

  /** The map as it is now; seats only change in place, so the selection stays. */
  private async reload(shown: Hall): Promise<void> {
    const showingId = shown.showing?.id ?? null;
    try {
      const hall = showingId === null ? await this.client.request('hall.get', { id: shown.id }) : await this.client.request('showing.get', { id: showingId });
      // Another map meanwhile (a rollover, another pick): its own snapshot brings it.
      if (this.model?.hall.id !== shown.id || (this.model.hall.showing?.id ?? null) !== (hall.showing?.id ?? null) || hall.version <= this.model.version) return;
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

function showingLabel(showing: Showing | ShowingSummary): string {
  const state = showing.status === 'cancelled' ? ' (cancelled)' : Date.parse(showing.ends_at) <= Date.now() ? ' (ended)' : '';
  return `${dayAndTime.format(new Date(showing.starts_at))} · ${showing.title}${state}`;
}
