// One webhook POST: the body as given, the Standard Webhooks headers, a deadline, and no
// redirect followed (a 3xx is a failed delivery: following it could lead anywhere,
// including an internal address). What comes back is recorded, never thrown.
import http from 'node:http';
import https from 'node:https';
import { checkedLookup, DestinationRefused, parseDestination, resolveDestination } from './webhook-destination.js';

export interface SendResult {
  ok: boolean;
  status: number | null;
  /** Why it failed, safe to show admins (never the secret, never the body). */
  error: string | null;
  durationMs: number;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** Bytes of a reply read before the connection is dropped: only the status matters. */
const MAX_REPLY_BYTES = 64 * 1024;

export async function sendWebhook(request: WebhookRequest, now: () => number = Date.now): Promise<SendResult> {
  const started = now();
  const done = (ok: boolean, status: number | null, error: string | null): SendResult => ({ ok, status, error, durationMs: Math.max(0, Math.round(now() - started)) });
  let url: URL;
  try {
    url = parseDestination(request.url);
    // An IP literal never reaches the lookup below; a name is checked there too, on the
    // addresses the connection really uses.
    await resolveDestination(url.hostname, request.allowPrivate);
  } catch (error) {
    return done(false, null, error instanceof DestinationRefused ? `refused: ${error.message}` : 'refused');
  }
  return new Promise<SendResult>((resolve) => {
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'seats-sync-webhooks', 'content-length': Buffer.byteLength(request.body), ...request.headers },
        lookup: checkedLookup(request.allowPrivate),
        timeout: request.timeoutMs,
        // A fresh connection per delivery: a pooled one could outlive a DNS change.
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_REPLY_BYTES) response.destroy();
        });
        const finish = () => {
          if (status >= 200 && status < 300) resolve(done(true, status, null));
          else if (status >= 300 && status < 400) resolve(done(false, status, `redirect to ${response.headers.location ?? '(no location)'} not followed`));
          else resolve(done(false, status, `HTTP ${status}`));
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(done(false, null, error.code && error.code !== 'EREFUSED' ? `${error.code}: ${error.message}` : error.message)));
    outgoing.end(request.body);
  });
}
