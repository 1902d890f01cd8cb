// What each REST route does: a check of the API key's cinemas, then the same service
// function the socket message calls. A key limited to some cinemas is answered as if
// the others did not exist (404 with the resource's NotFound code): it cannot probe them.
import { AppError } from '../../core/errors.js';
import { mayUseCinema, type ApiPrincipal } from '../apikey/index.js';
import type { CinemaView } from '../cinema/index.js';
import type { HallView } from '../hall/index.js';
import type { HoldCreateInput, Holder, HoldService } from '../hold/hold.types.js';
import type { MarkSeatsInput, MarkSeatsReply } from '../seat/index.js';
import { showingListSchema, type ShowingListInput, type ShowingView } from '../showing/index.js';
import { parseRequestPart } from '../../core/http/route.js';
import type { RestContext, RestHandlers } from './boxoffice.api.js';
import type { BoxOfficeModel } from './boxoffice.model.js';
import { ETAG_PATTERN } from './boxoffice.routes.js';

export interface BoxOfficeServices {
  listCinemas(): Promise<CinemaView[]>;
  getHall(id: number): Promise<HallView>;
  listShowings(input: ShowingListInput): Promise<{ showings: ShowingView[] }>;
  showingSeats(id: number): Promise<HallView>;
  markSeats(input: MarkSeatsInput, actor: { userId: null }): Promise<MarkSeatsReply>;
  /** The hold module's service; undefined on a server without it. */
  holds(): HoldService | undefined;
}

const etag = (version: number) => `"${version}"`;

function holderOf(principal: ApiPrincipal): Holder {
  return { kind: 'api_key', id: principal.id, name: principal.name };
}

export function createRestHandlers(services: BoxOfficeServices, model: BoxOfficeModel): RestHandlers {
  const holds = (): HoldService => {
    const service = services.holds();
    if (!service) throw new AppError('ServiceUnavailable', 'holds are not available on this server', { retry_after: 60 });
    return service;
  };
  /** The showing's hall, if the key may use its cinema. */
  async function showingInReach(principal: ApiPrincipal, showingId: number): Promise<{ hall_id: number; cinema_id: number }> {
    const place = await model.showingPlace(showingId);
    if (!place || !mayUseCinema(principal, place.cinema_id)) throw new AppError('ShowingNotFound', `no showing ${showingId}`);
    return place;
  }
  const id = (context: RestContext) => context.params.id as number;
  const holdId = (context: RestContext) => context.params.id as string;

  return {
    async listCinemas({ principal }) {
      return { body: { cinemas: (await services.listCinemas()).filter((c) => mayUseCinema(principal, c.id)) } };
    },

    async getHall(context) {
      const hall = await services.getHall(id(context));
      if (!mayUseCinema(context.principal, hall.cinema_id)) throw new AppError('HallNotFound', `no hall ${id(context)}`);
      return { body: hall };
    },

    async listShowings({ principal, query }) {
      const input = parseRequestPart(showingListSchema, query, 'query');
      if (input.cinema_id !== undefined && !mayUseCinema(principal, input.cinema_id)) throw new AppError('CinemaNotFound', `no cinema ${input.cinema_id}`);
      if (input.hall_id !== undefined) {
        const place = await model.hallPlace(input.hall_id);
        if (place && !mayUseCinema(principal, place.cinema_id)) throw new AppError('HallNotFound', `no hall ${input.hall_id}`);
      }
      const { showings } = await services.listShowings(input);
      return { body: { showings: showings.filter((s) => mayUseCinema(principal, s.cinema_id)) } };
    },

    async getShowingSeats(context) {
      const map = await services.showingSeats(id(context));
      if (!mayUseCinema(context.principal, map.cinema_id)) throw new AppError('ShowingNotFound', `no showing ${id(context)}`);
      const tag = etag(map.version);
      if (noneMatch(context.header('if-none-match'), tag)) return { status: 304, headers: { ETag: tag } };
      return { body: map, headers: { ETag: tag } };
    },

    async markShowingSeats(context) {
      const showingId = id(context);
      const body = context.body as { seats: MarkSeatsInput['seats']; expected_version?: number };
      const ifMatch = context.header('if-match');
      const matched = ifMatch === undefined ? undefined : Number(ETAG_PATTERN.exec(ifMatch)![1]);
      if (matched !== undefined && body.expected_version !== undefined && matched !== body.expected_version) {
        throw new AppError('ValidationError', 'If-Match and expected_version name different versions; send one');
      }
      const place = await showingInReach(context.principal, showingId);
      try {
        const reply = await services.markSeats(
          { hall_id: place.hall_id, showing_id: showingId, seats: body.seats, expected_version: matched ?? body.expected_version },
          { userId: null },
        );
        return { body: reply, headers: { ETag: etag(reply.version) } };
      } catch (error) {
        // A failed If-Match is HTTP's own precondition failure (412); the body's expected_version stays the socket's VersionConflict.
        if (matched !== undefined && error instanceof AppError && error.code === 'VersionConflict') {
          throw new AppError('PreconditionFailed', error.message, error.details);
        }
        throw error;
      }
    },

    async createHold(context) {
      const showingId = id(context);
      await showingInReach(context.principal, showingId);
      return { status: 201, body: await holds().create(showingId, context.body as HoldCreateInput, holderOf(context.principal)) };
    },

    async getHold(context) {
      return { body: await holds().get(holdId(context), holderOf(context.principal)) };
    },

    async confirmHold(context) {
      return { body: await holds().confirm(holdId(context), holderOf(context.principal)) };
    },

    async releaseHold(context) {
      return { body: await holds().release(holdId(context), holderOf(context.principal)) };
    },
  };
}

/** If-None-Match (RFC 9110 13.1.2): `*`, or a list of tags compared weakly. */
function noneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}
