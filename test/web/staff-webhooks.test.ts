// The staff console's Webhooks card in a real browser: an admin adds an endpoint and sees
// its secret once, a refused address is explained in words, the endpoint's state and last
// attempts show after a delivery, and it can be paused and deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { totpCode, userWithRole } from '../support/auth.js';
import { firstHall } from '../support/halls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { TestClient } from '../support/ws-client.js';
import { ensureFreshBundles, launchBrowser, screenshot, VIEWPORTS } from './browser.js';

describe('staff console webhooks', () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: WebhookReceiver;

  before(async () => {
    await ensureFreshBundles();
    receiver = await WebhookReceiver.start();
    server = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  it('adds an endpoint, shows its secret once, its deliveries and state, pauses and deletes it', async () => {
    const admin = await userWithRole(server.url, server.server.database.prisma, 'web_hook_admin', 'admin');
    const context = await browser.newContext({ viewport: VIEWPORTS.tv });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff`);
    await page.fill('#username', admin.username);
    await page.click('#login-username button[type=submit]');
    await page.fill('#login-code-input', totpCode(admin.secret, 1));
    await page.click('#login-code button[type=submit]');
    await page.locator('#admin').waitFor();

    await page.fill('#webhook-url', 'ftp://example.com/hook');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhooks-message', { hasText: 'That address cannot receive webhooks. only http and https URLs.' }).waitFor();

    await page.fill('#webhook-url', `${receiver.url}/hook`);
    await page.fill('#webhook-description', 'box office screen');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-secret-box').waitFor();
    assert.match(await page.inputValue('#webhook-secret-output'), /^whsec_/);
    const row = page.locator('#webhooks-body tr', { hasText: `${receiver.url}/hook` });
    await row.locator('td', { hasText: 'Delivering' }).waitFor();

    const staff = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    const hall = await firstHall(staff);
    const seat = hall.seats[0]!;
    const { version } = await staff.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status === 'VACANT' ? 'OCCUPIED' : 'VACANT' });
    await receiver.waitFor(() => receiver.accepted().some((h) => h.body.data.version === version), `version ${version}`);
    await staff.close();
    await server.server.outbound.webhooks.idle();
    await page.click('#webhooks-reload');
    await row.locator('td', { hasText: `hall:${hall.id} v${version}: OK 204` }).waitFor();
    await screenshot(page, 'staff-webhooks-tv');

    await row.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#webhooks-message', { hasText: 'Paused.' }).waitFor();
    await row.locator('td', { hasText: 'Paused' }).waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#webhooks-message', { hasText: 'Deleted' }).waitFor();
    assert.equal(await page.locator('#webhooks-body tr').count(), 0);
    await context.close();
  });
});
