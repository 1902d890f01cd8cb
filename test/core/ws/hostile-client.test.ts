// A hostile client may reset its socket at any moment, flood the server or send envelopes
// built to be echoed back; none of it may stop the process or leave a request unanswered.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { enrol } from '../../support/auth.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const RATE = 20;

/** Holds an exclusive lock on the user table, so every session check waits, until released. */
async function holdUserTable(server: TestServer): Promise<() => Promise<void>> {
  const { database } = server.server;
  if (database.pglite) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const done = database.pglite.transaction(async (tx) => {
      await tx.exec('LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE');
      locked();
      await released;
    });
    await isLocked;
    return async () => {
      release();
      await done;
    };
  }
  const client = new pg.Client({ connectionString: database.connectionString });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

/**
 * Bytes the server has not read yet on its end of the connection from `clientPort`, from
 * the kernel's table (Linux): 0 once the server process has read the request.
 */
function unreadByServer(serverPort: number, clientPort: number): number | undefined {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, , queues] = line.trim().split(/\s+/);
    if (local?.endsWith(`:${hex(serverPort)}`) && remote?.endsWith(`:${hex(clientPort)}`)) return parseInt(queues!.split(':')[1]!, 16);
  }
  return undefined;
}

/**
 * Writes a WebSocket upgrade with the cookie, waits until the server has read it (so it is
 * checking the session), then resets the connection (RST).
 */
function upgradeAndReset(port: number, cookie: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`,
        () => {
          const waitForRead = () => {
            if (unreadByServer(port, socket.localPort!) !== 0) return setImmediate(waitForRead);
            socket.resetAndDestroy();
            resolve();
          };
          waitForRead();
        },
      );
    });
    socket.on('error', reject);
  });
}

describe('hostile clients', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: String(RATE) } });
  });
  after(() => server.close());

  it('survives upgrades reset by the client while their session is being checked', async () => {
    const user = await enrol(server.url, 'resetter');
    // In the server's process (this one), an error no one listens to is uncaught: it
    // would end a real server.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const release = await holdUserTable(server);
    try {
      await Promise.all(Array.from({ length: 5 }, () => upgradeAndReset(server.port, user.cookie)));
      // A request behind the resets: the server has seen them while the checks still wait.
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    } finally {
      await release();
    }
    // Behind the failed handshakes: every reset socket has been answered or dropped.
    const client = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
    const status = await client.call('user.subscribe');
    assert.equal(status.username, 'resetter');
    await client.close();
    process.off('uncaughtException', record);
    assert.deepEqual(uncaught.map(String), []);
  });

  it('answers every request over the rate limit with RateLimitExceeded and its own eid', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const sent = 2 * RATE - 1; // under the closing threshold: every one must be answered
    const eids = Array.from({ length: sent }, (_, i) => `flood-${i}`);
    const replies = Promise.all(eids.map((eid) => client.waitFor((f) => f.eid === eid, `reply to ${eid}`)));
    for (const eid of eids) client.sendRaw(JSON.stringify({ type: 'cinemas.get_cinemas', data: null, eid }));
    const frames = await replies;
    const limited = frames.filter((f) => f.error === 'RateLimitExceeded');
    assert.ok(limited.length >= sent - RATE, `${limited.length} RateLimitExceeded replies`);
    for (const frame of limited) {
      assert.equal(frame.type, 'cinemas.get_cinemas');
      assert.ok(frame.data.retry_after_ms >= 0 && frame.data.retry_after_ms <= 1_000);
    }
    assert.equal(client.frames.filter((f) => f.eid === '').length, 0, 'no unattributed replies');
    await client.close();
  });

  it('never echoes an invalid type or eid back', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const longType = 'x'.repeat(60_000);
    client.sendRaw(JSON.stringify({ type: longType, data: null, eid: 'long-type' }));
    const reply = await client.waitFor((f) => f.eid === 'long-type');
    assert.equal(reply.error, 'ValidationError');
    assert.ok(reply.type === 'error', `the ${reply.type.length}-character type was echoed`);
    const longEid = 'e'.repeat(20_000);
    client.sendRaw(JSON.stringify({ type: 'hall.get', data: { id: 1 }, eid: longEid }));
    const noEid = await client.waitFor((f) => f.type === 'hall.get' && f.status === 'error');
    assert.equal(noEid.error, 'ValidationError');
    assert.ok(noEid.eid === '', `the ${noEid.eid.length}-character eid was echoed`);
    await client.close();
  });
});
