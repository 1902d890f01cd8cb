// Serves the pages: GET /display, /display/halls/:id, /display/cinemas/:id and /staff (HTML), /assets/* (the
// bundles). The bundles come from `npm run build:web` (run by postinstall); when web/dist
// is missing, as in a fresh checkout started without install, they are built on first
// start, and the pages wait for that build.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Response } from 'express';
import type { Logger } from '../core/logger.js';
import { PROJECT_ROOT } from '../core/project-root.js';

const WEB_DIST_DIR = join(PROJECT_ROOT, 'web/dist');

const PAGES: Record<string, string> = {
  '/display': 'display-index.html',
  '/display/halls/:id': 'display-hall.html',
  '/display/cinemas/:id': 'display-cinema.html',
  '/staff': 'staff.html',
};

// The pages load only their own scripts and styles, talk only to this origin (the socket
// included: CSP3 'self' covers ws/wss of the same host), and show the enrolment QR as a
// data: image.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export interface WebPagesOptions {
  logger: Logger;
  distDir?: string;
}

export function mountWebPages(app: Express, { logger, distDir = WEB_DIST_DIR }: WebPagesOptions): void {
  const ready = ensureBuilt(distDir, logger);

  app.get('/', (_request, response) => response.redirect('/display'));
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, async (_request, response) => {
      if (!(await ready)) return unavailable(response);
      setPageHeaders(response);
      response.sendFile(join(distDir, file));
    });
  }
  app.use('/assets', async (_request, response, next) => {
    if (!(await ready)) return unavailable(response);
    next();
  });
  // Fixed file names, so every load revalidates (ETag) instead of caching a stale bundle.
  app.use('/assets', express.static(join(distDir, 'assets'), { cacheControl: true, maxAge: 0, fallthrough: false }));
}

/** Resolves true when the bundles exist, building them first if needed; false if that fails. */
async function ensureBuilt(distDir: string, logger: Logger): Promise<boolean> {
  if (existsSync(join(distDir, 'staff.html'))) return true;
  logger.info('building web pages', { distDir });
  try {
    // esbuild is a dev dependency: only loaded when a build is needed.
    const { buildWebPages } = await import('../../scripts/build-web.js');
    await buildWebPages(distDir, { replace: false });
    return true;
  } catch (error) {
    logger.error('web pages could not be built; run `npm run build:web`', { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

function setPageHeaders(response: Response): void {
  response.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
}

function unavailable(response: Response): void {
  response.status(503).type('text/plain').send('The web pages are not built. Run `npm run build:web` and reload.');
}
