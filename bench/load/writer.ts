// The writer process: staff connections issuing seat changes, either open loop at a fixed
// rate (fan-out scenarios: the rate is the workload) or closed loop (writes scenario: each
// connection sends its next change when the previous one is answered, i.e. as fast as the
// server commits). Reports [hall, version, sentAt, repliedAt, seats, showing] for every committed change.
import { sleep, wallMs } from '../clock.js';
import type { Commit, WriterCommand, WriterPlan, WriterReport } from './ipc.js';
import { SeatCursor } from './seat-cursor.js';
import { ChangeRejected, WriterConnection } from './writer-connection.js';

/** Replies still owed when the schedule ends; an overloaded target may owe a backlog of seconds. */
const DRAIN_TIMEOUT_MS = 60_000;

/** After the warm-up changes: V8 compiles on its worker threads after the code got hot. */
const WARMUP_SETTLE_MS = 1_000;

let plan: WriterPlan;
let connections: WriterConnection[] = [];
/** cursors[connection].get(hall) */
let cursors: Map<number, SeatCursor>[] = [];
const commits: Commit[] = [];
const errors: Record<string, number> = {};
let inFlight = 0;

function report(message: WriterReport): void {
  process.send?.(message);
}

async function prepare(next: WriterPlan): Promise<void> {
  plan = next;
  connections = await Promise.all(Array.from({ length: plan.connections }, (_, c) => WriterConnection.open(plan.endpoint, `w${c}`)));
  const seatsByHall = new Map<number, Awaited<ReturnType<WriterConnection['seats']>>>();
  for (const hall of plan.halls) seatsByHall.set(hall, await (connections[0] as WriterConnection).seats(hall));
  cursors = connections.map((_, c) => new Map(plan.halls.map((hall) => [hall, new SeatCursor(seatsByHall.get(hall) ?? [], c, plan.connections)])));
  if (plan.warmup) await warmUp(plan.warmup.hall, plan.warmup.changes);
  report({ msg: 'ready' });
}

/** Closed loop on the first connection; the background compiles it starts get a second to finish. */
async function warmUp(hall: number, changes: number): Promise<void> {
  const connection = connections[0] as WriterConnection;
  const cursor = new SeatCursor(await connection.seats(hall), 0, 1);
  for (let i = 0; i < changes; i++) await connection.change(hall, cursor.next(plan.batch));
  await sleep(WARMUP_SETTLE_MS);
}

async function send(c: number, hall: number): Promise<void> {
  const seats = (cursors[c]?.get(hall) as SeatCursor).next(plan.batch);
  inFlight++;
  try {
    const { version, showing, sentAt, repliedAt } = await (connections[c] as WriterConnection).change(hall, seats);
    commits.push([hall, version, sentAt, repliedAt, seats.length, showing]);
  } catch (error) {
    const code = error instanceof ChangeRejected ? error.code : String(error);
    errors[code] = (errors[code] ?? 0) + 1;
  } finally {
    inFlight--;
  }
}

async function openLoop(perSecond: number, startedAt: number, endAt: number): Promise<void> {
  let sent = 0;
  while (wallMs() < endAt) {
    // Catch up to the schedule rather than sleeping a fixed interval, so timer jitter
    // never lowers the rate.
    const due = Math.floor(((wallMs() - startedAt) * perSecond) / 1000);
    for (; sent < due; sent++) void send(sent % plan.connections, plan.halls[sent % plan.halls.length] as number);
    await sleep(2);
  }
}

async function closedLoop(endAt: number): Promise<void> {
  await Promise.all(
    connections.map(async (_, c) => {
      for (let k = 0; wallMs() < endAt; k++) await send(c, plan.halls[(c + k * plan.connections) % plan.halls.length] as number);
    }),
  );
}

async function go(): Promise<void> {
  const startedAt = wallMs();
  const endAt = startedAt + plan.durationMs;
  if (plan.mode.kind === 'rate') await openLoop(plan.mode.perSecond, startedAt, endAt);
  else await closedLoop(endAt);
  const drainUntil = wallMs() + DRAIN_TIMEOUT_MS;
  while (inFlight > 0 && wallMs() < drainUntil) await sleep(10);
  if (inFlight > 0) errors.NoReply = inFlight;
  report({ msg: 'done', commits, errors, startedAt, endedAt: wallMs() });
}

process.on('message', (command: WriterCommand) => {
  const task = command.cmd === 'prepare' ? prepare(command.plan) : go();
  task.catch((error: unknown) => {
    console.error('writer failed:', error);
    process.exit(1);
  });
});
process.on('SIGTERM', () => process.exit(0));
report({ msg: 'hello' });
