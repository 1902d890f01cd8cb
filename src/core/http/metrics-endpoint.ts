// GET /metrics in Prometheus text format, on the public port behind a bearer token or
// on a port of its own (METRICS_PORT), which is meant to stay off the public network.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

async function scrape(registry: Registry, authorization: string | undefined, token: string | undefined) {
  if (token !== undefined && !tokenMatches(authorization, token)) {
    return { status: 401, type: 'text/plain', body: 'a valid bearer token is required\n' };
  }
  return { status: 200, type: registry.contentType, body: await registry.metrics() };
}

/** The route for the public app. */
export function metricsRoute(registry: Registry, token: string | undefined): RequestHandler {
  return async (request, response) => {
    const { status, type, body } = await scrape(registry, request.headers.authorization, token);
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(status).type(type).send(body);
  };
}

/** A server that answers /metrics and nothing else. */
export function createMetricsServer(registry: Registry, token: string | undefined): http.Server {
  return http.createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void scrape(registry, request.headers.authorization, token).then(
      ({ status, type, body }) => response.writeHead(status, { 'Content-Type': type, ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}) }).end(body),
      () => response.writeHead(500).end(),
    );
  });
}
