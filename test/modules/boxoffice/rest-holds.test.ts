// Holds over REST. The first suite runs against the server's own hold service (skipped
// while the server has none wired: then every hold route answers 503); the second checks
// the REST side alone (who the holder is, cinema limits before the service is called,
// Idempotency-Key on create and confirm) with a recording hold service.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../../src/core/errors.js';
import type { HoldCreateInput, Holder, HoldService, HoldView } from '../../../src/modules/hold/hold.types.js';
import { userWithRole } from '../../support/auth.js';
import { rest } from '../../support/rest.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const HOUR = 3_600_000;

async function setUp(server: TestServer, name: string) {
  const admin = await userWithRole(server.url, server.server.database.prisma, name, 'admin');
  const client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
  const cinemas = await client.call('cinemas.get_cinemas');
  const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
  const showing = await client.call('showing.create', { hall_id: cinemas[0].halls[0].id, title: 'Held', starts_at: at(1), ends_at: at(3) });
  const other = await client.call('showing.create', { hall_id: cinemas[1].halls[0].id, title: 'Elsewhere', starts_at: at(1), ends_at: at(3) });
  const seats: number[] = (await client.call('showing.get', { id: showing.id })).seats.filter((s: { status: string }) => s.status === 'VACANT').map((s: { id: number }) => s.id);
  const key = async (keyName: string, scopes: string[], cinema_ids?: number[]) => (await client.call('api_key.create', { name: keyName, scopes, ...(cinema_ids ? { cinema_ids } : {}) })).key as string;
  return { client, cinemas, showing, other, seats, key };
}

