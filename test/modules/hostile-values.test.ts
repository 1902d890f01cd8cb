// Values the database cannot store are refused by the schemas with a typed error before
// they reach SQL: integers beyond int4, NUL characters in text, HTTP bodies in a charset
// or encoding the server does not read. None of them may answer InternalServerError.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../support/auth.js';
import { firstHall, type HallSnapshot } from '../support/halls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const INT4_OVERFLOW = 2 ** 31;
const NUL_NAME = 'Hall\u0000One';

describe('hostile values', () => {
  let server: TestServer;
  let admin: EnrolledUser;
  let client: TestClient;
  let hall: HallSnapshot;
  let cinemaId: number;

  before(async () => {
    server = await startTestServer();
    admin = await userWithRole(server.url, server.server.database.prisma, 'boundsadmin', 'admin');
    client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    hall = await firstHall(client);
    cinemaId = (await client.call('cinemas.get_cinemas'))[0].id;
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  const layout = (overrides: Record<string, unknown> = {}) => ({ rows: 2, places: 3, seat_type_id: hall.seats[0]!.seat_type.id, ...overrides });

  const cases: [string, string, () => unknown][] = [
    ['expected_version beyond int4', 'hall.update_seat_status', () => ({ hall_id: hall.id, seats: [{ seat_id: hall.seats[0]!.id, status: 'OCCUPIED' }], expected_version: INT4_OVERFLOW })],
    ['before_version beyond int4', 'hall.history', () => ({ hall_id: hall.id, before_version: INT4_OVERFLOW })],
    ['since_version beyond int4', 'hall.subscribe', () => ({ id: hall.id, since_version: INT4_OVERFLOW })],
    ['cinema_id beyond int4', 'hall.create', () => ({ cinema_id: INT4_OVERFLOW, name: 'Overflow', layout: layout() })],
    ['seat_type_id beyond int4', 'hall.create', () => ({ cinema_id: cinemaId, name: 'Overflow', layout: layout({ seat_type_id: INT4_OVERFLOW }) })],
    ['a row seat type beyond int4', 'hall.preview', () => ({ layout: layout({ row_seat_types: [{ row: 1, seat_type_id: INT4_OVERFLOW }] }) })],
    ['a NUL in a cinema name', 'cinema.create', () => ({ name: NUL_NAME, color: '#123456' })],
    ['a NUL in a cinema rename', 'cinema.update', () => ({ id: cinemaId, name: NUL_NAME })],
    ['a NUL in a hall name', 'hall.create', () => ({ cinema_id: cinemaId, name: NUL_NAME, layout: layout() })],
    ['a NUL in a hall rename', 'hall.rename', () => ({ id: hall.id, name: NUL_NAME })],
    ['a NUL in a seat type name', 'seat_type.create', () => ({ name: NUL_NAME, color: '#123456' })],
    ['a NUL in a seat type rename', 'seat_type.update', () => ({ id: hall.seats[0]!.seat_type.id, name: NUL_NAME })],
  ];
  for (const [what, type, data] of cases) {
    it(`refuses ${what} (${type}) with ValidationError`, async () => {
      const reply = await client.request(type, data());
      assert.equal(reply.error, 'ValidationError', JSON.stringify(reply.data));
    });
  }

  it('stores SQL in a name as text: every query is parameterised', async () => {
    const name = "x'); DROP TABLE hall; --";
    const cinema = await client.call('cinema.create', { name, color: '#123456' });
    assert.equal(cinema.name, name);
    const cinemas = await client.call('cinemas.get_cinemas');
    assert.equal(cinemas.find((c: { id: number }) => c.id === cinema.id).name, name);
    assert.equal((await client.call('hall.get', { id: hall.id })).id, hall.id, 'the hall table is still there');
  });

  const bodies: [string, Record<string, string>, number, string][] = [
    ['a charset other than UTF-8', { 'content-type': 'application/json; charset=latin1' }, 415, 'UnsupportedMediaType'],
    ['an unknown Content-Encoding', { 'content-type': 'application/json', 'content-encoding': 'x-hostile' }, 415, 'UnsupportedMediaType'],
    ['a gzip body that is not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400, 'ValidationError'],
  ];
  for (const [what, headers, status, code] of bodies) {
    it(`answers an HTTP body in ${what} with ${status} ${code} on every /api/user route`, async () => {
      for (const route of ['auth_start', 'register', 'login', 'logout', 'status', 'auth_reset', 'recovery_codes']) {
        const response = await fetch(`${server.url}/api/user/${route}`, { method: 'POST', headers, body: '{"username":"alice"}' });
        const body = (await response.json()) as { status: string; error: string };
        assert.deepEqual([route, response.status, body.status, body.error], [route, status, 'error', code]);
      }
    });
  }
});
