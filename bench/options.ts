// Command-line flags of `npm run bench`. Defaults are the workloads; --smoke
// shrinks every scenario to ~1,000 sockets and a few seconds, for CI (correctness only).
import { parseArgs } from 'node:util';

export const SCENARIOS = ['fanout', 'halls', 'connections', 'writes', 'cold-start', 'box-office', 'instances', 'rollover'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];
export const TARGET_KINDS = ['raw', 'socketio', 'seats'] as const;

export interface BenchOptions {
  scenarios: ScenarioId[];
  targets: (typeof TARGET_KINDS)[number][];
  smoke: boolean;
  reps: number;
  /** Scenario 1: subscribers on the one hall. */
  subscribers: number;
  /** Scenario 1: changes per second on the one hall. */
  fanoutRate: number;
  /**
   * Scenario 1: changes written to a hall nobody subscribes to before the measured window,
   * so a fresh server's JIT warm-up is not charged to the deliveries (0: none).
   */
  fanoutWarmup: number;
  /** Scenario 2: subscribers spread over `halls` halls, changes per second across them. */
  hallSubscribers: number;
  halls: number;
  hallRate: number;
  /** Rollover scenario: subscribers spread over `halls` halls that all roll over at once. */
  rolloverSubscribers: number;
  /** Scenario 3: idle authenticated sockets. */
  connections: number;
  durationS: number;
  writeDurationS: number;
  writers: number;
  /** Several instances: server processes on one PostgreSQL database, compared with one. */
  instances: number;
  /** Several instances: subscribers in all (over `halls` halls, at `hallRate`), and the writer's seconds. */
  instanceSubscribers: number;
  instanceDurationS: number;
  loaders: number;
  name: string;
  /** Write V8 CPU profiles of our server (node --cpu-prof) to bench/results/profiles/. */
  profile: boolean;
  databaseUrl: string | undefined;
}

const USAGE = `npm run bench -- [--smoke] [--scenario fanout,halls,connections,writes,cold-start,box-office,instances,rollover]
  [--targets raw,socketio,seats] [--reps 5] [--subscribers 10000] [--rate 10] [--warmup 0] [--hall-subscribers 20000]
  [--halls 200] [--hall-rate 200] [--connections 20000] [--duration 30] [--write-duration 10]
  [--writers 10] [--instances 3] [--instance-subscribers 8000] [--instance-duration 8]
  [--rollover-subscribers 10000] [--loaders 2] [--name bench] [--profile]
Scenarios 4 (writes) and rollover run on PostgreSQL when BENCH_DATABASE_URL is set (a fresh
database is created on that server and dropped after), else on PGlite. The instances scenario runs
only with BENCH_DATABASE_URL (several processes share one database) and is skipped without.`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      targets: { type: 'string' },
      reps: { type: 'string' },
      subscribers: { type: 'string' },
      rate: { type: 'string' },
      'hall-subscribers': { type: 'string' },
      halls: { type: 'string' },
      'hall-rate': { type: 'string' },
      'rollover-subscribers': { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      'write-duration': { type: 'string' },
      warmup: { type: 'string' },
      writers: { type: 'string' },
      instances: { type: 'string' },
      'instance-subscribers': { type: 'string' },
      'instance-duration': { type: 'string' },
      loaders: { type: 'string' },
      name: { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke ?? false;
  const number = (value: string | undefined, full: number, small: number) => {
    const parsed = value === undefined ? (smoke ? small : full) : Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`bad number ${value}\n${USAGE}`);
    return parsed;
  };
  return {
    scenarios: list(values.scenario, SCENARIOS),
    targets: list(values.targets, TARGET_KINDS),
    smoke,
    reps: number(values.reps, 5, 1),
    subscribers: number(values.subscribers, 10_000, 1_000),
    fanoutRate: number(values.rate, 10, 10),
    fanoutWarmup: values.warmup === undefined || values.warmup === '0' ? 0 : number(values.warmup, 0, 0),
    hallSubscribers: number(values['hall-subscribers'], 20_000, 1_000),
    // The smoke run checks correctness only: 50 halls prepare four times faster than 200.
    halls: number(values.halls, 200, 50),
    hallRate: number(values['hall-rate'], 200, 200),
    rolloverSubscribers: number(values['rollover-subscribers'], 10_000, 1_000),
    connections: number(values.connections, 20_000, 1_000),
    durationS: number(values.duration, 30, 3),
    writeDurationS: number(values['write-duration'], 10, 3),
    writers: number(values.writers, 10, 10),
    instances: number(values.instances, 3, 3),
    instanceSubscribers: number(values['instance-subscribers'], 8_000, 600),
    instanceDurationS: number(values['instance-duration'], 8, 3),
    loaders: number(values.loaders, 2, 2),
    name: values.name ?? (smoke ? 'smoke' : 'bench'),
    profile: values.profile ?? false,
    databaseUrl: env.BENCH_DATABASE_URL || undefined,
  };
}

function list<T extends string>(value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined) return [...allowed];
  const picked = value.split(',').map((v) => v.trim());
  for (const v of picked) if (!allowed.includes(v as T)) throw new Error(`unknown ${v}; one of ${allowed.join(', ')}`);
  return picked as T[];
}
