// Our server as a bench target: started as `npm start` starts it, in production mode, on
// its own copy of the prepared store, with the connection and message caps lifted (the
// bench opens thousands of sockets from one IP and writers send as fast as the server
// answers).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForOk } from './ports.js';
import { repoRoot, spawnNode, stopChild } from './spawn-node.js';
import type { RunningTarget } from './target.js';

/**
 * The file `npm start` runs (package.json: `node <file>`), read from package.json so the
 * bench measures the same start (scenario 5 times it) and never a different one.
 */
export function serverEntry(): string {
  const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /^node (\S+)$/.exec(scripts.start);
  if (!match) throw new Error(`package.json's start script is not "node <file>": ${scripts.start}`);
  return match[1]!;
}

/** A hall shows its next showing's map from this long before the showing starts. */
export const SHOWING_LEAD_MINUTES = 30;

export interface SeatsSecrets {
  JWT_SECRET: string;
  TOTP_ENCRYPTION_KEY: string;
}

/** Fixed for one bench run, so a cookie issued while preparing stays valid on every copy. */
export function newSecrets(): SeatsSecrets {
  return { JWT_SECRET: randomBytes(32).toString('hex'), TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
}

export interface LaunchOptions {
  storeEnv: Record<string, string>;
  secrets: SeatsSecrets;
  cookie?: string;
  nodeArgs?: string[];
}

export async function launchSeatsServer(options: LaunchOptions): Promise<RunningTarget> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnNode(serverEntry(), {
    typescript: false,
    nodeArgs: options.nodeArgs,
    env: {
      ...options.storeEnv,
      ...options.secrets,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      WS_MAX_CONNECTIONS: '1000000',
      WS_MAX_CONNECTIONS_PER_IP: '1000000',
      WS_MESSAGES_PER_SECOND: '1000000',
      SHUTDOWN_TIMEOUT_MS: '3000',
      // No load balancer drains a bench server: production's 5 s pause before closing
      // sockets only made every repetition's stop 5 s longer.
      SHUTDOWN_DRAIN_MS: '0',
      // The default, pinned: the rollover scenario times its boundary from it.
      SHOWING_LEAD_MINUTES: String(SHOWING_LEAD_MINUTES),
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${baseUrl}/ready`, 60_000, () => child.exitCode === null);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    kind: 'seats',
    pid: child.pid as number,
    endpoint: { kind: 'seats', baseUrl, cookie: options.cookie },
    readyMs: performance.now() - started,
    stop: () => stopChild(child, 8_000),
  };
}
