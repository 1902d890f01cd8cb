// The lobby's showing screens in a real browser against a real server whose schedule runs
// on a clock the test moves: the cinema board (seats left live, a showing leaving as it
// starts, the empty state, a fit on a TV and a phone), and a hall screen that names its
// film and rolls over to the next showing's map without a reload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { userWithRole } from '../support/auth.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { zoneAwayFromMidnight } from '../support/time-zone.js';
import type { ProtocolClient } from '../../web/client/protocol-client.js';
import type { Hall, Showing } from '../../web/client/protocol-types.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

const MINUTE = 60_000;

describe('lobby showings', () => {
  const clock = new ManualClock();
  const zone = zoneAwayFromMidnight();
  const at = (minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();
  const inZone = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  let server: TestServer;
  let browser: Browser;
  let admin: ProtocolClient;
  let staff: ProtocolClient;
  let cinemaId: number;

  before(async () => {
    await ensureFreshBundles();
    server = await startTestServer({ clock, env: { SHOWING_LEAD_MINUTES: '5', SCHEDULE_TIME_ZONE: zone } });
    const prisma = server.server.database.prisma;
    admin = nodeClient(server.wsUrl, (await userWithRole(server.url, prisma, 'board_admin', 'admin')).cookie);
    staff = nodeClient(server.wsUrl, (await userWithRole(server.url, prisma, 'board_staff', 'staff')).cookie);
    cinemaId = (await admin.request('cinemas.get_cinemas', null))[0]!.id;
    browser = await launchBrowser();
  });
  after(async () => {
    admin?.close();
    staff?.close();
    await browser?.close();
    await server?.close();
  });

  /** A hall of its own per test, so schedules do not meet. */
  async function newHall(name: string, cinema = cinemaId): Promise<Hall> {
    const [seatType] = await admin.request('seat_type.list', null);
    return admin.request('hall.create', { cinema_id: cinema, name, layout: { rows: 3, places: 4, seat_type_id: seatType!.id } });
  }

  async function openBoard(viewport: { width: number; height: number }, cinema = cinemaId): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.url}/display/cinemas/${cinema}`);
    await page.locator('#showings[aria-busy="false"]').waitFor();
    return page;
  }

  const row = (id: number) => `#showings [data-showing-id="${id}"]`;

  it("lists the day's coming showings with film, hall, time in the schedule's zone and seats left, live", async () => {
    const hall = await newHall('Board hall');
    const { showings } = await admin.request('showing.bulk_create', {
      hall_id: hall.id,
      showings: [
        { title: 'The Long Goodbye', starts_at: at(20), ends_at: at(60) },
        { title: 'Sold Out Special', starts_at: at(60), ends_at: at(100) },
      ],
    });
    const [film, soldOut] = showings as [Showing, Showing];
    await staff.request('hall.update_seat_status', { hall_id: hall.id, showing_id: soldOut.id, seats: hall.seats.map((s) => ({ seat_id: s.id, status: 'OCCUPIED' as const })) });
    const page = await openBoard(VIEWPORTS.tv);
    await page.locator(row(soldOut.id), { hasText: 'Sold out' }).waitFor();

    const text = (selector: string) => page.locator(`${row(film.id)} ${selector}`).textContent();
    assert.equal(await text('.showing-title'), 'The Long Goodbye');
    assert.equal(await text('.showing-hall'), 'Board hall');
    assert.equal(await text('.showing-time'), inZone(film.starts_at));
    assert.equal(await text('.seats-left'), `${hall.seats.length} seats left`);
    const order = await page.locator('#showings [data-showing-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-showing-id'))));
    assert.ok(order.indexOf(film.id) < order.indexOf(soldOut.id), 'in start order');
    assert.equal(await page.textContent('#cinema-name'), (await admin.request('cinemas.get_cinemas', null))[0]!.name);

    const started = Date.now();
    await staff.request('hall.update_seat_status', { hall_id: hall.id, showing_id: film.id, seat_id: hall.seats[0]!.id, status: 'OCCUPIED' });
    await page.locator(row(film.id), { hasText: `${hall.seats.length - 1} seats left` }).waitFor({ timeout: 1_000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1_000, `seats left changed after ${elapsed} ms`);
    await screenshot(page, 'display-cinema-tv');
    await assertAccessible(page, '/display/cinemas/:id');
    await page.close();
  });

  it('drops a showing from the board when it starts, without a reload', async () => {
    const hall = await newHall('Starting hall');
    const { showings } = await admin.request('showing.bulk_create', {
      hall_id: hall.id,
      showings: [
        { title: 'Starting Now', starts_at: at(3), ends_at: at(30) },
        { title: 'Starting Later', starts_at: at(30), ends_at: at(60) },
      ],
    });
    const [soon, later] = showings as [Showing, Showing];
    const page = await openBoard(VIEWPORTS.tv);
    await page.locator(row(soon.id)).waitFor();
    await page.evaluate(() => ((window as unknown as { probe: string }).probe = 'same page'));

    clock.advanceTo(Date.parse(soon.starts_at));
    await page.locator(row(soon.id)).waitFor({ state: 'detached', timeout: 2_000 });
    assert.equal(await page.locator(row(later.id)).count(), 1, 'the later showing stays');
    assert.equal(await page.evaluate(() => (window as unknown as { probe?: string }).probe), 'same page');
    await page.close();
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`fits a full day on a ${viewport.width}x${viewport.height} screen without scrolling, counting what does not fit`, async () => {
      const hall = await newHall(`Busy hall ${name}`);
      // 30 short showings back to back: more than any screen holds at this size.
      const showings = Array.from({ length: 30 }, (_, i) => ({ title: `Short film number ${i + 1} with a rather long title for a lobby board`, starts_at: at(10 + i * 5), ends_at: at(15 + i * 5) }));
      await admin.request('showing.bulk_create', { hall_id: hall.id, showings });
      const page = await openBoard(viewport);
      await page.locator('#more:not([hidden])').waitFor();
      const fit = await page.evaluate(() => {
        const root = document.scrollingElement!;
        const rows = [...document.querySelectorAll<HTMLElement>('#showings [data-showing-id]')];
        const shown = rows.filter((r) => !r.hidden);
        return {
          scrollsDown: root.scrollHeight > innerHeight,
          scrollsAcross: root.scrollWidth > innerWidth,
          rowsInside: shown.every((r) => {
            const box = r.getBoundingClientRect();
            return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
          }),
          shown: shown.length,
          hidden: rows.length - shown.length,
          more: document.querySelector('#more')!.textContent,
          fontPx: parseFloat(getComputedStyle(shown[0]!.querySelector('.showing-title')!).fontSize),
        };
      });
      assert.equal(fit.scrollsDown, false);
      assert.equal(fit.scrollsAcross, false);
      assert.equal(fit.rowsInside, true);
      assert.ok(fit.shown >= 3, `${fit.shown} rows shown`);
      assert.equal(fit.more, `+${fit.hidden} more later`);
      // Three metres from a 1080p screen: film titles at least 40 px tall.
      if (name === 'tv') assert.ok(fit.fontPx >= 40, `titles at ${fit.fontPx} px`);
      await screenshot(page, `display-cinema-full-${name}`);
      await assertAccessible(page, `/display/cinemas/:id full (${name})`);
      await page.close();
    });
  }

  it('says so when no showings are left today', async () => {
    const cinema = await admin.request('cinema.create', { name: 'Empty Cinema', color: '#336699' });
    const page = await openBoard(VIEWPORTS.phone, cinema.id);
    await page.locator('#empty:not([hidden])', { hasText: 'No more showings today' }).waitFor();
    assert.equal(await page.textContent('#cinema-name'), 'Empty Cinema');
    assert.equal(await page.locator('#showings [data-showing-id]').count(), 0);
    await screenshot(page, 'display-cinema-empty');
    await assertAccessible(page, '/display/cinemas/:id empty');
    await page.close();
  });

  it('links each cinema on /display to its board', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.tv });
    await page.goto(`${server.url}/display`);
    const link = page.locator(`a[href="/display/cinemas/${cinemaId}"]`);
    await link.waitFor();
    await assertAccessible(page, '/display with board links');
    await link.click();
    await page.waitForURL(`**/display/cinemas/${cinemaId}`);
    await page.locator('#showings[aria-busy="false"]').waitFor();
    await page.close();
  });

  it('shows the film on the hall screen and rolls over to the next showing in place', async () => {
    const hall = await newHall('Rollover hall');
    const { showings } = await admin.request('showing.bulk_create', {
      hall_id: hall.id,
      showings: [
        { title: 'Early Film', starts_at: at(-10), ends_at: at(10) },
        { title: 'Late Film', starts_at: at(10), ends_at: at(100) },
      ],
    });
    const [, late] = showings as [Showing, Showing];
    // A sale for the late showing made before it starts is in its map when it rolls in.
    const sold = hall.seats[0]!.id;
    await staff.request('hall.update_seat_status', { hall_id: hall.id, showing_id: late.id, seat_id: sold, status: 'OCCUPIED' });

    const page = await browser.newPage({ viewport: VIEWPORTS.tv });
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.goto(`${server.url}/display/halls/${hall.id}`);
    await page.locator('#showing-title', { hasText: 'Early Film' }).waitFor();
    assert.equal(await page.getAttribute(`#seat-map .seat[data-seat-id="${sold}"]`, 'data-status'), 'VACANT');
    assert.match((await page.textContent('#showing-time')) ?? '', /^\d\d:\d\d–\d\d:\d\d$/);
    await page.evaluate(() => ((window as unknown as { probe: string }).probe = 'same page'));

    clock.advanceTo(Date.parse(late.starts_at));
    await page.locator('#showing-title', { hasText: 'Late Film' }).waitFor({ timeout: 2_000 });
    await page.locator('#rollover:not([hidden])', { hasText: 'Now: Late Film' }).waitFor();
    assert.equal(await page.getAttribute(`#seat-map .seat[data-seat-id="${sold}"]`, 'data-status'), 'OCCUPIED', "the late showing's map");
    assert.equal(await page.textContent('#count-occupied'), '1');
    assert.equal(await page.evaluate(() => (window as unknown as { probe?: string }).probe), 'same page', 'no reload');
    assert.notEqual(await page.$eval('#seat-map', (map) => getComputedStyle(map).animationName), 'none', 'the map fades in');
    await screenshot(page, 'display-hall-rollover');
    await assertAccessible(page, '/display/halls/:id after a rollover');
    await page.close();

    // The same boundary under prefers-reduced-motion: the notice, but no animation.
    const calm = await browser.newPage({ viewport: VIEWPORTS.phone });
    await calm.emulateMedia({ reducedMotion: 'reduce' });
    await calm.goto(`${server.url}/display/halls/${hall.id}`);
    await calm.locator('#showing-title', { hasText: 'Late Film' }).waitFor();
    clock.advanceTo(Date.parse(late.ends_at));
    await calm.locator('#rollover:not([hidden])', { hasText: 'No showing now' }).waitFor({ timeout: 2_000 });
    assert.equal(await calm.isVisible('#showing'), false, "the hall's own map names no film");
    assert.equal(await calm.$eval('#seat-map', (map) => getComputedStyle(map).animationName), 'none');
    assert.equal(await calm.$eval('#rollover', (notice) => getComputedStyle(notice).animationName), 'none');
    await calm.close();
  });
});
