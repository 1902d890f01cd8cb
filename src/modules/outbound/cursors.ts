// Durable per-(consumer, stream) cursors: the last version a consumer handed over for
// good. Stream-agnostic: it stores keys and numbers and never reads a stream's tables.
import type { Sql, StreamHead } from './stream-source.js';

/** The row that says a consumer has started (see OutboundCursor in schema.prisma). */
const STARTED = '*';

export interface Cursors {
  /**
   * The cursor of every stream in `heads` for `consumer`. A consumer's first call starts
   * every existing stream at its head (it gets the state, not the history); streams seen
   * later without a row start at 0, from their beginning.
   */
  load(consumer: string, heads: StreamHead[]): Promise<Map<string, number>>;
  /** Raises the cursor (never lowers it: a deposed publisher finishing late cannot undo progress). */
  advance(consumer: string, stream: string, version: number): Promise<void>;
  /** Sets it to `version` even if lower: the stream's versions went back (a restored database). */
  reset(consumer: string, stream: string, version: number): Promise<void>;
  /** Starts streams that have no row yet at their head (a webhook that now asks for more events). */
  startAtHead(consumer: string, heads: StreamHead[]): Promise<void>;
  /** Forgets a consumer (a deleted webhook). */
  drop(consumer: string): Promise<void>;
}

export function createCursors(sql: Sql): Cursors {
  async function insertHeads(consumer: string, heads: { stream: string; version: number }[]): Promise<void> {
    if (heads.length === 0) return;
    await sql(
      `INSERT INTO outbound_cursor (consumer, stream, version)
       SELECT $1, s, v FROM unnest($2::text[], $3::int[]) AS t(s, v)
       ON CONFLICT (consumer, stream) DO NOTHING`,
      [consumer, heads.map((h) => h.stream), heads.map((h) => h.version)],
    );
  }

  return {
    async load(consumer, heads) {
      let rows = await sql<{ stream: string; version: number }>('SELECT stream, version FROM outbound_cursor WHERE consumer = $1', [consumer]);
      if (!rows.some((row) => row.stream === STARTED)) {
        await insertHeads(consumer, [{ stream: STARTED, version: 0 }, ...heads]);
        rows = await sql<{ stream: string; version: number }>('SELECT stream, version FROM outbound_cursor WHERE consumer = $1', [consumer]);
      }
      const stored = new Map(rows.map((row) => [row.stream, row.version]));
      return new Map(heads.map((head) => [head.stream, stored.get(head.stream) ?? 0]));
    },
    async advance(consumer, stream, version) {
      await sql(
        `INSERT INTO outbound_cursor (consumer, stream, version) VALUES ($1, $2, $3)
         ON CONFLICT (consumer, stream) DO UPDATE SET version = EXCLUDED.version, updated_at = transaction_timestamp()
         WHERE outbound_cursor.version < EXCLUDED.version`,
        [consumer, stream, version],
      );
    },
    async reset(consumer, stream, version) {
      await sql(
        `INSERT INTO outbound_cursor (consumer, stream, version) VALUES ($1, $2, $3)
         ON CONFLICT (consumer, stream) DO UPDATE SET version = EXCLUDED.version, updated_at = transaction_timestamp()`,
        [consumer, stream, version],
      );
    },
    async startAtHead(consumer, heads) {
      await insertHeads(consumer, heads);
    },
    async drop(consumer) {
      await sql('DELETE FROM outbound_cursor WHERE consumer = $1', [consumer]);
    },
  };
}
