// `npm run user -- set-role | revoke` on the configured database, with no server needed.
// On PostgreSQL a running server applies the change to open sockets live (pg_notify);
// an embedded PGlite folder is one process's at a time, so there the server is stopped
// while the command runs and the change is seen on the next start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '../../support/database.js';
import { testEnv, type TestDatabaseHandle } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';
import { enrol, post, startUserHarness, type UserHarness } from './user-harness.js';

/** Runs the command as a child process; the event loop stays free, so a live server here keeps serving. */
function runUserCommand(database: TestDatabaseHandle, ...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], {
      env: { ...process.env, ...testEnv(database, { LOG_LEVEL: 'info' }) },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe('npm run user', () => {
  let database: TestDatabaseHandle;
  let h: UserHarness | undefined;

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await h?.close();
    await database.drop();
  });

  it('set-role makes the first admin and revoke ends the sessions, with no server running', async () => {
    h = await startUserHarness({ database });
    const user = await enrol(h.url, 'zoe', { ip: '10.40.0.1' });
    await h.close();
    h = undefined;

    const setRole = await runUserCommand(database, 'set-role', 'zoe', 'admin');
    assert.equal(setRole.status, 0, setRole.output);
    const revoke = await runUserCommand(database, 'revoke', 'zoe');
    assert.equal(revoke.status, 0, revoke.output);
    assert.doesNotMatch(setRole.output + revoke.output, new RegExp(user.cookie.split('=')[1]!.slice(-20)));

    // The only admin cannot be demoted; the name is matched in any case.
    const demote = await runUserCommand(database, 'set-role', 'ZOE', 'viewer');
    assert.equal(demote.status, 1, demote.output);
    assert.match(demote.output, /LastAdmin/);
    assert.doesNotMatch(demote.output, /\n\s+at /);

    h = await startUserHarness({ database });
    assert.equal((await h.prisma.user.findUniqueOrThrow({ where: { username: 'zoe' } })).role, 'admin');
    assert.deepEqual((await post(h.url, '/status', {}, { cookie: user.cookie })).body.data, { status: 'guest' });
    await h.close();
    h = undefined;
  });

  it('a running server applies set-role and revoke to open sockets at once', async (t) => {
    if (database.databaseUrl === undefined) return t.skip("PGlite: the data folder is one process's at a time");
    h = await startUserHarness({ database });
    const user = await enrol(h.url, 'yann', { ip: '10.41.0.1' });
    const client = await TestClient.connect(h.wsUrl, { cookie: user.cookie });
    await client.request('user.subscribe', null, 'me');
    try {
      assert.equal((await runUserCommand(database, 'set-role', 'yann', 'staff')).status, 0);
      const promoted = await client.waitFor((f) => f.eid === 'me' && f.status === 'update', 'role push');
      assert.deepEqual(promoted.data, { status: 'user', username: 'yann', role: 'staff' });
      assert.equal((await runUserCommand(database, 'revoke', 'yann')).status, 0);
      const revoked = await client.waitFor((f) => f.eid === 'me' && f.data?.status === 'guest', 'revocation push');
      assert.equal(revoked.status, 'update');
    } finally {
      await client.close();
      await h.close();
      h = undefined;
    }
  });

  it('refuses bad arguments and unknown users with a message, not a stack', async () => {
    const bad = [[], ['set-role', 'zoe'], ['set-role', 'zoe', 'root'], ['set-role', 'bad name', 'admin'], ['revoke', 'zoe', 'admin'], ['delete', 'zoe']];
    const results = await Promise.all(bad.map((args) => runUserCommand(database, ...args)));
    results.forEach((result, i) => {
      assert.equal(result.status, 2, `${bad[i]!.join(' ')}: ${result.output}`);
      assert.match(result.output, /usage: npm run user/);
    });
    const unknown = await runUserCommand(database, 'set-role', 'nobody_here', 'admin');
    assert.equal(unknown.status, 1, unknown.output);
    assert.match(unknown.output, /UserNotFound/);
    assert.doesNotMatch(unknown.output, /\n\s+at /);
  });
});
