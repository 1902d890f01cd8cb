// `npm run user -- set-role | revoke | audit` on the configured database, with no server
// needed. With a server running, it applies the change to open sockets live: on
// PostgreSQL through pg_notify; an embedded PGlite folder is one process's at a time, so
// there the command is sent to the server's local admin socket and the server runs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createUserAdminTools, runUserCommand as runUserCommandHere } from '../../../src/modules/user/index.js';
import { enrol as enrolOverHttp } from '../../support/auth.js';
import { createTestDatabase, quietLogger } from '../../support/database.js';
import { startTestServer, testEnv, type TestDatabaseHandle } from '../../support/server.js';
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

  it('a running server applies set-role and revoke to open sockets at once (embedded: through its admin socket)', async () => {
    // The real server: on PGlite it holds the data folder, so the command goes to its admin socket.
    const server = await startTestServer({ database, env: { SEED_DEMO: 'false' } });
    const user = await enrolOverHttp(server.url, 'yann');
    const client = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
    await client.request('user.subscribe', null, 'me');
    try {
      if (database.databaseUrl === undefined) {
        // Only the account owning the data folder may drive the server through it.
        assert.equal((await stat(join(database.dataDir, 'admin.sock'))).mode & 0o777, 0o600);
      }
      const setRole = await runUserCommand(database, 'set-role', 'yann', 'staff');
      assert.equal(setRole.status, 0, setRole.output);
      assert.match(setRole.output, /yann is now staff/);
      const promoted = await client.waitFor((f) => f.eid === 'me' && f.status === 'update', 'role push');
      assert.deepEqual(promoted.data, { status: 'user', username: 'yann', role: 'staff' });
      assert.equal((await runUserCommand(database, 'revoke', 'yann')).status, 0);
      const revoked = await client.waitFor((f) => f.eid === 'me' && f.data?.status === 'guest', 'revocation push');
      assert.equal(revoked.status, 'update');
      // `audit` reads the same table; run in this process on the server's own client (a
      // third child process would cost seconds for nothing the two above do not show).
      const tools = createUserAdminTools({ prisma: server.server.database.prisma, config: server.config, logger: quietLogger, notifyUserChanged: async () => {} });
      const audit = await runUserCommandHere(tools, { command: 'audit' }, 'test', server.url);
      assert.match(audit, /sessions_revoked {2}yann {2}by command line/);
      assert.match(audit, /role_changed {2}yann {2}by command line {2}staff/);
    } finally {
      await client.close();
      await server.close();
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
