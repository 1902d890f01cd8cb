// Start-up on a bare database, health and readiness, restarts that keep data, bad
// configuration, and graceful shutdown of the real `npm start` entry point.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '../support/database.js';
import { freePort, npmStartArgs, spawnServer, startTestServer, testEnv, type TestDatabaseHandle } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

describe('server lifecycle', () => {
  let database: TestDatabaseHandle;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('seeds demo data on an empty database, serves /health and /ready, and keeps data across a restart', async () => {
    const first = await startTestServer({ database });
    const health = await fetch(`${first.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const ready = await fetch(`${first.url}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ok');
    const prisma = first.server.database.prisma;
    assert.equal(await prisma.cinema.count(), 2);
    assert.equal(await prisma.hall.count(), 3);
    const seats = await prisma.seat.groupBy({ by: ['hall_id'], _count: true });
    for (const hall of seats) assert.ok(hall._count >= 100 && hall._count <= 400);
    assert.ok((await prisma.seat.count({ where: { status: 'MAINTENANCE' } })) > 0);
    await prisma.cinema.update({ where: { id: (await prisma.cinema.findFirstOrThrow()).id }, data: { name: 'Renamed Before Restart' } });
    await first.close();

    const second = await startTestServer({ database });
    const again = second.server.database.prisma;
    assert.equal(await again.cinema.count(), 2, 'no second seeding');
    assert.equal(await again.cinema.count({ where: { name: 'Renamed Before Restart' } }), 1, 'data kept');
    await second.close();
  });

  it('also serves the socket on WS_PORT when it is set and differs from PORT', async () => {
    const wsPort = await freePort();
    const server = await startTestServer({ database, env: { WS_PORT: String(wsPort) } });
    assert.equal(server.server.wsPort, wsPort);
    const onMain = await TestClient.connect(server.wsUrl);
    const onSecond = await TestClient.connect(`ws://127.0.0.1:${wsPort}/ws`);
    assert.deepEqual(await onSecond.call('cinemas.get_cinemas'), await onMain.call('cinemas.get_cinemas'));
    await Promise.all([onMain.close(), onSecond.close()]);
    await server.close();
  });

  it('exits non-zero with a one-line reason on bad configuration', () => {
    const result = spawnSync(process.execPath, npmStartArgs(), {
      env: { ...process.env, ...testEnv(database, { PORT: 'not-a-port', PUBLIC_READ: 'perhaps' }) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 78);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /PORT/);
    assert.match(lines[0]!, /PUBLIC_READ/);
  });

  it('refuses to start in production without secrets', () => {
    const result = spawnSync(process.execPath, npmStartArgs(), {
      env: { ...process.env, ...testEnv(database, { NODE_ENV: 'production' }) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /JWT_SECRET is required/);
  });

  it('shuts down on SIGTERM: sockets closed with 1001, exit 0 within 10 s', async () => {
    const server = await spawnServer(database);
    const client = await TestClient.connect(server.wsUrl);
    await client.call('cinemas.subscribe', null, 's');
    const started = Date.now();
    const exitCode = await server.stop('SIGTERM');
    assert.equal(exitCode, 0, server.output());
    assert.equal(await client.closed, 1001);
    assert.ok(Date.now() - started < 10_000);
  });

  it('shuts down cleanly on a SIGTERM that arrives while the last start-up steps still run', async () => {
    // The server listens before its last steps (the first-admin link, the admin socket):
    // a SIGTERM at that moment must close it, not kill it with the default action.
    const child = spawn(process.execPath, npmStartArgs(), {
      env: { ...process.env, ...testEnv(database, { LOG_FORMAT: 'json', PORT: String(await freePort()) }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = output;
      output += chunk.toString();
      if (!before.includes('"seats sync listening"') && output.includes('"seats sync listening"')) child.kill('SIGTERM');
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, output);
    assert.match(output, /"shutting down"/);
  });
});
