// 200 box-office clients race over REST for overlapping seats of one showing (PostgreSQL
// with TEST_DATABASE_URL, else PGlite): no seat is held twice, every loser gets
// SeatsUnavailable naming seats it asked for, and the showing's seat map and version
// are exactly the winners' holds, one version each.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../support/auth.js';
import { rest } from '../support/rest.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const CLIENTS = 200;
const SEATS = 30;
const PER_HOLD = 3;

/** A small deterministic generator: the same race on every run. */
function lcg(seed: number) {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('REST holds under a race', () => {
  let server: TestServer;
  let keys: string[];
  let showingId: number;
  let seats: number[];

  before(async () => {
    server = await startTestServer({ env: { API_KEY_BURST: '1000', API_KEY_RATE_PER_SECOND: '1000' } });
    const admin = await userWithRole(server.url, server.server.database.prisma, 'race_admin', 'admin');
    const client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    const cinemas = await client.call('cinemas.get_cinemas');
    const at = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const showing = await client.call('showing.create', { hall_id: cinemas[0].halls[0].id, title: 'Premiere', starts_at: at(1), ends_at: at(3) });
    showingId = showing.id;
    seats = (await client.call('showing.get', { id: showingId })).seats.slice(0, SEATS).map((s: { id: number }) => s.id);
    // Ten box offices, twenty clients each.
    keys = [];
    for (let i = 0; i < 10; i += 1) keys.push((await client.call('api_key.create', { name: `office ${i}`, scopes: ['read', 'hold'] })).key);
    await client.close();
  });
  after(() => server.close());

  it('holds each seat at most once and answers every loser with the seats it lost', async () => {
    const random = lcg(17);
    const wanted = Array.from({ length: CLIENTS }, () => {
      const pick = new Set<number>();
      while (pick.size < PER_HOLD) pick.add(seats[Math.floor(random() * SEATS)]!);
      return [...pick];
    });
    const before = (await rest(server.url, 'GET', `/api/v1/showings/${showingId}/seats`, { key: keys[0] })).body.version as number;
    // A lobby screen on the showing throughout.
    const screen = await TestClient.connect(server.wsUrl);
    const first = await screen.call('showing.subscribe', { id: showingId }, 'screen');
    const answers = await Promise.all(
      wanted.map((seatIds, i) => rest(server.url, 'POST', `/api/v1/showings/${showingId}/holds`, { key: keys[i % keys.length], idempotencyKey: randomUUID(), body: { seat_ids: seatIds, ttl_seconds: 600 } })),
    );
    const held = new Map<number, string>();
    const versions = new Set<number>();
    answers.forEach((answer, i) => {
      if (answer.status === 201) {
        for (const seat of answer.body.seat_ids as number[]) {
          assert.ok(!held.has(seat), `seat ${seat} held twice`);
          held.set(seat, answer.body.id);
        }
        versions.add(answer.body.version);
      } else {
        assert.deepEqual([answer.status, answer.body.code], [409, 'SeatsUnavailable'], JSON.stringify(answer.body));
        assert.ok(answer.body.seat_ids.length > 0 && answer.body.seat_ids.every((s: number) => wanted[i]!.includes(s)), 'names seats it asked for');
      }
    });
    const winners = answers.filter((a) => a.status === 201).length;
    assert.ok(winners >= SEATS / PER_HOLD / 2, `${winners} winners`);
    assert.equal(versions.size, winners, 'one version per hold');
    const map = (await rest(server.url, 'GET', `/api/v1/showings/${showingId}/seats`, { key: keys[0] })).body;
    assert.equal(map.version, before + winners, 'the seat map moved once per hold, no more');
    const heldInMap = map.seats.filter((s: { status: string }) => s.status === 'HELD').map((s: { id: number }) => s.id).sort((a: number, b: number) => a - b);
    assert.deepEqual(heldInMap, [...held.keys()].sort((a, b) => a - b));

    // The screen saw every version once, in order, and the audit trail is exactly the holds.
    if (winners > 0) await screen.waitForVersion('screen', before + winners);
    const seen = screen.pushes('screen', 'update').map((f) => f.data.version);
    assert.deepEqual(seen, Array.from({ length: before + winners - first.version }, (_, i) => first.version + 1 + i), 'gap-free, no duplicate');
    const trail = await server.server.database.sql<{ seat_id: number; new_status: string }>(
      'SELECT seat_id, new_status::text FROM showing_event WHERE showing_id = $1 AND version > $2 ORDER BY seat_id',
      [showingId, before],
    );
    assert.deepEqual(trail.map((e) => e.seat_id), [...held.keys()].sort((a, b) => a - b), 'one audit row per held seat');
    assert.ok(trail.every((e) => e.new_status === 'HELD'));
    await screen.close();
  });
});
