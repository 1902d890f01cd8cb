// Prisma's schema engine compiled to WebAssembly: the native one is a binary that would
// have to be downloaded, and the server installs and starts with no download
// (docs/database.md, "Prisma's schema engine runs as WebAssembly").
//
// Two process-wide facts shape this file:
// - the wasm-bindgen glue keeps the instance in its own module scope, so there is one
//   engine instance per process however often we load it: we load it once;
// - two engine calls in flight at once throw an uncaught error that kills the process
//   (not a rejection), so every session runs behind one process-wide queue.
import { readFile } from 'node:fs/promises';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { Logger } from '../logger.js';

export type { SchemaEngine };

/** Every engine input needs it, even empty: a missing field kills the process. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let loading: Promise<Glue> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/** Imported on first use: a start whose database is already migrated never loads it. */
async function instantiate(): Promise<Glue> {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')));
  const imports: WebAssembly.ModuleImports = { ...glue };
  for (const name of Object.keys(glue).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    // The engine's timers (connection timeouts) would keep the process alive ~10 s after
    // the last migration; unref'ed they still fire while anything else keeps it running.
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return glue;
}

/**
 * Runs `work` with an engine connected through `factory`, strictly after every other
 * session of this process, and frees the engine afterwards.
 */
export function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  logger: Logger | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const session = queue.then(async () => {
    loading ??= instantiate();
    const glue = await loading;
    // Like the engine, only when a migration step runs (not on a start with nothing to migrate).
    const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
    const engine = await glue.SchemaEngine.new(
      { datamodels: undefined },
      (line: string) => logger?.debug('schema engine', { line }),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  });
  queue = session.catch(() => undefined);
  return session;
}
