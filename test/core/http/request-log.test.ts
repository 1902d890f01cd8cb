// The access log and request ids: one info line per request (no query string), an
// X-Request-Id taken only from a trusted proxy, the id on error lines; and process
// crashes logged as one JSON line before a non-zero exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OutageReporter } from '../../../src/core/db/unavailable.js';
import { createHttpApp } from '../../../src/core/http/app.js';
import { createLogger } from '../../../src/core/logger.js';
import { CapturedLogs } from '../../support/log-capture.js';

interface LogLine {
  level: string;
  message: string;
  request?: string;
  method?: string;
  path?: string;
  status?: number;
  ms?: number;
  error?: string;
}

async function withApp(trustProxy: string | undefined, run: (url: string, logs: () => LogLine[], raw: CapturedLogs) => Promise<void>) {
  const captured = new CapturedLogs();
  const logger = createLogger({ log: { level: 'info', format: 'json' } }, [captured]);
  const app = createHttpApp({
    config: { allowedOrigins: [], publicUrl: undefined, trustProxy },
    logger,
    outages: new OutageReporter(),
    checkReady: async () => ({ ready: true }),
    mount: (express) => {
      express.get('/ok', (_request, response) => void response.json({ ok: true }));
      express.get('/boom', () => {
        throw new Error('a bug in a route');
      });
    },
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await run(url, () => captured.lines.map((line) => JSON.parse(line) as LogLine), captured);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('access log and request ids', () => {
  it('logs one info line per request: method, path without the query, status, duration, a generated id', async () => {
    await withApp(undefined, async (url, logs, raw) => {
      const response = await fetch(`${url}/ok?token=s3cret-in-query`);
      assert.equal(response.status, 200);
      const id = response.headers.get('x-request-id') ?? '';
      assert.match(id, UUID);
      const lines = logs().filter((line) => line.message === 'request');
      assert.equal(lines.length, 1);
      const [line] = lines;
      assert.equal(line!.level, 'info');
      assert.deepEqual([line!.method, line!.path, line!.status, line!.request], ['GET', '/ok', 200, id]);
      assert.equal(typeof line!.ms, 'number');
      assert.ok(!raw.text().includes('s3cret'), 'the query string is never logged');
    });
  });

  it('takes X-Request-Id from a trusted proxy, and from nobody else', async () => {
    await withApp('loopback', async (url, logs) => {
      const response = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'lb-7f3a.42' } });
      assert.equal(response.headers.get('x-request-id'), 'lb-7f3a.42');
      assert.equal(logs().find((line) => line.message === 'request')?.request, 'lb-7f3a.42');
      const forged = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'bad id\\" with "quotes"' } });
      assert.match(forged.headers.get('x-request-id') ?? '', UUID, 'a malformed id is replaced even from a trusted proxy');
    });
    await withApp(undefined, async (url, logs) => {
      const response = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'client-chosen' } });
      assert.match(response.headers.get('x-request-id') ?? '', UUID);
      assert.ok(!logs().some((line) => line.request === 'client-chosen'));
    });
  });

  it('carries the request id into the error line of a failed request', async () => {
    await withApp('loopback', async (url, logs) => {
      const response = await fetch(`${url}/boom`, { headers: { 'x-request-id': 'trace-500' } });
      assert.equal(response.status, 500);
      const error = logs().find((line) => line.level === 'error');
      assert.equal(error?.message, 'request failed');
      assert.equal(error?.request, 'trace-500');
      assert.match(error?.error ?? '', /a bug in a route/);
      assert.equal(logs().find((line) => line.message === 'request')?.status, 500);
    });
  });

  it('logs health and readiness probes at debug only', async () => {
    await withApp(undefined, async (url, logs) => {
      assert.equal((await fetch(`${url}/ready`)).status, 200);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      await fetch(`${url}/ok`);
      assert.deepEqual(
        logs().map((line) => line.path),
        ['/ok'],
      );
    });
  });
});

describe('crash handlers', () => {
  const script = fileURLToPath(new URL('../../support/crash-process.ts', import.meta.url));
  for (const kind of ['rejection', 'exception'] as const) {
    it(`log an unhandled ${kind} as one JSON line and exit non-zero`, () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', script, kind], { encoding: 'utf8', timeout: 15_000 });
      assert.notEqual(result.status, 0);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      const line = JSON.parse(lines[0]!) as LogLine;
      assert.equal(line.level, 'error');
      assert.equal(line.message, kind === 'rejection' ? 'unhandled rejection' : 'uncaught exception');
      assert.match(line.error ?? '', kind === 'rejection' ? /a bug in a promise/ : /a bug in a callback/);
    });
  }
});
