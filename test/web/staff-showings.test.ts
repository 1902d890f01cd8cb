// The staff console's showings in a real browser against a real server whose schedule
// runs on a clock the test moves: staff pick a showing of a hall and mark seats in it
// (and only in it), the console follows the hall's current showing through a rollover,
// and an admin adds, repeats, moves and cancels showings, with an overlap refused in words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { totpCode, userWithRole, type EnrolledUser } from '../support/auth.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ProtocolClient } from '../../web/client/protocol-client.js';
import type { Hall, Showing } from '../../web/client/protocol-types.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('staff console: showings', () => {
  const clock = new ManualClock();
  const at = (minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();
  let server: TestServer;
  let browser: Browser;
  let adminUser: EnrolledUser;
  let staffUser: EnrolledUser;
  let admin: ProtocolClient;

  before(async () => {
    await ensureFreshBundles();
    server = await startTestServer({ clock, env: { SHOWING_LEAD_MINUTES: '5' } });
    const prisma = server.server.database.prisma;
    adminUser = await userWithRole(server.url, prisma, 'schedule_admin', 'admin');
    staffUser = await userWithRole(server.url, prisma, 'showing_staff', 'staff');
    admin = nodeClient(server.wsUrl, adminUser.cookie);
    browser = await launchBrowser();
  });
  after(async () => {
    admin?.close();
    await browser?.close();
    await server?.close();
  });

  async function newHall(name: string): Promise<Hall> {
    const [cinema] = await admin.request('cinemas.get_cinemas', null);
    const [seatType] = await admin.request('seat_type.list', null);
    return admin.request('hall.create', { cinema_id: cinema!.id, name, layout: { rows: 3, places: 4, seat_type_id: seatType!.id } });
  }

  /** Logs in on /staff with the hall picked by the address (#hall=id). */
  async function logIn(user: EnrolledUser, hallId: number, viewport = VIEWPORTS.tv): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff#hall=${hallId}`);
    await page.fill('#username', user.username);
    await page.click('#login-username button[type=submit]');
    await page.locator('#login-code').waitFor();
    // Enrolment spent the current 30 s step; a code is accepted once per step, so use the next.
    await page.fill('#login-code-input', totpCode(user.secret, 1));
    await page.click('#login-code button[type=submit]');
    await page.locator('#console').waitFor();
    await page.locator('#staff-map .seat').first().waitFor();
    return page;
  }

  const seatSelector = (id: number) => `#staff-map .seat[data-seat-id="${id}"]`;

  it("marks seats in the showing picked, not the hall's current one, and follows the current one through a rollover", async () => {
    const hall = await newHall('Picker hall');
    const { showings } = await admin.request('showing.bulk_create', {
      hall_id: hall.id,
      showings: [
        { title: 'Matinee', starts_at: at(-10), ends_at: at(30) },
        { title: 'Evening', starts_at: at(30), ends_at: at(90) },
      ],
    });
    const [matinee, evening] = showings as [Showing, Showing];
    const page = await logIn(staffUser, hall.id);

    // By default: the hall's current showing, as the lobby screen shows it.
    await page.locator('#showing-note', { hasText: 'Now on: Matinee' }).waitFor();
    assert.equal(await page.inputValue('#showing-select'), String(matinee.id));
    const options = await page.locator('#showing-select option').allTextContents();
    assert.equal(options[0], 'Hall (no showing)');
    assert.ok(options.some((o) => o.endsWith('· Evening')), options.join(' | '));

    // Pick the evening showing and sell a seat in it.
    const seat = hall.seats[0]!;
    await page.selectOption('#showing-select', String(evening.id));
    await page.locator('#showing-note', { hasText: 'Evening,' }).waitFor();
    assert.equal(await page.isVisible('#follow-current'), true);
    await page.click(seatSelector(seat.id));
    await page.click('[data-set-status="OCCUPIED"]');
    await page.locator('#action-message', { hasText: '1 seat marked occupied.' }).waitFor();
    await page.locator(`${seatSelector(seat.id)}[data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
    // The recent changes are the picked showing's.
    await page.locator('#audit-body tr', { hasText: 'showing_staff' }).first().waitFor();
    // A box office holds a seat: it turns HELD on the map and staff see who holds it.
    const heldSeat = hall.seats[2]!;
    await server.server.holds.service.create(evening.id, { seat_ids: [heldSeat.id], ttl_seconds: 300 }, { kind: 'api_key', id: 1, name: 'Front desk' });
    await page.locator(`${seatSelector(heldSeat.id)}[data-status="HELD"]`).waitFor({ timeout: 2_000 });
    await page.locator('#holds-body tr', { hasText: 'Front desk' }).waitFor();
    assert.match(await page.locator('#holds-body tr', { hasText: 'Front desk' }).innerText(), new RegExp(`Row ${heldSeat.row}, seat ${heldSeat.place}`));
    await screenshot(page, 'staff-showing-picked');
    await assertAccessible(page, '/staff with a showing picked');

    // It landed in the evening showing's map and log, and the matinee's seat is still free.
    assert.equal((await admin.request('showing.get', { id: evening.id })).seats.find((s) => s.id === seat.id)?.status, 'OCCUPIED');
    assert.equal((await admin.request('showing.get', { id: matinee.id })).seats.find((s) => s.id === seat.id)?.status, 'VACANT');
    const events = await server.server.database.sql<{ showing_id: number; new_status: string }>('SELECT showing_id, new_status FROM showing_event WHERE seat_id = $1', [seat.id]);
    assert.deepEqual(events.map((e) => [e.showing_id, e.new_status]), [[evening.id, 'OCCUPIED']]);

    // Back to the current showing, which the console then follows through the boundary.
    await page.click('#follow-current');
    await page.locator('#showing-note', { hasText: 'Now on: Matinee' }).waitFor();
    assert.equal(await page.getAttribute(seatSelector(seat.id), 'data-status'), 'VACANT');
    clock.advanceTo(Date.parse(evening.starts_at));
    await page.locator('#showing-note', { hasText: 'Now on: Evening' }).waitFor({ timeout: 2_000 });
    assert.equal(await page.inputValue('#showing-select'), String(evening.id));
    assert.equal(await page.getAttribute(seatSelector(seat.id), 'data-status'), 'OCCUPIED');

    // Now following the evening showing: a change goes to it, named explicitly.
    const next = hall.seats[1]!;
    await page.click(seatSelector(next.id));
    await page.click('[data-set-status="OCCUPIED"]');
    await page.locator(`${seatSelector(next.id)}[data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
    assert.equal((await admin.request('showing.get', { id: evening.id })).seats.find((s) => s.id === next.id)?.status, 'OCCUPIED');

    // The hall's own map cannot be shown while a showing is on: nothing can be changed there.
    await page.selectOption('#showing-select', 'hall');
    await page.locator('#showing-note', { hasText: "the hall's own seat map cannot be shown" }).waitFor();
    assert.equal(await page.locator('#staff-map .seat').count(), 0);
    await assertAccessible(page, "/staff on the hall's own map during a showing");
    await page.context().close();
  });

  it('lets an admin add, repeat for a week, move and cancel showings, and says why an overlap is refused', async () => {
    const hall = await newHall('Schedule hall');
    const page = await logIn(adminUser, hall.id);
    await page.locator('#schedule-hall', { hasText: 'Schedule hall' }).waitFor();
    // datetime-local values in the browser's own zone, tomorrow and later.
    const local = (dayOffset: number, hour: number) =>
      page.evaluate(
        ([offset, h]) => {
          const d = new Date();
          const t = new Date(d.getFullYear(), d.getMonth(), d.getDate() + offset, h, 0);
          // No named helper in here: the test runner's transpiler would wrap it in a __name() the page lacks.
          return [t.getFullYear(), '-', t.getMonth() + 1, '-', t.getDate(), 'T', t.getHours(), ':', t.getMinutes()].map((part) => (typeof part === 'number' && part < 10 ? `0${part}` : String(part))).join('');
        },
        [dayOffset, hour] as const,
      );
    const add = async (title: string, starts: string, ends: string, repeat = false) => {
      await page.fill('#showing-film', title);
      await page.fill('#showing-starts', starts);
      await page.fill('#showing-ends', ends);
      await page.setChecked('#showing-repeat', repeat);
      await page.click('#showing-save');
    };
    const list = async () => (await admin.request('showing.list', { hall_id: hall.id, from: at(-60), to: new Date(clock.now() + 10 * DAY).toISOString() })).showings;

    await add('Single', await local(1, 10), await local(1, 12));
    await page.locator('#schedule-message', { hasText: 'Added "Single"' }).waitFor();
    await page.locator('#schedule-body tr', { hasText: 'Single' }).waitFor();

    await add('Clash', await local(1, 11), await local(1, 13));
    await page.locator('#schedule-message.problem-text', { hasText: 'overlaps' }).waitFor();
    assert.equal(await page.inputValue('#showing-film'), 'Clash', 'the form keeps what was typed');
    assert.deepEqual((await list()).map((s) => s.title), ['Single']);
    await screenshot(page, 'staff-schedule-overlap');
    await assertAccessible(page, '/staff schedule with an overlap refused');

    await add('Daily', await local(1, 14), await local(1, 16), true);
    await page.locator('#schedule-message', { hasText: 'Added 7 showings of "Daily"' }).waitFor();
    const daily = (await list()).filter((s) => s.title === 'Daily');
    assert.equal(daily.length, 7);
    const hours = new Set(await page.evaluate((starts) => starts.map((s) => new Date(s).getHours()), daily.map((s) => s.starts_at)));
    assert.deepEqual([...hours], [14], 'the same local time every day');

    // A week that meets an existing showing is refused whole.
    await add('Daily clash', await local(0, 23), await local(1, 11), true);
    await page.locator('#schedule-message.problem-text', { hasText: 'overlaps' }).waitFor();
    assert.equal((await list()).filter((s) => s.title === 'Daily clash').length, 0);

    // Move the single showing.
    const single = (await list()).find((s) => s.title === 'Single')!;
    await page.locator(`#schedule-body tr[data-showing-id="${single.id}"] button`, { hasText: 'Edit' }).click();
    assert.equal(await page.inputValue('#showing-film'), 'Single');
    await page.fill('#showing-starts', await local(1, 12));
    await page.fill('#showing-ends', await local(1, 13));
    await page.click('#showing-save');
    await page.locator('#schedule-message', { hasText: 'Saved "Single"' }).waitFor();
    await assertAccessible(page, '/staff schedule after a move');
    const moved = (await list()).find((s) => s.id === single.id)!;
    assert.equal(Date.parse(moved.starts_at) - Date.parse(single.starts_at), 2 * 60 * MINUTE);

    // Cancel it: the first click asks, the second cancels.
    const cancel = page.locator(`#schedule-body tr[data-showing-id="${single.id}"] button[data-action="cancel"]`);
    await cancel.click();
    await cancel.locator('text=Really cancel?').waitFor();
    await cancel.click();
    await page.locator(`#schedule-body tr[data-showing-id="${single.id}"]`, { hasText: 'Cancelled' }).waitFor();
    assert.equal((await list()).find((s) => s.id === single.id)?.status, 'cancelled');
    await screenshot(page, 'staff-schedule');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'staff-schedule');
    await page.context().close();
  });
});
