// The lobby display in a real browser against a real server: the right seats and counts,
// a push painted within a second on the same SVG nodes, a fit on a TV and a phone, and
// the /display index with live occupancy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { userWithRole } from '../support/auth.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ProtocolClient } from '../../web/client/protocol-client.js';
import type { Hall, SeatStatus } from '../../web/client/protocol-types.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

describe('lobby display', () => {
  let server: TestServer;
  let browser: Browser;
  let staff: ProtocolClient;
  let hall: Hall;

  before(async () => {
    await ensureFreshBundles();
    server = await startTestServer();
    const user = await userWithRole(server.url, server.server.database.prisma, 'display_staff', 'staff');
    staff = nodeClient(server.wsUrl, user.cookie);
    const cinemas = await staff.request('cinemas.get_cinemas', null);
    hall = await staff.request('hall.get', { id: cinemas[0]!.halls[0]!.id });
    browser = await launchBrowser();
  });
  after(async () => {
    staff?.close();
    await browser?.close();
    await server?.close();
  });

  async function openDisplay(viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.url}/display/halls/${hall.id}`);
    await page.locator('#seat-map .seat').first().waitFor();
    return page;
  }

  it('draws every seat of the hall with its counts, names and legend', async () => {
    const page = await openDisplay(VIEWPORTS.tv);
    const current = await staff.request('hall.get', { id: hall.id });
    const expected = { VACANT: 0, OCCUPIED: 0, MAINTENANCE: 0, HELD: 0 };
    for (const seat of current.seats) expected[seat.status]++;

    assert.equal(await page.locator('#seat-map .seat').count(), current.seats.length);
    for (const status of ['VACANT', 'OCCUPIED', 'MAINTENANCE'] as const) {
      assert.equal(await page.locator(`#seat-map .seat[data-status="${status}"]`).count(), expected[status], status);
    }
    assert.equal(await page.textContent('#count-vacant'), String(expected.VACANT));
    assert.equal(await page.textContent('#count-occupied'), String(expected.OCCUPIED));
    assert.equal(await page.textContent('#count-maintenance'), String(expected.MAINTENANCE));
    assert.equal(await page.textContent('#count-percent'), `${Math.round((expected.OCCUPIED / current.seats.length) * 100)}%`);
    assert.equal(await page.textContent('#hall-name'), current.name);
    assert.equal(await page.textContent('#cinema-name'), current.cinema_name);
    assert.match((await page.textContent('#clock')) ?? '', /^\d\d:\d\d$/);
    assert.equal(await page.locator('.screen').count(), 1);
    for (const type of current.seat_types) assert.ok((await page.textContent('#legend'))?.includes(type.name), type.name);
    await assertAccessible(page, '/display/halls/:id');
    await page.close();
  });

  it('says in words when the address names no hall', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.tv });
    await page.goto(`${server.url}/display/halls/0`);
    await page.locator('#problem', { hasText: 'does not name a hall' }).waitFor();
    await assertAccessible(page, '/display/halls/0 (no such hall)');
    await page.close();
  });

  it('repaints a seat changed by another client within 1 s, on the same SVG node', async () => {
    const page = await openDisplay(VIEWPORTS.tv);
    const seat = hall.seats.find((s) => s.status === 'VACANT')!;
    const selector = `#seat-map .seat[data-seat-id="${seat.id}"]`;
    const fillOf = () => page.$eval(`${selector} .seat-body`, (body) => getComputedStyle(body).fill);
    const fillBefore = await fillOf();
    // Marks the node: a full re-render would replace it and lose the mark.
    await page.$eval(selector, (node) => node.setAttribute('data-probe', 'kept'));
    const occupiedBefore = Number(await page.textContent('#count-occupied'));

    const started = Date.now();
    await staff.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' }] });
    await page.waitForFunction(
      ([sel, before]) => {
        const body = document.querySelector(`${sel} .seat-body`);
        return body !== null && getComputedStyle(body).fill !== before;
      },
      [selector, fillBefore] as const,
      { timeout: 1_000 },
    );
    const elapsed = Date.now() - started;

    assert.ok(elapsed < 1_000, `repainted after ${elapsed} ms`);
    assert.equal(await page.getAttribute(selector, 'data-status'), 'OCCUPIED');
    assert.equal(await page.getAttribute(selector, 'data-probe'), 'kept', 'the existing node was updated, not redrawn');
    assert.equal(Number(await page.textContent('#count-occupied')), occupiedBefore + 1);
    seat.status = 'OCCUPIED';
    await page.close();
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`fits a ${viewport.width}x${viewport.height} screen without scrolling`, async () => {
      const page = await openDisplay(viewport);
      const fit = await page.evaluate(() => {
        const root = document.documentElement;
        const map = document.querySelector('#seat-map')!.getBoundingClientRect();
        const seats = [...document.querySelectorAll('#seat-map .seat')].map((s) => s.getBoundingClientRect());
        return {
          scrolls: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth,
          mapInside: map.top >= 0 && map.left >= 0 && map.bottom <= innerHeight && map.right <= innerWidth,
          seatsInside: seats.every((r) => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth),
          footerInside: document.querySelector('.display-footer')!.getBoundingClientRect().bottom <= innerHeight,
        };
      });
      assert.deepEqual(fit, { scrolls: false, mapInside: true, seatsInside: true, footerInside: true });
      await screenshot(page, `display-hall-${name}`);
      await page.close();
    });
  }

  it('lists cinemas and halls on /display and moves the occupancy with each change', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.tv });
    await page.goto(`${server.url}/display`);
    const row = page.locator(`[data-hall-id="${hall.id}"]`);
    await row.waitFor();
    const cinemas = await staff.request('cinemas.get_cinemas', null);
    assert.equal(await page.locator('[data-hall-id]').count(), cinemas.flatMap((c) => c.halls).length);
    assert.equal(await row.locator('a').getAttribute('href'), `/display/halls/${hall.id}`);
    await assertAccessible(page, '/display');

    const before = await row.locator('.hall-counts').textContent();
    const seat = hall.seats.find((s) => s.status === 'VACANT')!;
    await staff.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' as SeatStatus }] });
    seat.status = 'OCCUPIED';
    await page.waitForFunction(([id, text]) => document.querySelector(`[data-hall-id="${id}"] .hall-counts`)?.textContent !== text, [hall.id, before] as const, { timeout: 2_000 });
    const freeBefore = Number(/(\d+) free/.exec(before ?? '')?.[1]);
    assert.match((await row.locator('.hall-counts').textContent()) ?? '', new RegExp(`${freeBefore - 1} free`));

    await screenshot(page, 'display-index-tv');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'display-index-phone');
    await page.close();
  });
});
