// The staff console in a real browser against a real server: login with a computed TOTP
// code, enrolment from the QR's secret with recovery codes, selection by click, drag and
// keyboard, a batch change, a VersionConflict shown in words with the fresh state, live
// changes from other staff, and the admin tools.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { enrol, totpCode, userWithRole, type EnrolledUser } from '../support/auth.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ProtocolClient } from '../../web/client/protocol-client.js';
import type { Hall } from '../../web/client/protocol-types.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, nodeClient, screenshot, VIEWPORTS } from './browser.js';

describe('staff console', () => {
  let server: TestServer;
  let browser: Browser;
  let staffUser: EnrolledUser;
  let otherStaff: ProtocolClient;
  let staffPage: Page;
  /** While set, hall pushes to the staff page are held back, so its view is stale. */
  let holdPushes = false;
  const heldPushes: (() => void)[] = [];

  before(async () => {
    await ensureFreshBundles();
    server = await startTestServer();
    staffUser = await userWithRole(server.url, server.server.database.prisma, 'web_staff', 'staff');
    const colleague = await userWithRole(server.url, server.server.database.prisma, 'web_colleague', 'staff');
    otherStaff = nodeClient(server.wsUrl, colleague.cookie);
    browser = await launchBrowser();
  });
  after(async () => {
    otherStaff?.close();
    await browser?.close();
    await server?.close();
  });

  async function newPage(viewport: { width: number; height: number } = VIEWPORTS.tv): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    return { context, page: await context.newPage() };
  }

  async function logIn(page: Page, user: EnrolledUser): Promise<void> {
    await page.goto(`${server.url}/staff`);
    await page.fill('#username', user.username);
    await page.click('#login-username button[type=submit]');
    await page.locator('#login-code').waitFor();
    // Enrolment spent the current 30 s step; a code is accepted once per step, so use the next.
    await page.fill('#login-code-input', totpCode(user.secret, 1));
    await page.click('#login-code button[type=submit]');
    await page.locator('#console').waitFor();
  }

  const seatSelector = (id: number) => `#staff-map .seat[data-seat-id="${id}"]`;

  async function currentHall(page: Page): Promise<Hall> {
    return otherStaff.request('hall.get', { id: Number(await page.inputValue('#hall-select')) });
  }

  it('logs staff in with a computed TOTP code, after saying in words that a wrong one is wrong', async () => {
    const { page } = await newPage();
    // Route the page's socket through the test, to hold pushes back for the conflict test.
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const upstream = socket.connectToServer();
      upstream.onMessage((message) => {
        if (holdPushes && typeof message === 'string' && (JSON.parse(message) as { status: string }).status === 'update') heldPushes.push(() => socket.send(message));
        else socket.send(message);
      });
    });
    await page.goto(`${server.url}/staff`);
    await page.locator('#login-username').waitFor();
    await assertAccessible(page, '/staff logged out');
    await screenshot(page, 'staff-login-tv');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'staff-login-phone');
    await page.setViewportSize(VIEWPORTS.tv);

    await page.fill('#username', staffUser.username);
    await page.click('#login-username button[type=submit]');
    await page.fill('#login-code-input', '000000');
    await page.click('#login-code button[type=submit]');
    await page.locator('#login-message', { hasText: 'wrong' }).waitFor();
    assert.doesNotMatch((await page.textContent('#login-message')) ?? '', /InvalidCode/, 'words, not codes');
    await assertAccessible(page, '/staff wrong code');
    await page.click('#code-lost');
    await page.locator('#login-lost').waitFor();
    await assertAccessible(page, '/staff lost authenticator');
    await page.click('#lost-back');
    await page.locator('#login-code').waitFor();

    await page.fill('#login-code-input', totpCode(staffUser.secret, 1));
    await page.click('#login-code button[type=submit]');
    await page.locator('#console').waitFor();
    assert.equal(await page.textContent('#who-name'), 'web_staff (staff)');
    assert.equal(await page.isVisible('#admin'), false, 'the admin tools are for admins');
    await page.locator('#staff-map .seat').first().waitFor();
    await assertAccessible(page, '/staff logged in as staff');
    staffPage = page;
    await screenshot(page, 'staff-console-tv');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'staff-console-phone');
    await page.setViewportSize(VIEWPORTS.tv);
  });

  it('enrols a new user from the QR code secret and shows the recovery codes once, with a copy button', async () => {
    const { context, page } = await newPage(VIEWPORTS.phone);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(`${server.url}/staff`);
    await page.fill('#username', 'web_newcomer');
    const started = page.waitForResponse((response) => response.url().endsWith('/api/user/auth_start'));
    await page.click('#login-username button[type=submit]');
    const { data } = (await (await started).json()) as { data: { qr: string; qr_url: string } };
    await page.locator('#login-enrol').waitFor();
    assert.equal(await page.getAttribute('#enrol-qr', 'src'), data.qr, 'the QR shown is the one for this enrolment');
    const secret = new URL(data.qr_url).searchParams.get('secret')!;
    assert.equal(await page.textContent('#enrol-secret'), secret, 'the key for typing matches the QR');
    await assertAccessible(page, '/staff enrolment');
    await screenshot(page, 'staff-enrol-phone');

    await page.fill('#enrol-code-input', totpCode(secret));
    await page.click('#login-enrol button[type=submit]');
    await page.locator('#login-recovery').waitFor();
    const codes = await page.locator('#recovery-codes code').allTextContents();
    assert.equal(codes.length, 10);
    await page.click('#recovery-copy');
    await page.locator('#recovery-copied', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), codes.join('\n'));
    await assertAccessible(page, '/staff recovery codes');
    await screenshot(page, 'staff-recovery-codes-phone');

    await page.click('#recovery-done');
    await page.locator('#console').waitFor();
    assert.equal(await page.textContent('#who-name'), 'web_newcomer (viewer)');
    assert.equal(await page.locator('#recovery-codes code').count(), 0, 'the codes are not kept in the page');
    assert.equal(await page.isVisible('#read-only-note'), true);
    await assertAccessible(page, '/staff logged in as viewer');
    await context.close();
  });

  it('batch-changes seats chosen by click and keyboard; drag selects a box of seats', async () => {
    const page = staffPage;
    const hall = await currentHall(page);

    const first = page.locator(seatSelector(hall.seats.find((s) => s.row === 4)!.id)).boundingBox();
    const last = page.locator(seatSelector(hall.seats.find((s) => s.row === 5 && s.place === 4)!.id)).boundingBox();
    const [a, b] = [await first, await last];
    await page.mouse.move(a!.x - 2, a!.y - 2);
    await page.mouse.down();
    await page.mouse.move((a!.x + b!.x + b!.width) / 2, (a!.y + b!.y) / 2, { steps: 4 });
    await page.mouse.move(b!.x + b!.width + 2, b!.y + b!.height + 2, { steps: 4 });
    await page.mouse.up();
    const dragged = await page.locator('#staff-map .seat.selected').count();
    assert.ok(dragged >= 5, `drag selected ${dragged} seats`);
    assert.equal(await page.textContent('#selection-count'), `${dragged} seats selected`);
    await page.keyboard.press('Escape');
    assert.equal(await page.textContent('#selection-count'), 'No seats selected');

    // Click two seats; the keyboard goes on from the last one clicked: Right, Space selects
    // the next place, Shift+Down extends to the seat behind it.
    const seatAt = (row: number, place: number) => hall.seats.find((s) => s.row === row && s.place === place)!;
    const chosen = [seatAt(8, 1), seatAt(8, 2), seatAt(8, 3), seatAt(9, 3)];
    await page.click(seatSelector(chosen[0]!.id));
    await page.click(seatSelector(chosen[1]!.id));
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    assert.equal(await page.getAttribute('#staff-map', 'aria-activedescendant'), `seat-${chosen[3]!.id}`);
    const selected = await page.locator('#staff-map .seat.selected').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-seat-id'))));
    assert.deepEqual(selected.sort((a, b) => a - b), chosen.map((s) => s.id).sort((a, b) => a - b));
    assert.equal(await page.textContent('#selection-count'), '4 seats selected');
    await assertAccessible(page, '/staff with seats selected');

    await page.click('[data-set-status="MAINTENANCE"]');
    await page.locator('#action-message', { hasText: '4 seats marked maintenance.' }).waitFor();
    for (const seat of chosen) await page.locator(`${seatSelector(seat.id)}[data-status="MAINTENANCE"]`).waitFor({ timeout: 2_000 });
    const after = await currentHall(page);
    for (const seat of chosen) assert.equal(after.seats.find((s) => s.id === seat.id)?.status, 'MAINTENANCE');
    assert.equal(await page.textContent('#selection-count'), 'No seats selected');
    await page.locator('#audit-body tr', { hasText: 'web_staff' }).first().waitFor();
  });

  it('shows a conflict in words and the fresh state, keeping the selection for a retry', async () => {
    const page = staffPage;
    const hall = await currentHall(page);
    const [theirs, mine] = hall.seats.filter((s) => s.status === 'VACANT' && s.row === 10);
    holdPushes = true;
    await otherStaff.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: theirs!.id, status: 'OCCUPIED' }] });
    // The page has not heard of that change: it still shows the seat free.
    assert.equal(await page.getAttribute(seatSelector(theirs!.id), 'data-status'), 'VACANT');

    await page.click(seatSelector(mine!.id));
    await page.click('[data-set-status="OCCUPIED"]');
    await page.locator('#action-message', { hasText: 'Someone else changed this hall' }).waitFor();
    await page.locator(`${seatSelector(theirs!.id)}[data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
    assert.equal(await page.getAttribute(seatSelector(mine!.id), 'data-status'), 'VACANT', 'nothing was changed');
    assert.equal(await page.textContent('#selection-count'), '1 seat selected');
    assert.equal((await currentHall(page)).seats.find((s) => s.id === mine!.id)?.status, 'VACANT');
    await assertAccessible(page, '/staff after a conflict');
    await screenshot(page, 'staff-conflict-tv');

    holdPushes = false;
    for (const send of heldPushes.splice(0)) send();
    await page.click('[data-set-status="OCCUPIED"]');
    await page.locator('#action-message', { hasText: '1 seat marked occupied.' }).waitFor();
    await page.locator(`${seatSelector(mine!.id)}[data-status="OCCUPIED"]`).waitFor({ timeout: 2_000 });
  });

  it("shows other staff's changes live", async () => {
    const page = staffPage;
    const hall = await currentHall(page);
    const seat = hall.seats.find((s) => s.status === 'VACANT')!;
    await otherStaff.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' }] });
    await page.locator(`${seatSelector(seat.id)}[data-status="OCCUPIED"]`).waitFor({ timeout: 1_000 });
    await page.locator('#audit-body tr', { hasText: 'web_colleague' }).first().waitFor();
  });

  it('lets an admin create a hall from a live preview and change a role; logout returns to the login', async () => {
    const admin = await userWithRole(server.url, server.server.database.prisma, 'web_admin', 'admin');
    const target = await enrol(server.url, 'web_promoted');
    const { context, page } = await newPage();
    await logIn(page, admin);
    await page.locator('#admin').waitFor();

    await page.fill('#builder-name', 'Browser Hall');
    await page.fill('#builder-rows', '3');
    await page.fill('#builder-places', '5');
    await page.fill('#builder-aisles', '');
    await page.locator('#builder-message', { hasText: '15 seats in 3 rows' }).waitFor();
    assert.equal(await page.locator('#preview-map .seat').count(), 15);
    await page.fill('#builder-places', 'five');
    await page.locator('#builder-message', { hasText: 'Places:' }).waitFor();
    await page.fill('#builder-places', '5');
    await page.locator('#builder-message', { hasText: '15 seats in 3 rows' }).waitFor();
    await assertAccessible(page, '/staff logged in as admin');
    await screenshot(page, 'staff-admin-tv');
    await page.click('#hall-builder button[type=submit]');
    await page.locator('#builder-message', { hasText: 'created with 15 seats' }).waitFor();
    const cinemas = await otherStaff.request('cinemas.get_cinemas', null);
    assert.ok(cinemas.some((c) => c.halls.some((h) => h.name === 'Browser Hall')));

    await page.click('#users-reload');
    const role = page.locator(`select[aria-label="Role of ${target.username}"]`);
    await role.selectOption('staff');
    await page.locator('#roles-message', { hasText: `${target.username} is now staff.` }).waitFor();
    await assertAccessible(page, '/staff admin with the users listed');
    const { users } = await nodeAdminList(admin.cookie);
    assert.equal(users.find((u) => u.username === target.username)?.role, 'staff');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'staff-admin-phone');

    await page.click('#logout');
    await page.locator('#login-username').waitFor();
    assert.equal(await page.isVisible('#console'), false);
    await context.close();
  });

  it("an admin's new-authenticator link ends the user's session at once and enrols a new authenticator in the browser", async () => {
    const admin = await userWithRole(server.url, server.server.database.prisma, 'web_admin2', 'admin');
    const victim = await enrol(server.url, 'web_lost_phone');
    const adminPage = await newPage();
    const victimPage = await newPage();
    await logIn(adminPage.page, admin);
    await logIn(victimPage.page, victim);
    await adminPage.page.locator('#admin').waitFor();
    await adminPage.page.click('#users-reload');
    await adminPage.page.locator('#users-body tr', { hasText: victim.username }).getByRole('button', { name: 'New authenticator link' }).click();
    await adminPage.page.locator('#reenrol-link-box').waitFor();
    const link = await adminPage.page.inputValue('#reenrol-link-output');
    await assertAccessible(adminPage.page, '/staff admin with a new-authenticator link');
    assert.match(link, new RegExp(`^${server.url}/staff#reenrol=[A-Za-z0-9_-]{43}$`));
    // The victim's open console is logged out by the revocation, with no reload.
    await victimPage.page.locator('#login-username').waitFor();
    assert.equal(await victimPage.page.isVisible('#console'), false);

    const { context, page } = await newPage();
    await page.goto(link);
    await page.locator('#login-reenrol').waitFor();
    assert.equal(await page.textContent('#reenrol-username'), victim.username);
    assert.equal(new URL(page.url()).hash, '', 'the token is cleared from the address bar');
    const secret = (await page.textContent('#reenrol-secret'))!;
    assert.notEqual(secret, victim.secret);
    await assertAccessible(page, '/staff new authenticator');
    await page.fill('#reenrol-code-input', totpCode(secret));
    await page.click('#login-reenrol button[type=submit]');
    await page.locator('#login-recovery').waitFor();
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await page.click('#recovery-done');
    await page.locator('#who-name', { hasText: victim.username }).waitFor();
    await Promise.all([context.close(), adminPage.context.close(), victimPage.context.close()]);
  });

  async function nodeAdminList(cookie: string) {
    const client = nodeClient(server.wsUrl, cookie);
    try {
      return await client.request('user.list', null);
    } finally {
      client.close();
    }
  }
});
