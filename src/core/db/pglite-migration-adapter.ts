// The schema engine's connection to an embedded PGlite: pglite-prisma-adapter with its
// `executeScript` defect worked around (docs/database.md, "Adapter defects worked around", 4).
import type { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** The adapter's own converter from PGlite errors to the engine's error kinds (present, untyped, in 0.7.2). */
interface WithErrorHandler {
  onError(error: unknown): never;
}

/**
 * Defect 4: the adapter's `executeScript` calls `exec` without awaiting it, so a failing
 * migration is recorded as applied and its error later kills the process as an unhandled
 * rejection. `exec` sends the script as one simple query, one implicit transaction:
 * awaited, a failing migration leaves nothing behind.
 */
async function connectAwaitingScripts(pglite: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(pglite).connect();
  adapter.executeScript = async (script) => {
    try {
      await pglite.exec(script);
    } catch (error) {
      (adapter as unknown as WithErrorHandler).onError(error);
    }
  };
  return adapter;
}

/**
 * `openShadow` gives a new empty database for diffs: the adapter's own would run a full
 * initdb (5-11 s) each time.
 */
export function pgliteMigrationFactory(pglite: PGlite, openShadow: () => Promise<PGlite>): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: () => connectAwaitingScripts(pglite),
    async connectToShadowDb() {
      const shadow = await openShadow();
      const adapter = await connectAwaitingScripts(shadow);
      adapter.dispose = () => shadow.close();
      return adapter;
    },
  };
}
