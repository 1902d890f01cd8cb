// Showing rules: times are checked at the edge (showing.types.ts) and by the database
// (no overlap, not in the past, by its clock); a started showing cannot move, an ended
// one cannot be cancelled. Every change is announced on the catalog channel so every
// instance re-reads its schedule, refreshes the showing's snapshot, and rolls halls over
// if their current showing changed.
import { AppError } from '../../core/errors.js';
import { toView, type ShowingModel, type WriteRefusal } from './showing.model.js';
import { MAX_LIST_WINDOW_MS, type ShowingInput, type ShowingListInput, type ShowingView } from './showing.types.js';

/** The same details a schema failure has (router.ts), for rules that need the stored showing. */
function validation(path: string, message: string): AppError {
  return new AppError('ValidationError', message, { message: `${path}: ${message}`, issues: [{ path, message }] });
}

function refusal(outcome: WriteRefusal, what: string, hallId?: number): AppError {
  switch (outcome) {
    case 'hall_not_found':
      return new AppError('HallNotFound', `no hall ${hallId}`);
    case 'not_found':
      return new AppError('ShowingNotFound', `no ${what}`);
    case 'cancelled':
      return new AppError('ShowingCancelled', `${what} is cancelled`);
    case 'started':
      return new AppError('ShowingStarted', `${what} has started; it can only be cancelled`);
    case 'ended':
      return new AppError('ShowingEnded', `${what} would end in the past, or has ended`);
    case 'overlap':
      return new AppError('ShowingOverlap', 'another scheduled showing of the hall overlaps that time; nothing was changed', { hall_id: hallId });
    case 'invalid_times':
      return validation('ends_at', 'ends_at must be after starts_at, and a showing lasts at most 24 hours');
  }
}

export function createShowingService(model: ShowingModel, announce: (what: string) => Promise<void>, now: () => number) {
  async function view(id: number): Promise<ShowingView> {
    const row = await model.get(id);
    if (!row) throw new AppError('ShowingNotFound', `no showing ${id}`);
    return toView(row);
  }

  async function create(hallId: number, showings: ShowingInput[]): Promise<ShowingView[]> {
    const outcome = await model.create(hallId, showings);
    if (!Array.isArray(outcome)) throw refusal(outcome, 'a showing', hallId);
    await announce(`schedule:${hallId}`);
    return Promise.all(outcome.map(view));
  }

  return {
    get: view,

    async create(input: { hall_id: number } & ShowingInput): Promise<ShowingView> {
      const [created] = await create(input.hall_id, [{ title: input.title, starts_at: input.starts_at, ends_at: input.ends_at }]);
      return created!;
    },

    async bulkCreate(input: { hall_id: number; showings: ShowingInput[] }): Promise<{ showings: ShowingView[] }> {
      return { showings: await create(input.hall_id, input.showings) };
    },

    async update(input: { id: number; title?: string; starts_at?: string; ends_at?: string }): Promise<ShowingView> {
      const outcome = await model.update(input.id, {
        title: input.title,
        starts_at: input.starts_at === undefined ? undefined : new Date(input.starts_at),
        ends_at: input.ends_at === undefined ? undefined : new Date(input.ends_at),
      });
      if (outcome !== true) throw refusal(outcome, `showing ${input.id}`, (await model.hallOf(input.id)) ?? undefined);
      await announce(`showing:${input.id}`);
      return view(input.id);
    },

    async cancel(id: number): Promise<ShowingView> {
      const outcome = await model.cancel(id);
      if (outcome !== true) throw refusal(outcome, `showing ${id}`);
      await announce(`showing:${id}`);
      return view(id);
    },

    /** Defaults: from a day ago to a week ahead. */
    async list(input: ShowingListInput): Promise<{ showings: ShowingView[] }> {
      const from = input.from !== undefined ? Date.parse(input.from) : now() - 24 * 3_600_000;
      const to = input.to !== undefined ? Date.parse(input.to) : Math.min(from + 8 * 24 * 3_600_000, from + MAX_LIST_WINDOW_MS);
      if (to <= from || to - from > MAX_LIST_WINDOW_MS) {
        throw validation('to', 'to must be after from, at most 31 days later');
      }
      const rows = await model.list({ hallId: input.hall_id, cinemaId: input.cinema_id, from: new Date(from), to: new Date(to) });
      return { showings: rows.map(toView) };
    },
  };
}

export type ShowingService = ReturnType<typeof createShowingService>;
