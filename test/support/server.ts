// A real server on an ephemeral port with its own database, in this process (fast,
// logs captured) or as a child process (for kill / restart / several instances).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig, type Config } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import type { HoldService } from '../../src/modules/hold/hold.types.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase } from './database.js';
import { CapturedLogs } from './log-capture.js';

export interface TestDatabaseHandle {
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  config: Config;
  logs: CapturedLogs;
  server: RunningServer;
  database: TestDatabaseHandle;
  /** Stops the server; drops the database unless it was passed in. */
  close(): Promise<void>;
}

export function testEnv(database: TestDatabaseHandle, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    // The demo halls keep their own seat maps (no showings), as every test before
    // showings expects; tests of showings schedule their own, or turn this on.
    SEED_DEMO_SCHEDULE: 'false',
    // Secrets live beside the data (dev mode); servers sharing a database share them.
    DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...env,
  };
}

export async function startTestServer(options: { env?: Record<string, string>; database?: TestDatabaseHandle; clock?: Clock; holds?: HoldService } = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig(testEnv(database, options.env));
  const logs = new CapturedLogs();
  const logger = createLogger(config, [logs]);
  const server = await startServer(config, logger, { clock: options.clock, holds: options.holds });
  return {
    url: `http://127.0.0.1:${server.port}`,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    port: server.port,
    config,
    logs,
    server,
    database,
    async close() {
      await server.close();
      if (!options.database) await database.drop();
    },
  };
}

export interface ServerProcess {
  port: number;
  url: string;
  wsUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s command without npm in between (package.json says `node <file>`), so the
 * child is the server itself: signals reach it and its exit code is the server's.
 */
export function npmStartArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const match = /^node (\S+)$/.exec(scripts.start);
  if (!match) throw new Error(`package.json's start script is not "node <file>": ${scripts.start}`);
  return [match[1]!];
}

/** `npm start` as a child process, on a fixed or free port, ready when /ready says so. */
export async function spawnServer(database: TestDatabaseHandle, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, npmStartArgs(), {
    env: { ...process.env, ...testEnv(database, { LOG_FORMAT: 'json', ...env, PORT: String(port) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
