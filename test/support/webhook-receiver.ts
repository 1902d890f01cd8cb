// A local webhook receiver for tests: records every request with its raw body, answers
// 2xx while up, 503 while "down", and 302 on /redirect (to see that it is not followed).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hook {
  path: string;
  headers: IncomingHttpHeaders;
  /** Exactly the bytes received: what the signature covers. */
  raw: string;
  body: any;
  /** The status this receiver answered. */
  status: number;
}

export class WebhookReceiver {
  readonly requests: Hook[] = [];
  down = false;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver!: WebhookReceiver;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        const status = path === '/redirect' ? 302 : receiver.down ? 503 : 204;
        receiver.requests.push({ path, headers: request.headers, raw, body: raw ? JSON.parse(raw) : null, status });
        response.writeHead(status, path === '/redirect' ? { location: `${receiver.url}/redirect-target` } : {}).end();
        for (const wake of receiver.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  /** Requests this receiver accepted (2xx). */
  accepted(path = '/hook'): Hook[] {
    return this.requests.filter((r) => r.path === path && r.status < 300);
  }

  async waitFor(predicate: (requests: Hook[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; ${this.requests.length} requests so far`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
