// Our server as several processes on one PostgreSQL database, as a deployment behind a
// load balancer runs it: each repetition gets its own copy of the prepared template, and
// `count` servers start on it at once (migrations are already applied; concurrent starts
// are part of what is checked), each on its own port, all with the run's secrets, so the
// one session cookie is valid on every instance.
import { launchSeatsServer } from './seats-server.js';
import type { SeatsFixture } from './seats-target.js';
import type { RunningTarget, StartOptions, Target } from './target.js';

export function seatsInstancesTarget(fixture: SeatsFixture, count: number): Target {
  return {
    kind: 'seats',
    key: `seats-${count}`,
    label: `Seats Sync, ${count} instance${count === 1 ? '' : 's'}`,
    halls(wanted) {
      if (wanted > fixture.benchHalls.length) throw new Error(`only ${fixture.benchHalls.length} bench halls were prepared`);
      return fixture.benchHalls.slice(0, wanted);
    },
    async start(options: StartOptions = {}): Promise<RunningTarget> {
      const copy = await fixture.store.checkout(false);
      const databaseUrl = copy.env.DATABASE_URL;
      if (!databaseUrl) {
        await copy.dispose();
        throw new Error(`several instances need PostgreSQL; the ${fixture.store.label} store has one process per data folder`);
      }
      const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
      const launched = await Promise.allSettled(
        Array.from({ length: count }, () => launchSeatsServer({ storeEnv: copy.env, secrets: fixture.secrets, cookie: fixture.cookie, nodeArgs })),
      );
      const servers = launched.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const stop = async () => {
        await Promise.all(servers.map((server) => server.stop()));
        await copy.dispose();
      };
      const failed = launched.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        await stop();
        throw new Error(`${count - servers.length} of ${count} instances failed to start: ${String(failed.reason)}`);
      }
      const first = servers[0] as RunningTarget;
      return {
        ...first,
        readyMs: Math.max(...servers.map((server) => server.readyMs)),
        databaseUrl,
        instances: servers.map((server) => ({ pid: server.pid, endpoint: server.endpoint })),
        stop,
      };
    },
  };
}
