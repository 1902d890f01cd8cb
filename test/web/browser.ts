// What the browser tests share: Debian's Chromium through playwright-core, fresh page
// bundles, screenshots for the CI artifact, and a Node-side protocol client (the same
// module the pages use) acting as "another client".
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { buildWebPages, DEFAULT_DIST_DIR } from '../../scripts/build-web.js';
import { ProtocolClient, type SocketConstructor } from '../../web/client/protocol-client.js';
import { SocketContract } from '../support/contract.js';

// Without the networking flags, headless Chromium keeps calling out (updates, sync,
// QUIC probes), which fails slowly on a closed network.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const VIEWPORTS = { tv: { width: 1920, height: 1080 }, phone: { width: 390, height: 844 } } as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Rebuilds web/dist when a source under web/ is newer, so tests never run stale bundles. */
export async function ensureFreshBundles(): Promise<void> {
  const built = await stat(join(DEFAULT_DIST_DIR, 'staff.html')).then((s) => s.mtimeMs, () => 0);
  if ((await newestSource(join(DEFAULT_DIST_DIR, '..'))) > built) await buildWebPages();
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== DEFAULT_DIST_DIR) newest = Math.max(newest, await newestSource(path));
    } else newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Saved under test-results/ (a CI artifact), named page-viewport. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir('test-results/web', { recursive: true });
  const size = page.viewportSize();
  const path = `test-results/web/${name}-${size?.width}x${size?.height}.png`;
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * A protocol client from Node, logged in when given a session cookie. Every frame it
 * receives is checked against the message descriptors; a frame that breaks the contract
 * throws (an uncaught error fails the running test).
 */
export function nodeClient(wsUrl: string, cookie?: string): ProtocolClient {
  class CookieSocket extends WebSocket {
    private readonly contract = new SocketContract();

    constructor(url: string, protocols: string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {});
      this.on('message', (data) => {
        const violation = this.contract.received(JSON.parse(data.toString()) as object);
        if (violation) throw new Error(`contract violation: ${violation}`);
      });
    }

    override send(data: string): void {
      this.contract.sent(data);
      super.send(data);
    }
  }
  const client = new ProtocolClient({ url: wsUrl, WebSocket: CookieSocket as SocketConstructor, reconnectDelayMs: { min: 50, max: 500 } });
  client.connect();
  return client;
}
