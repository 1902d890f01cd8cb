// The composition root: config -> database -> bus -> modules -> HTTP and WebSocket servers;
// teardown in reverse. The only file that wires modules together.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CHANNELS, type ChangeBus } from './core/bus/bus.js';
import { DatabaseClock, type Clock } from './core/clock.js';
import { PgliteBus } from './core/bus/pglite-bus.js';
import { PostgresBus } from './core/bus/postgres-bus.js';
import type { Config } from './core/config.js';
import { openDatabase, readEpoch, type Database } from './core/db/index.js';
import { OutageReporter } from './core/db/unavailable.js';
import { createHttpApp } from './core/http/app.js';
import { createMetricsServer, metricsRoute } from './core/http/metrics-endpoint.js';
import { mountRoutes } from './core/http/route.js';
import type { Logger } from './core/logger.js';
import { createMetrics, type Metrics } from './core/metrics.js';
import { ProtocolRouter } from './core/protocol/router.js';
import { Readiness } from './core/readiness.js';
import { resolveSecrets } from './core/secrets.js';
import { Connections } from './core/ws/connections.js';
import { WsServer } from './core/ws/server.js';
import { startMark } from './core/start-trace.js';
import { seedDemoSchedule } from './demo/schedule.js';
import { demoTemplateContents, seedDemoData } from './demo/seed.js';
import { API_KEY_COMMAND_USAGE, createApiKeyModule, parseApiKeyCommand, runApiKeyCommand } from './modules/apikey/index.js';
import { createBoxOfficeModule } from './modules/boxoffice/index.js';
import { createCinemaModule } from './modules/cinema/index.js';
import { createHallModule } from './modules/hall/index.js';
import { createHoldModule, type HoldModule, type HoldService } from './modules/hold/index.js';
import { createChangeLog, createSeatModule, listenForSeatChanges } from './modules/seat/index.js';
import { startOutbound, type OutboundModule } from './modules/outbound/index.js';
import { createShowingModule } from './modules/showing/index.js';
import { createUserAdminTools, createUserModule, serveAdminSocket } from './modules/user/index.js';
import { mountApiDocs } from './web/docs.js';
import { mountWebPages } from './web/pages.js';

type ShowingModule = ReturnType<typeof createShowingModule>;

export interface RunningServer {
  port: number;
  wsPort: number | undefined;
  /** Set when METRICS_PORT is. */
  metricsPort: number | undefined;
  database: Database;
  metrics: Metrics;
  /** The MQTT bridge and webhook deliverer (tests wait on them). */
  outbound: OutboundModule;
  /** Holds (the box-office API calls them; tests sweep the expiry). */
  holds: HoldModule;
  /** Readiness goes 503 at once, sockets close after SHUTDOWN_DRAIN_MS. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** The clock of the schedule and of webhook retries; default: this machine's, kept in step with the database's. */
  clock?: Clock;
  /** Tests: another hold service behind the REST API's hold routes (default: the hold module's). */
  holds?: HoldService;
}

