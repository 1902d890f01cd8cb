// The user module alone, served the way src/server.ts serves it: the real HTTP app (JSON,
// cookies, Origin check, error shaping), the real WebSocket server and protocol router,
// a real database and its real change bus, on an ephemeral port. Logs are captured.
// The proxy from 127.0.0.1 is trusted so tests can play several client addresses
// (X-Forwarded-For) and TLS at the proxy (X-Forwarded-Proto).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeBus } from '../../../src/core/bus/bus.js';
import { PgliteBus } from '../../../src/core/bus/pglite-bus.js';
import { PostgresBus } from '../../../src/core/bus/postgres-bus.js';
import { loadConfig, type Config } from '../../../src/core/config.js';
import { openDatabase, type Database } from '../../../src/core/db/index.js';
import { OutageReporter } from '../../../src/core/db/unavailable.js';
import { createHttpApp } from '../../../src/core/http/app.js';
import { mountRoutes } from '../../../src/core/http/route.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { ProtocolRouter } from '../../../src/core/protocol/router.js';
import { resolveSecrets } from '../../../src/core/secrets.js';
import { Connections } from '../../../src/core/ws/connections.js';
import { WsServer } from '../../../src/core/ws/server.js';
import type { PrismaClient } from '../../../src/generated/prisma/client.js';
import { createUserModule, type UserModule } from '../../../src/modules/user/index.js';
import { createTestDatabase } from '../../support/database.js';
import { assertHttpContract } from '../../support/contract.js';
import { CapturedLogs } from '../../support/log-capture.js';
import { testEnv, type TestDatabaseHandle } from '../../support/server.js';
import { Authenticator } from './authenticator.js';

export interface UserHarness {
  url: string;
  wsUrl: string;
  config: Config;
  prisma: PrismaClient;
  module: UserModule;
  logs: CapturedLogs;
  database: TestDatabaseHandle;
  /** Stops everything; drops the database unless it was passed in. */
  close(): Promise<void>;
}

export async function startUserHarness(
  options: { env?: Record<string, string>; database?: TestDatabaseHandle; clock?: () => Date } = {},
): Promise<UserHarness> {
  const database = options.database ?? (await createTestDatabase());
  const logs = new CapturedLogs();
  const rawConfig = loadConfig(testEnv(database, { TRUST_PROXY: 'loopback', ...options.env }));
  const logger = createLogger(rawConfig, [logs]);
  const config = resolveSecrets(rawConfig, logger);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const bus = await createBus(db, logger);
  const connections = new Connections();
  const module = createUserModule({ prisma: db.prisma, config, logger, bus, connections, clock: options.clock });
  await module.start();
  const metrics = createMetrics();
  const outages = new OutageReporter();
  const router = new ProtocolRouter({ handlers: module.handlers, publicRead: config.publicRead, logger, metrics, outages });
  const ws = new WsServer({ config, router, logger, metrics, outages, connections, authenticate: (request) => module.authenticate(request) });
  const app = createHttpApp({
    config,
    logger,
    outages,
    checkReady: async () => ({ ready: true }),
    mount: (express) => mountRoutes(express, module.routes),
  });
  const server = http.createServer(app);
  ws.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    config,
    prisma: db.prisma,
    module,
    logs,
    database,
    async close() {
      server.close();
      await ws.close(500);
      server.closeAllConnections();
      await bus.close();
      await db.close();
      if (!options.database) await database.drop();
    },
  };
}

async function createBus(db: Database, logger: Logger): Promise<ChangeBus> {
  if (db.pglite) return new PgliteBus(db.pglite);
  const bus = new PostgresBus(db.connectionString!, logger);
  await bus.start();
  return bus;
}

export interface PostOptions {
  cookie?: string;
  /** The client address the trusted proxy reports (X-Forwarded-For). */
  ip?: string;
  /** Pretend TLS ended at the trusted proxy (X-Forwarded-Proto: https). */
  https?: boolean;
  origin?: string;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
}

export interface PostResult {
  http: number;
  body: { data: any; status: 'success' | 'error'; error: string | null };
  setCookies: string[];
}

export async function post(url: string, path: string, body: unknown, options: PostOptions = {}): Promise<PostResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (options.https) headers['x-forwarded-proto'] = 'https';
  if (options.origin) headers.origin = options.origin;
  const response = await fetch(`${url}/api/user${path}`, { method: 'POST', headers, body: options.rawBody ?? JSON.stringify(body) });
  const result: PostResult = { http: response.status, body: (await response.json()) as PostResult['body'], setCookies: response.headers.getSetCookie() };
  assertHttpContract(`/api/user${path}`, result.http, result.body);
  return result;
}

/** `name=value` of the session cookie a response set. */
export function sessionCookie(result: PostResult): string {
  return cookieSetBy(result, 'seats_session');
}

/** `name=value` of the registration cookie auth_start set: fetch has no cookie jar, so tests carry it to register. */
export function registrationCookie(result: PostResult): string {
  return cookieSetBy(result, 'seats_registration');
}

function cookieSetBy(result: PostResult, name: string): string {
  const header = result.setCookies.find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(result.setCookies)}`);
  return header.split(';')[0]!;
}

export interface Enrolled {
  username: string;
  app: Authenticator;
  cookie: string;
  recoveryCodes: string[];
  /** The code that finished the registration: its step is spent. */
  registrationCode: string;
  /** `seats_registration=<nonce>` from auth_start, which register needed. */
  registrationCookie: string;
  registered: PostResult;
  /** Every code, token and secret this user handed out, for the log scan. */
  secrets: string[];
}

/**
 * auth_start, scan the QR's URI, register with the current code and auth_start's
 * registration cookie. `cookie`: the registration cookie of an earlier auth_start by the
 * same browser, which restarts that registration.
 */
export async function enrol(url: string, username: string, options: { ip?: string; https?: boolean; cookie?: string } = {}): Promise<Enrolled> {
  const start = await post(url, '/auth_start', { username }, options);
  if (start.body.data?.status !== 'candidate') throw new Error(`auth_start: ${JSON.stringify(start.body)}`);
  const app = new Authenticator(start.body.data.qr_url);
  const registrationCode = app.nextCode();
  const registration = registrationCookie(start);
  const registered = await post(url, '/register', { username, code: registrationCode }, { ...options, cookie: registration });
  if (registered.body.status !== 'success') throw new Error(`register: ${JSON.stringify(registered.body)}`);
  const cookie = sessionCookie(registered);
  const recoveryCodes: string[] = registered.body.data.recovery_codes;
  return {
    username,
    app,
    cookie,
    recoveryCodes,
    registrationCode,
    registrationCookie: registration,
    registered,
    secrets: [app.secret, app.uri, registrationCode, cookie.split('=')[1]!, registration.split('=')[1]!, ...recoveryCodes],
  };
}

/** Fails if any of `secrets` appears in `logs` as a whole word (a 6-digit code inside a longer number does not count). */
export function assertNoSecretIn(logs: string, secrets: string[]): void {
  for (const secret of secrets) {
    if (secret.length < 6) throw new Error('too short to scan for');
    const pattern = new RegExp(`(?<![0-9A-Za-z])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
    if (pattern.test(logs)) throw new Error(`a secret of ${secret.length} characters (${secret.slice(0, 2)}...) appears in the log`);
  }
}
