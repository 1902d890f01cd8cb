// A lobby display outlives its server: killed, the page says it is reconnecting and since
// when it is stale; restarted, it resumes with since_version (no reload) and shows the
// change made while it was away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CHANNELS } from '../../src/core/bus/bus.js';
import { openDatabase } from '../../src/core/db/index.js';
import { createTestDatabase, quietLogger } from '../support/database.js';
import { freePort, spawnServer, startTestServer, type ServerProcess, type TestDatabaseHandle } from '../support/server.js';
import type { Hall } from '../../web/client/protocol-types.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

describe('lobby display across a server restart', () => {
  let database: TestDatabaseHandle;
  let server: ServerProcess | undefined;
  let browser: Browser;
  let port: number;

  before(async () => {
    await ensureFreshBundles();
    database = await createTestDatabase();
    // Seeded in-process once, then the server runs as a child process so it can be killed.
    const setup = await startTestServer({ database });
    await setup.close();
    port = await freePort();
    server = await spawnServer(database, { PORT: String(port) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  it('shows the reconnecting banner while the server is down, then the caught-up state', async () => {
    const reader = nodeClient(server!.wsUrl);
    const cinemas = await reader.request('cinemas.get_cinemas', null);
    const hall: Hall = await reader.request('hall.get', { id: cinemas[0]!.halls[0]!.id });
    reader.close();
    const seat = hall.seats.find((s) => s.status === 'VACANT')!;

    const page = await browser.newPage({ viewport: VIEWPORTS.tv });
    await page.goto(`${server!.url}/display/halls/${hall.id}`);
    await page.locator('#seat-map .seat').first().waitFor();
    const occupiedBefore = Number(await page.textContent('#count-occupied'));
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await server!.stop('SIGKILL');
    server = undefined;
    const banner = page.locator('#banner');
    await banner.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match((await banner.textContent()) ?? '', /^Reconnecting — last update \d\d:\d\d:\d\d$/);
    await screenshot(page, 'display-hall-reconnecting-tv');
    await assertAccessible(page, '/display/halls/:id reconnecting');

    // The change is made while no server runs, through the database's own seat write, so
    // the page can only learn it by resuming from its last version once a server is back
    // (a change made through the new server could race the page's reconnect).
    const offline = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, logger: quietLogger });
    try {
      const change = { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' }], expected_version: null, user_id: null };
      await offline.sql(`SELECT mark_seats($1::jsonb, $2)`, [JSON.stringify([change]), CHANNELS.hallChanged]);
    } finally {
      await offline.close();
    }
    server = await spawnServer(database, { PORT: String(port) });
    try {
      // The page's backoff reaches its 10 s cap while the server is down (longer on a
      // loaded machine), so its next attempt can be 10 s after the server is back.
      await banner.waitFor({ state: 'hidden', timeout: 30_000 });
      await page.locator(`#seat-map .seat[data-seat-id="${seat.id}"][data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
      assert.equal(Number(await page.textContent('#count-occupied')), occupiedBefore + 1);
      assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'resumed without a reload');
    } finally {
      await page.close();
    }
  });
});
