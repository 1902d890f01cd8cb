// The staff console's API keys card in a real browser: an admin creates a key limited to
// one cinema, sees it once, the key works on the REST API for that cinema only, and a
// revoke from the card refuses it at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { totpCode, userWithRole } from '../support/auth.js';
import { rest } from '../support/rest.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { assertAccessible } from './axe.js';
import { ensureFreshBundles, launchBrowser, screenshot, VIEWPORTS } from './browser.js';

describe('staff console API keys', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    await ensureFreshBundles();
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a key limited to a cinema, shows it once, and revokes it', async () => {
    const admin = await userWithRole(server.url, server.server.database.prisma, 'key_admin', 'admin');
    const context = await browser.newContext({ viewport: VIEWPORTS.tv });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff`);
    await page.fill('#username', admin.username);
    await page.click('#login-username button[type=submit]');
    await page.fill('#login-code-input', totpCode(admin.secret, 1));
    await page.click('#login-code button[type=submit]');
    await page.locator('#admin').waitFor();
    const firstCinema = page.locator('#api-key-cinemas input').first();
    await firstCinema.waitFor();
    const cinemaId = Number(await firstCinema.getAttribute('value'));

    await page.fill('#api-key-name', 'Box office');
    await page.check('#api-key-scope-hold');
    await firstCinema.check();
    await page.click('#api-key-form button[type=submit]');
    await page.locator('#api-key-box').waitFor();
    const key = await page.inputValue('#api-key-output');
    assert.match(key, /^ssk_[0-9a-f]{16}_/);
    const row = page.locator('#api-keys-body tr', { hasText: 'Box office' });
    await row.locator('td', { hasText: 'read, hold' }).waitFor();
    await row.locator('td', { hasText: 'Never used' }).waitFor();
    await assertAccessible(page, 'staff api keys');
    await screenshot(page, 'staff-api-keys-tv');

    const cinemas = await rest(server.url, 'GET', '/api/v1/cinemas', { key });
    assert.deepEqual(cinemas.body.cinemas.map((c: { id: number }) => c.id), [cinemaId]);
    await page.click('#api-keys-reload');
    await row.locator('td', { hasText: 'Last used' }).waitFor();
    assert.equal(await page.locator('#api-keys-body', { hasText: key.slice(21) }).count(), 0, 'the list never shows the key');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('#api-keys-message', { hasText: 'Revoked "Box office"' }).waitFor();
    await row.locator('td', { hasText: 'Revoked' }).waitFor();
    assert.equal((await rest(server.url, 'GET', '/api/v1/cinemas', { key })).status, 401);
    await context.close();
  });
});
