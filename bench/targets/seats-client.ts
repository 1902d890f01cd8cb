// A minimal request/reply client for our socket protocol, for setting up a bench database
// (halls, seat types) as an admin would. Not on any measured path.
import WebSocket from 'ws';
import { OWN_SUBPROTOCOL } from '../../src/core/protocol/dialect.js';

interface Reply {
  eid: string;
  status: string;
  error: string | null;
  data: unknown;
}

export class SeatsClient {
  private nextEid = 0;
  private readonly waiting = new Map<string, (reply: Reply) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const reply = JSON.parse(raw.toString()) as Reply;
      this.waiting.get(reply.eid)?.(reply);
      this.waiting.delete(reply.eid);
    });
  }

  static open(baseUrl: string, cookie: string): Promise<SeatsClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, [OWN_SUBPROTOCOL], { headers: { cookie } });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new SeatsClient(socket)));
      socket.once('error', reject);
    });
  }

  request<T>(type: string, data: unknown): Promise<T> {
    const eid = `setup-${this.nextEid++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(eid, (reply) => (reply.status === 'error' ? reject(new Error(`${type}: ${reply.error} ${JSON.stringify(reply.data)}`)) : resolve(reply.data as T)));
      this.socket.send(JSON.stringify({ type, data, eid }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