export async function startServer(rawConfig: Config, logger: Logger, options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveSecrets(rawConfig, logger);
  const metrics = createMetrics();
  startMark('secrets, metrics');
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    logger,
    newFolderContents: config.seedDemo ? demoTemplateContents : undefined,
  });
  const closers: (() => Promise<void>)[] = [() => database.close()];
  startMark('database open');
  try {
    const { prisma } = database;
    const clock = options.clock ?? (await startDatabaseClock(database, closers));
    startMark('database clock');
    if (config.seedDemo) {
      const seeded = await seedDemoData(prisma);
      if (seeded.seeded) logger.info('demo data created', { cinemas: seeded.cinemas, halls: seeded.halls, seats: seeded.seats });
      // A new database only (an embedded folder copied from the template holds the demo
      // already): a database from before showings keeps its halls as they are.
      if (config.seedDemoSchedule && (seeded.seeded || database.createdNow)) {
        const showings = await seedDemoSchedule(prisma, { now: clock.now(), timeZone: config.scheduleTimeZone });
        if (showings > 0) logger.info('demo schedule created', { showings });
      }
    }
    startMark('demo seed check');

    const bus = await createBus(database, logger);
    startMark('bus');
    closers.unshift(() => bus.close());
    bus.onReconnect(() => metrics.busReconnects.inc());
    const readiness = new Readiness(database, bus);
    // Other instances learn of an admin change from the notification; this one also
    // refreshes before the admin's reply, so the admin reads their own change at once.
    const announce = async (what: string) => {
      await bus.notify(CHANNELS.catalogChanged, what);
      await applyCatalogChange(what);
    };

    // The schedule decides each hall's current seat map; the modules below ask it through
    // these, and it exists once the hall store it drives does.
    let showings: ShowingModule | undefined;
    /** Set once the MQTT bridge exists: it republishes which stream each hall shows. */
    let rolledOver = () => {};
    const currentShowing = (hallId: number) => showings?.schedule.currentShowing(hallId) ?? null;
    const cinemas = createCinemaModule({ prisma, announce, currentShowings: () => showings?.schedule.currentShowings() ?? new Map() });
    // One direction: the change log first, then the halls that read it, then the seat
    // writer that hands its commits to the hall store, and the showings that move halls
    // from one seat map to the next.
    const changeLog = createChangeLog((text, params) => database.sql(text, params));
    const halls = createHallModule({
      prisma,
      logger,
      metrics,
      historySize: config.hallHistorySize,
      epoch: await readEpoch(prisma),
      changeLog,
      currentShowing,
      onCounts: (state) => {
        showings?.countsChanged(state);
        if (state.showingId === currentShowing(state.id)) cinemas.hallCountsChanged(state.id, state.key, state.version, state.totals);
      },
      announce,
    });
    showings = createShowingModule({
      prisma,
      logger,
      clock,
      leadMs: config.showingLeadMs,
      timeZone: config.scheduleTimeZone,
      store: halls.store,
      subscriptions: halls.subscriptions,
      announce,
      cinemaName: (id) => cinemas.name(id),
      // The cinema list shows each hall's current map's counts: read them again.
      onRollover: () => {
        rolledOver();
        void cinemas.currentMapsChanged().catch((error: unknown) => logger.error('cinema reload failed', { error: String(error) }));
      },
    });
    closers.unshift(async () => showings?.close());
    const seats = createSeatModule({
      prisma,
      sql: (text, params) => database.sql(text, params),
      // PGlite has one connection: a second batch would only wait for the first.
      groupCommit: {
        maxInFlight: database.kind === 'pglite' ? 1 : 2,
        maxChanges: 100,
        maxSeats: 2_000,
        onBatch: (changes, seconds) => {
          metrics.commitBatchSize.observe(changes);
          metrics.commitSeconds.observe(seconds);
        },
      },
      sink: halls.store,
      onCatalogChanged: announce,
      currentShowing,
    });
    closers.unshift(async () => halls.store.close());

    const holds = createHoldModule({
      sql: (text, params) => database.sql(text, params),
      sink: halls.store,
      connectionString: database.connectionString,
      sweepMs: config.holdSweepMs,
      logger,
    });
    closers.unshift(() => holds.close());

    const connections = new Connections();
    const users = createUserModule({ prisma, config, logger, bus, connections });
    const apiKeys = createApiKeyModule({ prisma, logger, rate: { ratePerSecond: config.api.ratePerSecond, burst: config.api.burst } });
    const boxOffice = createBoxOfficeModule({
      prisma,
      logger,
      keys: apiKeys.service,
      idempotency: { leaseSeconds: config.api.idempotencyLeaseSeconds, keepHours: config.api.idempotencyHours },
      services: {
        listCinemas: () => cinemas.list(),
        getHall: (id) => halls.get(id),
        listShowings: (input) => showings!.list(input),
        showingSeats: (id) => showings!.seatMap(id),
        markSeats: (input, actor) => seats.markSeats(input, actor),
        holds: () => options.holds ?? holds.service,
      },
    });
    boxOffice.start();
    closers.unshift(async () => boxOffice.close());
    startMark('modules created');

    await listenForSeatChanges(bus, halls.store);
    startMark('listen seat changes');
    await bus.listen(CHANNELS.catalogChanged, (what) => void applyCatalogChange(what));
    startMark('listen catalog');
    await showings.start();
    startMark('showings started');
    bus.onReconnect(() =>
      cinemas.reload().catch((error: unknown) => {
        logger.error('cinema reload failed', { error: String(error) });
      }),
    );
    await users.start();
    startMark('users started');
    const outbound = await startOutbound({ database, bus, config, logger, clock, currentShowing });
    rolledOver = () => outbound.mqtt?.wake();
    closers.unshift(() => outbound.close());
    startMark('outbound started');

    async function applyCatalogChange(what: string): Promise<void> {
      try {
        await showings?.catalogChanged(what);
        // A schedule change moves the cinema list only through the halls it rolls over
        // (onRollover above); a new list would make the original client reselect its hall.
        if (!what.startsWith('schedule:') && !what.startsWith('showing:')) await cinemas.reload();
        await halls.catalogChanged(what);
      } catch (error) {
        logger.error('catalog refresh failed', { what, error: String(error) });
      }
    }

    // One for the whole server: an outage is reported once, whichever transport meets it.
    const outages = new OutageReporter();
    const router = new ProtocolRouter({
      handlers: [...cinemas.handlers, ...halls.handlers, ...seats.handlers, ...showings.handlers, ...holds.handlers, ...users.handlers, ...outbound.handlers, ...apiKeys.handlers],
      publicRead: config.publicRead,
      logger,
      metrics,
      outages,
    });
    startMark('router');
    const ws = new WsServer({ config, router, logger, metrics, outages, connections, authenticate: (request) => users.authenticate(request) });

    const app = createHttpApp({
      config,
      logger,
      outages,
      checkReady: () => readiness.check(),
      mount: (express) => {
        if (config.metrics.public) express.get('/metrics', metricsRoute(metrics.registry, config.metrics.token));
        mountRoutes(express, users.routes);
        boxOffice.mount(express);
        mountWebPages(express, { logger });
        mountApiDocs(express);
      },
    });

    const server = createHttpServer(config, app);
    ws.attach(server);
    const port = await listen(server, config.port, config.host);
    startMark('http app, listening');
    const servers = [server];
    let wsPort: number | undefined;
    if (config.wsPort !== undefined) {
      const wsOnly = createHttpServer(config, (_request, response) => response.writeHead(404).end());
      ws.attach(wsOnly);
      wsPort = await listen(wsOnly, config.wsPort, config.host);
      servers.push(wsOnly);
    }
    let metricsPort: number | undefined;
    if (config.metrics.port !== undefined) {
      const metricsServer = createMetricsServer(metrics.registry, config.metrics.token);
      metricsPort = await listen(metricsServer, config.metrics.port, config.host);
      servers.push(metricsServer);
    }
    logger.info('seats sync listening', { port, wsPort, metricsPort, database: database.kind, tls: config.tls !== undefined });
    const baseUrl = config.publicUrl ?? `${config.tls ? 'https' : 'http'}://localhost:${port}`;
    await users.offerFirstAdminSetup(baseUrl);
    startMark('first admin offer');
    if (database.pglite) {
      // `npm run user` cannot open the folder this process holds; it asks here instead.
      const tools = createUserAdminTools({ prisma, config, logger, notifyUserChanged: (userId) => bus.notify(CHANNELS.userChanged, String(userId)) });
      try {
        const adminSocket = await serveAdminSocket({
          dataDir: config.dataDir,
          tools,
          baseUrl,
          logger,
          more: {
            'api-key': {
              usage: API_KEY_COMMAND_USAGE,
              run: (args) => {
                const command = parseApiKeyCommand(args);
                return command && runApiKeyCommand(apiKeys.service, command, 'command line');
              },
            },
          },
        });
        closers.unshift(() => adminSocket.close());
      } catch (error) {
        // E.g. a DATA_DIR path longer than a Unix socket path may be (~100 bytes): serve anyway.
        logger.warn('no admin socket: stop the server to run `npm run user`', { error: error instanceof Error ? error.message : String(error) });
      }
    }

    startMark('admin socket');
    closers.unshift(async () => {
      for (const s of servers) s.close();
      await ws.close(config.shutdownTimeoutMs / 2);
      for (const s of servers) s.closeAllConnections();
    });
    return {
      port,
      wsPort,
      metricsPort,
      database,
      metrics,
      outbound,
      holds,
      async close() {
        // Until exit: load balancers see 503 and stop sending new clients before anything closes.
        readiness.drain();
        if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
        await runClosers(closers, logger);
      },
    };
  } catch (error) {
    await runClosers(closers, logger);
    throw error;
  }
}

/** This machine's clock, kept at the database's offset (the one clock all instances share). */
async function startDatabaseClock(database: Database, closers: (() => Promise<void>)[]): Promise<Clock> {
  const clock = new DatabaseClock(async () => {
    const [row] = await database.sql<{ ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms', []);
    return Number(row!.ms);
  });
  await clock.start();
  closers.unshift(async () => clock.stop());
  return clock;
}

async function createBus(database: Database, logger: Logger): Promise<ChangeBus> {
  if (database.pglite) return new PgliteBus(database.pglite);
  const bus = new PostgresBus(database.connectionString!, logger);
  await bus.start();
  return bus;
}

function createHttpServer(config: Config, handler: http.RequestListener): http.Server {
  if (!config.tls) return http.createServer(handler);
  return https.createServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, handler);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function runClosers(closers: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      logger.warn('shutdown step failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
