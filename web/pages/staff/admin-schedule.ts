// Admins: the schedule of the hall picked in the console. A table of its showings (from
// a day ago to a week ahead) with Edit and Cancel, and one form that adds a showing,
// adds the same times every day for a week (showing.bulk_create: all seven or none), or,
// while editing, renames or moves one (showing.update sends only what changed: moving a
// showing that has started is refused, renaming it is not). Times are typed and shown in
// this device's time zone. Server refusals (an overlap above all) are said in words and
// change nothing, so the form keeps what was typed.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { Showing } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { seatsLeftWords } from '../shared/showing-words.js';
import type { HallShowings } from './hall-showings.js';

const WEEK_DAYS = 7;
/** A second click within this time confirms a cancellation. */
const CONFIRM_MS = 5_000;

const when = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export class ScheduleEditor {
  private readonly form = byId<HTMLFormElement>('showing-form');
  private readonly body = byId('schedule-body');
  private readonly message = byId('schedule-message');
  private readonly film = byId<HTMLInputElement>('showing-film');
  private readonly starts = byId<HTMLInputElement>('showing-starts');
  private readonly ends = byId<HTMLInputElement>('showing-ends');
  private readonly repeat = byId<HTMLInputElement>('showing-repeat');
  /** The showing being edited; null while the form adds new ones. */
  private editing: Showing | null = null;

  constructor(
    private readonly client: ProtocolClient,
    private readonly showings: HallShowings,
  ) {
    showings.listen({
      showings: (_hallId, list) => this.render(list),
      error: (text) => this.say(text, true),
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    byId('showing-edit-cancel').addEventListener('click', () => this.edit(null));
  }

  private render(list: readonly Showing[]): void {
    const hall = byId<HTMLSelectElement>('hall-select').selectedOptions[0]?.textContent;
    byId('schedule-hall').textContent = hall ?? 'the hall';
    if (this.editing && !list.some((s) => s.id === this.editing!.id)) this.edit(null);
    if (list.length === 0) {
      this.body.replaceChildren(el('tr', {}, el('td', { colspan: 6 }, 'No showings from yesterday to a week ahead.')));
      return;
    }
    this.body.replaceChildren(...list.map((showing) => this.row(showing)));
  }

  private row(showing: Showing): HTMLTableRowElement {
    const ended = Date.parse(showing.ends_at) <= Date.now();
    const started = Date.parse(showing.starts_at) <= Date.now();
    const cancelled = showing.status === 'cancelled';
    const status = cancelled ? 'Cancelled' : ended ? 'Ended' : started ? 'Running' : 'Scheduled';
    const name = `${showing.title}, ${when.format(new Date(showing.starts_at))}`;
    const actions = el('div', { class: 'schedule-actions' });
    if (!cancelled && !ended) {
      // The visible word, then what it acts on for screen readers (every row has the same buttons).
      const edit = el('button', { type: 'button', class: 'secondary' }, 'Edit', el('span', { class: 'visually-hidden' }, ` ${name}`));
      edit.addEventListener('click', () => this.edit(showing));
      const cancelWord = el('span', {}, 'Cancel');
      const cancel = el('button', { type: 'button', class: 'secondary', 'data-action': 'cancel' }, cancelWord, el('span', { class: 'visually-hidden' }, ` ${name}`));
      cancel.addEventListener('click', () => this.cancel(showing, cancel, cancelWord));
      actions.append(edit, cancel);
    }
    return el(
      'tr',
      { 'data-showing-id': showing.id, class: cancelled ? 'cancelled' : undefined },
      el('td', {}, showing.title),
      el('td', {}, el('time', { datetime: showing.starts_at }, when.format(new Date(showing.starts_at)))),
      el('td', {}, el('time', { datetime: showing.ends_at }, when.format(new Date(showing.ends_at)))),
      el('td', {}, seatsLeftWords(showing.seats_left)),
      el('td', {}, status),
      el('td', {}, actions),
    );
  }

  /** Fills the form with a showing to change, or (null) returns it to adding new ones. */
  private edit(showing: Showing | null): void {
    this.editing = showing;
    byId('showing-form-title').textContent = showing ? `Change "${showing.title}"` : 'New showing';
    byId('showing-save').textContent = showing ? 'Save changes' : 'Add showing';
    byId('showing-edit-cancel').hidden = showing === null;
    byId('showing-repeat-field').hidden = showing !== null;
    if (showing) {
      this.film.value = showing.title;
      this.starts.value = localInputValue(new Date(showing.starts_at));
      this.ends.value = localInputValue(new Date(showing.ends_at));
      this.repeat.checked = false;
      this.film.focus();
    }
    this.say('');
  }

  private async save(): Promise<void> {
    const hallId = this.showings.hallId;
    const start = fromLocalInput(this.starts.value);
    const end = fromLocalInput(this.ends.value);
    if (hallId === null) return this.say('Pick a hall first.', true);
    if (!start || !end) return this.say('Give the start and end as a date and a time.', true);
    if (end <= start) return this.say('The end must be after the start.', true);
    const title = this.film.value.trim();
    this.say('Saving…');
    try {
      if (this.editing) {
        const before = this.editing;
        const change: { id: number; title?: string; starts_at?: string; ends_at?: string } = { id: before.id };
        if (title !== before.title) change.title = title;
        if (start.getTime() !== Date.parse(before.starts_at)) change.starts_at = start.toISOString();
        if (end.getTime() !== Date.parse(before.ends_at)) change.ends_at = end.toISOString();
        if (Object.keys(change).length === 1) return this.say('Nothing to change.');
        const saved = await this.client.request('showing.update', change);
        this.edit(null);
        this.form.reset();
        this.say(`Saved "${saved.title}", ${when.format(new Date(saved.starts_at))}.`);
      } else if (this.repeat.checked) {
        const showings = Array.from({ length: WEEK_DAYS }, (_, day) => ({ title, starts_at: laterDay(start, day).toISOString(), ends_at: laterDay(end, day).toISOString() }));
        const { showings: added } = await this.client.request('showing.bulk_create', { hall_id: hallId, showings });
        this.form.reset();
        this.say(`Added ${added.length} showings of "${title}", every day at ${timeOfDay.format(start)}.`);
      } else {
        const added = await this.client.request('showing.create', { hall_id: hallId, title, starts_at: start.toISOString(), ends_at: end.toISOString() });
        this.form.reset();
        this.say(`Added "${added.title}", ${when.format(new Date(added.starts_at))}.`);
      }
    } catch (error) {
      this.say(errorInWords(error), true);
    }
    await this.showings.reload();
  }

  /** Two clicks: the first asks, the second (within a few seconds) cancels. */
  private cancel(showing: Showing, button: HTMLButtonElement, word: HTMLElement): void {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      word.textContent = 'Really cancel?';
      setTimeout(() => {
        button.dataset.confirm = '';
        word.textContent = 'Cancel';
      }, CONFIRM_MS);
      return;
    }
    this.say('Cancelling…');
    this.client
      .request('showing.cancel', { id: showing.id })
      .then((cancelled) => this.say(`Cancelled "${cancelled.title}", ${when.format(new Date(cancelled.starts_at))}.`))
      .catch((error: unknown) => this.say(errorInWords(error), true))
      .finally(() => void this.showings.reload());
  }

  private say(text: string, problem = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('problem-text', problem);
  }
}

/** A datetime-local field's value ("2026-12-01T18:00") as the instant it means here. */
function fromLocalInput(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  return new Date(year, month - 1, day, hour, minute);
}

function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The same wall-clock time `days` later: across a daylight-saving change it is not 24 h × days. */
function laterDay(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days, date.getHours(), date.getMinutes());
}
