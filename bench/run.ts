// `npm run bench`: the scenarios of issues 8 and 19, each against raw ws, Socket.IO and
// our server in one run (instances and rollover on ours alone); prints Markdown tables and writes
// bench/results/<name>.json. Exits non-zero when any subscriber missed, duplicated or
// reordered a version, or a socket was not served (CI runs `--smoke`, where that is all
// that is checked).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, serverBundleIsStale } from '../scripts/build-server.mjs';
import { parseOptions, type BenchOptions, type ScenarioId } from './options.js';
import { describeMachine, formatScenario, writeResults } from './report.js';
import { coldStartScenario, onNewStore } from './scenarios/cold-start.js';
import { formatBoxOffice, runBoxOffice, type BoxOfficeResult } from './scenarios/box-office.js';
import { connectionsScenario } from './scenarios/connections.js';
import { instancesScenario } from './scenarios/instances.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { manyHallsScenario } from './scenarios/many-halls.js';
import { rolloverScenario } from './scenarios/rollover.js';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './scenarios/scenario.js';
import { WRITES_VARIANTS, writesId, writesScenario } from './scenarios/writes.js';
import { baselineTarget } from './targets/baseline-target.js';
import { serverEntry } from './targets/seats-server.js';
import { pgliteStore, postgresStore, scratchDir, type SeatsStore } from './targets/seats-store.js';
import { seatsInstancesTarget } from './targets/seats-instances.js';
import { prepareSeats, seatsTarget } from './targets/seats-target.js';
import { repoRoot, stopAllChildren } from './targets/spawn-node.js';
import type { Target } from './targets/target.js';

const log = (line: string) => console.error(line);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const baselines = options.targets.filter((k) => k !== 'seats').map((k) => baselineTarget(k));
  let withSeats = options.targets.includes('seats');
  if (withSeats && !existsSync(join(repoRoot, serverEntry()))) {
    log(`${serverEntry()} does not exist yet: running the baselines only`);
    withSeats = false;
  }
  // As `npm start` would on its first start after an edit; done here so no measured start
  // includes a build.
  if (withSeats && serverBundleIsStale()) {
    log('building dist/server.js (sources changed since the last build)...');
    await buildServer();
  }
  const stores: SeatsStore[] = [];
  const scenarios: ScenarioResult[] = [];
  const extra: { boxOffice?: BoxOfficeResult } = {};
  try {
    // Prepared once per run, only for the scenarios asked for.
    const fixtureFor = async (store: SeatsStore) => {
      stores.push(store);
      log(`preparing ${store.label} store (admin session, ${options.halls} bench halls)...`);
      return prepareSeats(store, options.halls);
    };
    const pglite = memo(async () => seatsTarget(await fixtureFor(pgliteStore(scratchDir(join(tmpdir(), 'seats-bench'))))));
    const postgresFixture = memo(async () => fixtureFor(await postgresStore(options.databaseUrl as string)));
    const postgres = memo(async () => seatsTarget(await postgresFixture()));
    const writeStore = options.databaseUrl ? postgres : pglite;
    const oursFor = async (id: ScenarioId): Promise<Target[]> => {
      if (id === 'instances') {
        // One process against several on one database, the same fixture for both.
        if (!Number.isInteger(options.instances) || options.instances < 2) throw new Error('--instances must be a whole number, 2 or more');
        const fixture = await postgresFixture();
        return [seatsInstancesTarget(fixture, 1), seatsInstancesTarget(fixture, options.instances)];
      }
      // The two database-bound scenarios follow BENCH_DATABASE_URL.
      return [await (id === 'writes' || id === 'rollover' ? writeStore() : pglite())];
    };
    const profileDir = (id: string) => (options.profile ? join(repoRoot, 'bench/results/profiles', id) : undefined);

    for (const id of options.scenarios) {
      if (id === 'box-office') {
        // Not a socket scenario: the write functions alone, in child processes.
        if (!withSeats) continue;
        log('box office: hold + confirm beside single seat changes');
        const boxOffice = runBoxOffice(options, log);
        console.log(`\n${formatBoxOffice(boxOffice)}\n`);
        extra.boxOffice = boxOffice;
        continue;
      }
      if (id === 'instances' && withSeats && !options.databaseUrl) {
        log('instances: skipped (several server processes share one PostgreSQL database; set BENCH_DATABASE_URL)');
        continue;
      }
      const ours = withSeats ? await oursFor(id) : [];
      for (const { spec, targets, seatsOnly } of plan(id, options, ours, profileDir)) {
        if (targets.length === 0 && seatsOnly) continue;
        log(`${spec.title}`);
        const result = await runScenario(spec, [...(seatsOnly ? [] : baselines), ...targets], options.reps, log);
        scenarios.push(result);
        console.log(`\n${formatScenario(result, options.reps)}\n`);
        // Written after every scenario, so an interrupted long run keeps what it measured.
        writeResults(options.name, { machine: describeMachine(), options, scenarios, ...extra, startedAt, seconds: (performance.now() - started) / 1000 });
      }
    }
  } finally {
    for (const store of stores) await store.dispose().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
  const seconds = (performance.now() - started) / 1000;
  const path = writeResults(options.name, { machine: describeMachine(), options, scenarios, ...extra, startedAt, seconds });
  const problems = scenarios.flatMap((s) => s.problems);
  log(`results: ${path} (${seconds.toFixed(0)} s)`);
  if (problems.length > 0) {
    log(`${problems.length} correctness problems:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  return 0;
}

/** seatsOnly: the baselines do not run (several instances of our server on one database; showings). */
function plan(id: ScenarioId, options: BenchOptions, ours: Target[], profileDir: (id: string) => string | undefined): { spec: ScenarioSpec; targets: Target[]; seatsOnly?: boolean }[] {
  switch (id) {
    case 'fanout':
      return [{ spec: fanoutScenario(options, profileDir('fanout')), targets: ours }];
    case 'halls':
      return [{ spec: manyHallsScenario(options, profileDir('halls')), targets: ours }];
    case 'connections':
      return [{ spec: connectionsScenario(options, profileDir('connections')), targets: ours }];
    case 'writes': {
      const storeLabel = options.databaseUrl ? 'PostgreSQL' : 'PGlite (BENCH_DATABASE_URL not set)';
      // The smoke run keeps the two variants that cover both paths (one seat, a batch).
      const variants = options.smoke ? WRITES_VARIANTS.filter((v) => v.hot === (v.batch > 1)) : WRITES_VARIANTS;
      return variants.map((variant) => ({ spec: writesScenario(options, variant, storeLabel, profileDir(writesId(variant))), targets: ours }));
    }
    case 'cold-start':
      return [{ spec: coldStartScenario(profileDir('cold-start')), targets: ours.flatMap((t) => [t, onNewStore(t)]) }];
    case 'instances':
      return [{ spec: instancesScenario(options, profileDir('instances')), targets: ours, seatsOnly: true }];
    case 'rollover':
      return [{ spec: rolloverScenario(options, options.databaseUrl ? 'PostgreSQL' : 'PGlite', profileDir('rollover')), targets: ours, seatsOnly: true }];
    case 'box-office':
      return [];
  }
}

/** A fixture is prepared at most once per run, on first use. */
function memo<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= create());
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
