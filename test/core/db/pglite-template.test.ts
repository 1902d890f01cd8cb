// New embedded data folders start as a copy of a cached template, with the caller's
// contents when it gives some.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type TemplateContents } from '../../../src/core/db/index.js';
import { DEFAULT_CACHE_DIR, pgliteVersion } from '../../../src/core/db/pglite-blank.js';
import { quietLogger } from '../../support/database.js';

describe('PGlite templates', { skip: process.env.TEST_DATABASE_URL ? 'embedded mode only' : false }, () => {
  let scratch: string;
  let cacheDir: string;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'seats-sync-template-'));
    cacheDir = join(scratch, 'cache');
    // A cache of its own, seeded with the installed blank snapshot (initdb would take 5-11 s).
    const blank = `pglite-${await pgliteVersion()}-blank.tar`;
    await mkdir(cacheDir);
    await copyFile(join(DEFAULT_CACHE_DIR, blank), join(cacheDir, blank));
  });

  after(() => rm(scratch, { recursive: true, force: true }));

  it('gives a new folder the contents, filling the template once per key', async () => {
    let fills = 0;
    const contents: TemplateContents = {
      key: () => 'one cinema',
      async fill(prisma) {
        fills++;
        await prisma.cinema.create({ data: { name: 'From The Template', color: '#123456' } });
      },
    };
    for (const folder of ['first', 'second']) {
      const database = await openDatabase({ databaseUrl: undefined, dataDir: join(scratch, folder), cacheDir, logger: quietLogger, newFolderContents: contents });
      try {
        assert.deepEqual((await database.prisma.cinema.findMany()).map((c) => c.name), ['From The Template']);
      } finally {
        await database.close();
      }
    }
    assert.equal(fills, 1, 'the second folder is a copy of the cached template');

    const plain = await openDatabase({ databaseUrl: undefined, dataDir: join(scratch, 'plain'), cacheDir, logger: quietLogger });
    try {
      assert.equal(await plain.prisma.cinema.count(), 0, 'without contents: the schema only');
    } finally {
      await plain.close();
    }
    const templates = (await readdir(cacheDir)).filter((name) => name.startsWith('pglite-template-'));
    assert.equal(templates.length, 2, 'one template with the contents, one without');
  });
});
