// A lobby display outlives its server: killed, the page says it is reconnecting and since
// when it is stale; restarted, it resumes with since_version (no reload) and shows the
// change made while it was away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase } from '../support/database.js';
import { freePort, spawnServer, startTestServer, type ServerProcess, type TestDatabaseHandle } from '../support/server.js';
import type { Hall } from '../../web/client/protocol-types.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

describe('lobby display across a server restart', () => {
  let database: TestDatabaseHandle;
  let server: ServerProcess | undefined;
  let browser: Browser;
  let cookie: string;
  let port: number;

  before(async () => {
    await ensureFreshBundles();
    database = await createTestDatabase();
    // The staff user is made in-process (roles are set in the database), then the server
    // runs as a child process so it can be killed. Its cookie survives: the JWT secret
    // lives in the shared data folder.
    const setup = await startTestServer({ database });
    cookie = (await userWithRole(setup.url, setup.server.database.prisma, 'restart_staff', 'staff')).cookie;
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

    server = await spawnServer(database, { PORT: String(port) });
    const staff = nodeClient(server.wsUrl, cookie);
    try {
      await staff.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' }] });
      // The backoff has grown while the server was down, so the page is still away: the
      // change reaches it through the resume, not as a live push.
      assert.ok(await banner.isVisible(), 'the change was made while the display was disconnected');

      await banner.waitFor({ state: 'hidden', timeout: 15_000 });
      await page.locator(`#seat-map .seat[data-seat-id="${seat.id}"][data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
      assert.equal(Number(await page.textContent('#count-occupied')), occupiedBefore + 1);
      assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'resumed without a reload');
    } finally {
      staff.close();
      await page.close();
    }
  });
});
