// A writer's socket to one target, with request/reply matching by eid. Our server gets
// the real staff call (`hall.update_seat_status`); the baselines get the same payload
// through their publish message, so every target assigns versions the same way.
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { PublishReply, PublishRequest } from '../baselines/publish.js';
import { OWN_SUBPROTOCOL } from '../../src/core/protocol/dialect.js';
import { wallMs } from '../clock.js';
import type { Endpoint } from './ipc.js';
import { wsUrl } from './subscriber.js';

export type SeatStatus = 'VACANT' | 'OCCUPIED' | 'MAINTENANCE';

export interface SeatChange {
  id: number;
  status: SeatStatus;
}

export interface Committed {
  version: number;
  /** The map the change went to (our server says; null: the hall's own, and always on the baselines). */
  showing: number | null;
  sentAt: number;
  repliedAt: number;
}

export class ChangeRejected extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

interface Reply {
  eid: string;
  status: string;
  error?: string | null;
  data: { version?: number; showing_id?: number | null; seats?: { id: number; status: SeatStatus }[] } | null;
}

interface Pending {
  sentAt: number;
  resolve(reply: Reply, repliedAt: number): void;
  reject(error: Error): void;
}

/** Seats of a hall as a baseline "has" them (as many as a bench hall): ids only matter for the payload size. */
const SYNTHETIC_SEATS: SeatChange[] = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, status: 'VACANT' }));

export class WriterConnection {
  private readonly pending = new Map<string, Pending>();
  private nextEid = 0;
  private ws?: WebSocket;
  private sio?: Socket;

  private constructor(
    private readonly endpoint: Endpoint,
    private readonly name: string,
  ) {}

  static async open(endpoint: Endpoint, name: string): Promise<WriterConnection> {
    const connection = new WriterConnection(endpoint, name);
    await connection.connect();
    return connection;
  }

  /** The hall's seats and their statuses, so each change really changes a seat. */
  async seats(hall: number): Promise<SeatChange[]> {
    if (this.endpoint.kind !== 'seats') return SYNTHETIC_SEATS.map((seat) => ({ ...seat }));
    const { reply } = await this.request('hall.get', { id: hall });
    return (reply.data?.seats ?? []).map((seat) => ({ id: seat.id, status: seat.status }));
  }

  async change(hall: number, seats: SeatChange[]): Promise<Committed> {
    const data =
      seats.length === 1 && seats[0]
        ? { hall_id: hall, seat_id: seats[0].id, status: seats[0].status }
        : { hall_id: hall, seats: seats.map((seat) => ({ seat_id: seat.id, status: seat.status })) };
    const { reply, sentAt, repliedAt } = await this.request('hall.update_seat_status', data, hall, seats);
    return { version: reply.data?.version ?? Number.NaN, showing: reply.data?.showing_id ?? null, sentAt, repliedAt };
  }

  close(): void {
    this.ws?.terminate();
    this.sio?.close();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.endpoint.kind === 'socketio') {
        this.sio = io(this.endpoint.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, query: { role: 'writer' } });
        this.sio.once('connect', () => resolve());
        this.sio.once('connect_error', reject);
        return;
      }
      const path = this.endpoint.kind === 'raw' ? '/publish' : '/ws';
      const headers = this.endpoint.cookie ? { cookie: this.endpoint.cookie } : undefined;
      const protocols = this.endpoint.kind === 'seats' ? [OWN_SUBPROTOCOL] : [];
      const ws = new WebSocket(wsUrl(this.endpoint, path), protocols, { headers, perMessageDeflate: false });
      this.ws = ws;
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.on('message', (raw) => this.settle(JSON.parse(raw.toString()) as Reply, wallMs()));
      ws.on('close', () => {
        for (const pending of this.pending.values()) pending.reject(new ChangeRejected('SocketClosed'));
        this.pending.clear();
      });
    });
  }

  private request(type: string, data: unknown, hall = 0, seats: SeatChange[] = []): Promise<{ reply: Reply; sentAt: number; repliedAt: number }> {
    const eid = `${this.name}-${this.nextEid++}`;
    return new Promise((resolve, reject) => {
      const sentAt = wallMs();
      this.pending.set(eid, { sentAt, resolve: (reply, repliedAt) => resolve({ reply, sentAt, repliedAt }), reject });
      if (this.endpoint.kind === 'seats') {
        this.ws?.send(JSON.stringify({ type, data, eid }));
        return;
      }
      const publish: PublishRequest = { eid, hall, seats: pushedSeats(seats), seat_types: pushedSeatTypes(seats) };
      if (this.sio) this.sio.emit('publish', publish, (reply: PublishReply) => this.settle(reply, wallMs()));
      else this.ws?.send(JSON.stringify(publish));
    });
  }

  private settle(reply: Reply, repliedAt: number): void {
    const pending = this.pending.get(reply.eid);
    if (!pending) return;
    this.pending.delete(reply.eid);
    if (reply.status === 'error') pending.reject(new ChangeRejected(reply.error ?? 'Error'));
    else pending.resolve(reply, repliedAt);
  }
}

// The baselines push what our server pushes for a change, so frames have the same size.
function pushedSeats(seats: SeatChange[]): unknown[] {
  const updatedAt = new Date().toISOString();
  return seats.map((seat) => ({ id: seat.id, status: seat.status, updated_at: updatedAt }));
}

function pushedSeatTypes(seats: SeatChange[]): unknown[] {
  const occupied = seats.filter((seat) => seat.status === 'OCCUPIED').length;
  return [{ id: 1, seats: { VACANT: SYNTHETIC_SEATS.length - occupied, OCCUPIED: occupied, MAINTENANCE: 0 } }];
}
