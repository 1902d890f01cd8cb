// The production image's layout, run for real without a Docker engine: the server
// bundle, a `node_modules` installed with --omit=dev --omit=optional (no install
// scripts, so no caches), a read-only code folder, a non-root user, NODE_ENV=production
// on PostgreSQL. It must start, serve a socket and the API reference under /docs/, seed
// nothing, write nothing into its code folder, and keep `node_modules` under 150 MB.
// Mirrors docker/Dockerfile's runtime stage; only `docker build` itself is not run here.
// PostgreSQL only: the image's compose stack runs on it, and the npm install makes this
// the slowest test: ~25 s alone, 74 s measured in a full run on a machine shared by five
// test suites.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase } from '../support/database.js';
import { freePort, startTestServer, tempDir, type TestDatabaseHandle } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_NODE_MODULES_MB = 150;
const SECRETS = { JWT_SECRET: 'production-layout-test-secret-0123456789', TOTP_ENCRYPTION_KEY: 'ab'.repeat(32) };
/** What docker/Dockerfile copies into the runtime stage, besides node_modules. */
const CODE = [
  'package.json',
  'package-lock.json',
  'dist',
  'web/dist',
  'docs/asyncapi.yaml',
  'docs/openapi.yaml',
  'docs/protocol.md',
  'prisma',
  'scripts/start.mjs',
  'scripts/build-server.mjs',
];
/** What /docs/ serves: the API viewers' files come from the page build, not from node_modules. */
const API_DOCS = ['/docs/socket', '/docs/http', '/docs/assets/socket.js', '/docs/vendor/asyncapi/index.js', '/docs/vendor/swagger-ui/swagger-ui-bundle.js', '/docs/asyncapi.yaml', '/docs/openapi.yaml'];

/** Every path under `dir` with its size and modification time, to see that nothing changed. */
function listing(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stats = lstatSync(join(dir, name));
    entries.set(name, `${stats.size}:${stats.mtimeMs}`);
  }
  const self = lstatSync(dir);
  entries.set('.', `${self.mtimeMs}`);
  return entries;
}

function makeReadOnly(path: string): void {
  for (const name of readdirSync(path, { recursive: true }) as string[]) {
    const full = join(path, name);
    const stats = lstatSync(full);
    if (!stats.isSymbolicLink()) chmodSync(full, stats.isDirectory() ? 0o555 : 0o444);
  }
  chmodSync(path, 0o555);
}

describe('production layout', () => {
  let database: TestDatabaseHandle;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('a production start seeds no demo data', async () => {
    const server = await startTestServer({ database, env: { NODE_ENV: 'production', ...SECRETS } });
    try {
      assert.equal(await server.server.database.prisma.cinema.count(), 0);
      assert.equal(await server.server.database.prisma.hall.count(), 0);
    } finally {
      await server.close();
    }
  });

  it(
    'runs from the built bundle with pruned node_modules, a read-only code folder and a non-root user',
    // The timeout guards a hung install or start, not the budget (see the top of the file).
    { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)', timeout: 180_000 },
    async () => {
      const work = tempDir('seats-sync-prod-');
      const app = join(work, 'app');
      const data = join(work, 'data');
      let child: ChildProcess | undefined;
      try {
        // The image's build stage: the bundle (and the pages, built by install).
        execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
        assert.ok(existsSync(join(ROOT, 'web/dist/staff.html')), 'web/dist is built by npm install');
        assert.ok(existsSync(join(ROOT, 'web/dist/docs/index.html')), 'web/dist/docs is built by npm install');
        mkdirSync(join(app, 'scripts'), { recursive: true });
        for (const path of CODE) cpSync(join(ROOT, path), join(app, path), { recursive: true });
        // The image's deps stage: production dependencies only, no install scripts.
        execFileSync('npm', ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
          cwd: app,
          stdio: 'inherit',
        });
        const megabytes = Number(execFileSync('du', ['-sm', join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
        console.log(`production node_modules: ${megabytes} MB`);
        assert.ok(megabytes < MAX_NODE_MODULES_MB, `node_modules is ${megabytes} MB`);
        assert.ok(!existsSync(join(app, 'node_modules/.cache')), 'no PGlite caches');
        assert.ok(!existsSync(join(app, 'src')), 'no sources to rebuild from');

        // The runtime stage: code read-only (and root-owned when we are root), data writable by the server's user.
        makeReadOnly(app);
        chmodSync(work, 0o755);
        mkdirSync(data);
        const asRoot = process.getuid?.() === 0;
        const user = asRoot ? { uid: 65534, gid: 65534 } : {}; // nobody:nogroup, as the image's `node` user
        if (asRoot) chownSync(data, 65534, 65534);
        const before = listing(app);

        const port = await freePort();
        const env = {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATABASE_URL: database.databaseUrl,
          DATA_DIR: data,
          SHUTDOWN_DRAIN_MS: '0',
          ...SECRETS,
        };
        child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: app, ...user, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
        const url = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 30_000;
        for (;;) {
          assert.equal(child.exitCode, null, `server exited:\n${output}`);
          const ready = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
          if (ready) break;
          assert.ok(Date.now() < deadline, `not ready in 30 s:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }

        const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
        const snapshot = await client.request('cinemas.subscribe', null, 'cinemas');
        assert.equal(snapshot.status, 'snapshot');
        assert.deepEqual(snapshot.data, [], 'a production start seeds nothing');
        await client.close();
        const db = new pg.Client({ connectionString: database.databaseUrl });
        await db.connect();
        const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM hall');
        await db.end();
        assert.equal(rows[0]!.count, '0');

        for (const path of API_DOCS) {
          const response = await fetch(`${url}${path}`);
          await response.arrayBuffer();
          assert.equal(response.status, 200, path);
        }

        // The bundled role command line runs there too (no sources, no TypeScript loader).
        const cli = spawnSync(process.execPath, ['dist/user.js', 'set-role', 'nobody_enrolled', 'admin'], { cwd: app, ...user, env, encoding: 'utf8' });
        assert.equal(cli.status, 1, cli.stderr);
        assert.match(cli.stderr, /^UserNotFound: /);
        const keys = spawnSync(process.execPath, ['dist/api-key.js', 'create', 'Image box office', '--scopes', 'read'], { cwd: app, ...user, env, encoding: 'utf8' });
        assert.equal(keys.status, 0, keys.stderr);
        const key = keys.stdout.trim().split('\n').at(-1)!;
        assert.equal((await fetch(`${url}/api/v1/cinemas`, { headers: { Authorization: `Bearer ${key}` } })).status, 200, 'the key made by the bundled command works');

        child.kill('SIGTERM');
        assert.equal(await exited, 0, output);
        assert.deepEqual(listing(app), before, 'nothing was written into the code folder');
        for (const line of output.trim().split('\n')) JSON.parse(line); // production logs are JSON lines
      } finally {
        if (child && child.exitCode === null) child.kill('SIGKILL');
        chmodSync(work, 0o755);
        if (existsSync(app)) execFileSync('chmod', ['-R', 'u+w', app]);
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
});