describe('holds over REST (the server\'s hold service)', () => {
  let server: TestServer;
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let available = true;

  before(async () => {
    server = await startTestServer();
    ctx = await setUp(server, 'hold_admin');
    const probe = await rest(server.url, 'GET', `/api/v1/holds/${randomUUID()}`, { key: await ctx.key('probe', ['hold']) });
    available = !(probe.status === 503 && /holds are not available/.test(probe.body.detail));
  });
  after(async () => {
    await ctx?.client.close();
    await server.close();
  });

  const seatStatus = async (key: string, seatId: number) =>
    (await rest(server.url, 'GET', `/api/v1/showings/${ctx.showing.id}/seats`, { key })).body.seats.find((s: { id: number }) => s.id === seatId).status as string;

  it('holds seats all or nothing, confirms them into OCCUPIED once, releases, and refuses others', async (t) => {
    if (!available) return t.skip('no hold service wired into this server yet');
    const office = await ctx.key('Office', ['read', 'hold']);
    const rival = await ctx.key('Rival', ['read', 'hold']);
    const holdPath = `/api/v1/showings/${ctx.showing.id}/holds`;
    const [a, b, c, d] = ctx.seats;

    const created = await rest(server.url, 'POST', holdPath, { key: office, idempotencyKey: randomUUID(), body: { seat_ids: [a, b], ttl_seconds: 120 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([[...created.body.seat_ids].sort(), created.body.status, created.body.holder, created.body.showing_id], [[a, b].sort(), 'active', 'Office', ctx.showing.id]);
    assert.ok(Date.parse(created.body.expires_at) > Date.now());
    assert.notEqual(await seatStatus(office, a!), 'VACANT', 'a held seat is not available');
    const seller = await ctx.key('Seller', ['mark']);
    const sold = await rest(server.url, 'POST', `/api/v1/showings/${ctx.showing.id}/seats`, { key: seller, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: a, status: 'OCCUPIED' }] } });
    assert.deepEqual([sold.status, sold.body.code, sold.body.seat_ids], [409, 'SeatsUnavailable', [a]], 'nobody sells a held seat');

    const taken = await rest(server.url, 'POST', holdPath, { key: rival, idempotencyKey: randomUUID(), body: { seat_ids: [b, c] } });
    assert.deepEqual([taken.status, taken.body.code, taken.body.seat_ids], [409, 'SeatsUnavailable', [b]]);
    assert.equal(await seatStatus(office, c!), 'VACANT', 'all or nothing');
    const notTheirs = await rest(server.url, 'GET', `/api/v1/holds/${created.body.id}`, { key: rival });
    assert.ok(['Forbidden', 'HoldNotFound'].includes(notTheirs.body.code), notTheirs.body.code);
    const rivalConfirm = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key: rival, idempotencyKey: randomUUID() });
    assert.ok([403, 404].includes(rivalConfirm.status));

    const confirmKey = randomUUID();
    const confirmed = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key: office, idempotencyKey: confirmKey });
    assert.deepEqual([confirmed.status, confirmed.body.status], [200, 'confirmed']);
    assert.equal(await seatStatus(office, a!), 'OCCUPIED');
    const replayed = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key: office, idempotencyKey: confirmKey });
    assert.deepEqual([replayed.status, replayed.body, replayed.headers.get('idempotent-replayed')], [200, confirmed.body, 'true']);
    const again = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key: office, idempotencyKey: randomUUID() });
    assert.deepEqual([again.status, again.body.code, again.body.details.status], [409, 'HoldNotActive', 'confirmed']);

    const second = await rest(server.url, 'POST', holdPath, { key: rival, idempotencyKey: randomUUID(), body: { seat_ids: [c, d] } });
    assert.equal(second.status, 201);
    const released = await rest(server.url, 'DELETE', `/api/v1/holds/${second.body.id}`, { key: rival, idempotencyKey: randomUUID() });
    assert.deepEqual([released.status, released.body.status], [200, 'released']);
    assert.equal(await seatStatus(office, c!), 'VACANT');
    assert.equal((await rest(server.url, 'GET', `/api/v1/holds/${second.body.id}`, { key: rival })).body.status, 'released');

    const unknown = await rest(server.url, 'GET', `/api/v1/holds/${randomUUID()}`, { key: office });
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'HoldNotFound']);
  });

  it('refuses bad hold requests before they reach the service', async () => {
    const office = await ctx.key('Validator', ['hold']);
    const holdPath = `/api/v1/showings/${ctx.showing.id}/holds`;
    for (const body of [{ seat_ids: [] }, { seat_ids: [1, 1] }, { seat_ids: [1], ttl_seconds: 5 }, { seat_ids: [1], ttl_seconds: 901 }, { seat_ids: Array.from({ length: 101 }, (_, i) => i + 1) }]) {
      const reply = await rest(server.url, 'POST', holdPath, { key: office, idempotencyKey: randomUUID(), body });
      assert.deepEqual([reply.status, reply.body.code], [400, 'ValidationError'], JSON.stringify(body));
    }
    const badId = await rest(server.url, 'GET', '/api/v1/holds/not-a-uuid', { key: office });
    assert.deepEqual([badId.status, badId.body.issues[0].path], [400, 'path.id']);
  });
});

/** Records what the REST side hands the hold service. */
class RecordingHolds implements HoldService {
  readonly calls: { op: string; holder: Holder }[] = [];
  private readonly holds = new Map<string, HoldView & { holderId: number }>();

