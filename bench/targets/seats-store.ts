// Where our server keeps its data during a bench: a PGlite data folder, or a database on
// the PostgreSQL server of BENCH_DATABASE_URL. A template is prepared once (users, halls)
// and every server start gets its own copy, so repetitions start from the same state.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export interface StoreCopy {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface SeatsStore {
  label: string;
  /** The template itself, for preparing it. */
  templateEnv: Record<string, string>;
  /** A copy of the template, or with `fresh` an empty store the server must initialise. */
  checkout(fresh: boolean): Promise<StoreCopy>;
  dispose(): Promise<void>;
}

export function pgliteStore(workDir: string): SeatsStore {
  const template = join(workDir, 'template');
  mkdirSync(template, { recursive: true });
  return {
    label: 'PGlite',
    templateEnv: { DATA_DIR: template },
    async checkout(fresh) {
      const dir = mkdtempSync(join(workDir, 'run-'));
      if (!fresh) cpSync(template, dir, { recursive: true });
      return { env: { DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
    async dispose() {
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Creates a template database on that server; every copy is `CREATE DATABASE ... TEMPLATE`. */
export async function postgresStore(adminUrl: string): Promise<SeatsStore> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const prefix = `seats_bench_${process.pid}`;
  const template = `${prefix}_tpl`;
  let copies = 0;
  const urlOf = (database: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const drop = (database: string) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await drop(template);
  await admin.query(`CREATE DATABASE "${template}"`);
  return {
    label: 'PostgreSQL',
    templateEnv: { DATABASE_URL: urlOf(template) },
    async checkout(fresh) {
      const database = `${prefix}_${copies++}`;
      await admin.query(fresh ? `CREATE DATABASE "${database}"` : `CREATE DATABASE "${database}" TEMPLATE "${template}"`);
      return { env: { DATABASE_URL: urlOf(database) }, dispose: async () => void (await drop(database)) };
    },
    async dispose() {
      await drop(template);
      await admin.end();
    },
  };
}

/** A scratch folder for PGlite stores and profiles, removed by the store's dispose. */
export function scratchDir(parent: string): string {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, 'seats-bench-'));
}