  async create(showingId: number, input: HoldCreateInput, holder: Holder): Promise<HoldView> {
    this.calls.push({ op: 'create', holder });
    const hold = { id: randomUUID(), showing_id: showingId, hall_id: 1, seat_ids: input.seat_ids, status: 'active' as const, expires_at: new Date(Date.now() + input.ttl_seconds * 1000).toISOString(), holder: holder.name, version: 1, holderId: holder.id };
    this.holds.set(hold.id, hold);
    return this.view(hold);
  }
  async confirm(holdId: string, holder: Holder): Promise<HoldView> {
    this.calls.push({ op: 'confirm', holder });
    const hold = this.mine(holdId, holder);
    if (hold.status !== 'active') throw new AppError('HoldNotActive', 'not active', { status: hold.status });
    hold.status = 'confirmed' as never;
    return this.view(hold);
  }
  async release(holdId: string, holder: Holder): Promise<HoldView> {
    this.calls.push({ op: 'release', holder });
    const hold = this.mine(holdId, holder);
    hold.status = 'released' as never;
    return this.view(hold);
  }
  async get(holdId: string, holder: Holder): Promise<HoldView> {
    return this.view(this.mine(holdId, holder));
  }
  private mine(holdId: string, holder: Holder) {
    const hold = this.holds.get(holdId);
    if (!hold) throw new AppError('HoldNotFound', 'no hold');
    if (hold.holderId !== holder.id) throw new AppError('Forbidden', 'not yours');
    return hold;
  }
  private view({ holderId: _id, ...view }: HoldView & { holderId: number }): HoldView {
    return { ...view };
  }
}

describe('holds over REST (the REST side, with a recording hold service)', () => {
  let server: TestServer;
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const holds = new RecordingHolds();

  before(async () => {
    server = await startTestServer({ holds });
    ctx = await setUp(server, 'hold_rest_admin');
  });
  after(async () => {
    await ctx?.client.close();
    await server.close();
  });

  it('passes the API key as the holder, checks cinemas first, and creates and confirms once per Idempotency-Key', async () => {
    const key = await ctx.key('Kasse 1', ['hold'], [ctx.cinemas[0].id]);
    const idempotencyKey = randomUUID();
    const path = `/api/v1/showings/${ctx.showing.id}/holds`;
    const created = await rest(server.url, 'POST', path, { key, idempotencyKey, body: { seat_ids: [ctx.seats[0]] } });
    assert.equal(created.status, 201);
    assert.equal(created.body.expires_at > new Date().toISOString(), true);
    const retry = await rest(server.url, 'POST', path, { key, idempotencyKey, body: { seat_ids: [ctx.seats[0]] } });
    assert.deepEqual([retry.status, retry.body.id], [201, created.body.id]);
    assert.equal(holds.calls.filter((c) => c.op === 'create').length, 1, 'created once');
    const [row] = await server.server.database.sql<{ id: number }>("SELECT id FROM api_key WHERE name = 'Kasse 1'", []);
    assert.deepEqual(holds.calls[0]!.holder, { kind: 'api_key', id: row!.id, name: 'Kasse 1' });

    const elsewhere = await rest(server.url, 'POST', `/api/v1/showings/${ctx.other.id}/holds`, { key, idempotencyKey: randomUUID(), body: { seat_ids: [1] } });
    assert.deepEqual([elsewhere.status, elsewhere.body.code], [404, 'ShowingNotFound']);
    assert.equal(holds.calls.filter((c) => c.op === 'create').length, 1, 'the service never saw it');

    const other = await ctx.key('Kasse 2', ['hold']);
    const forbidden = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key: other, idempotencyKey: randomUUID() });
    assert.deepEqual([forbidden.status, forbidden.body.code], [403, 'Forbidden']);
    const confirmKey = randomUUID();
    const confirmed = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key, idempotencyKey: confirmKey });
    const confirmedAgain = await rest(server.url, 'POST', `/api/v1/holds/${created.body.id}/confirm`, { key, idempotencyKey: confirmKey });
    assert.deepEqual([confirmed.status, confirmed.body.status, confirmedAgain.body], [200, 'confirmed', confirmed.body]);
    const notActive = await rest(server.url, 'DELETE', `/api/v1/holds/${created.body.id}`, { key, idempotencyKey: randomUUID() });
    assert.equal(notActive.status, 200, 'the recording service releases anything; the real one answers HoldNotActive');
    assert.deepEqual((await rest(server.url, 'GET', `/api/v1/holds/${created.body.id}`, { key })).body.status, 'released');
  });
});
