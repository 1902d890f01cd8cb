// One subscriber socket per target kind. Each resolves once it is served (snapshot
// received, or open for an idle socket) and then feeds every push to its VersionTrack.
// Receipt time is taken before parsing, so client-side work is not counted as server
// latency.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { OWN_SUBPROTOCOL } from '../../src/core/protocol/dialect.js';
import { wallMs } from '../clock.js';
import { LeanSocket } from './lean-ws.js';
import type { Endpoint } from './ipc.js';
import { scanSnapshot, scanUpdate, updateRange, type ReceiptLedger, VersionTrack } from './version-track.js';

const OPEN_TIMEOUT_MS = 30_000;

interface Frame {
  status?: string;
  error?: string | null;
  data?: { version: number; from_version?: number; status?: string; message?: string } | null;
}

/** What openWs uses of a client socket: `ws`'s and LeanSocket's alike. */
interface ClientSocket {
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (raw: Buffer) => void): unknown;
  on(event: 'close', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  send(text: string): void;
  terminate(): void;
}

/** Opens one socket; resolves with its track (null for an idle socket) once it is served. */
export function openSubscriber(endpoint: Endpoint, hall: number | null, ledger: ReceiptLedger, deflate = false): Promise<VersionTrack | null> {
  return endpoint.kind === 'socketio' ? openSocketIo(endpoint, hall, ledger) : openWs(endpoint, hall, ledger, deflate);
}

export function wsUrl(endpoint: Endpoint, path: string): string {
  return endpoint.baseUrl.replace(/^http/, 'ws') + path;
}

function openWs(endpoint: Endpoint, hall: number | null, ledger: ReceiptLedger, deflate: boolean): Promise<VersionTrack | null> {
  return new Promise((resolve, reject) => {
    const path = endpoint.kind === 'raw' ? (hall === null ? '/' : `/?hall=${hall}`) : '/ws';
    // Our server: ask for our own dialect (a socket naming none speaks the original client's).
    const protocols = endpoint.kind === 'seats' ? [OWN_SUBPROTOCOL] : [];
    const headers = endpoint.cookie ? { cookie: endpoint.cookie } : undefined;
    // `ws` where compression is asked for (bench/micro/rollover-bytes.ts), or with
    // BENCH_CLIENT=ws (to compare): lean-ws.ts costs a fraction of its CPU per received byte.
    const socket: ClientSocket =
      deflate || process.env.BENCH_CLIENT === 'ws'
        ? new WebSocket(wsUrl(endpoint, path), protocols, {
            headers,
            perMessageDeflate: deflate ? { serverNoContextTakeover: true, clientNoContextTakeover: true } : false,
            handshakeTimeout: OPEN_TIMEOUT_MS,
          })
        : new LeanSocket(wsUrl(endpoint, path), { protocols, headers });
    const track = hall === null ? null : new VersionTrack(hall, ledger);
    let served = false;
    const fail = (reason: string) => {
      if (served) return;
      served = true;
      socket.terminate();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail('not served in time'), OPEN_TIMEOUT_MS);
    socket.on('error', (error) => fail(error.message));
    socket.on('close', (code) => {
      if (served) ledger.counters.closed++;
      else fail(`closed ${code} before served`);
    });
    socket.on('open', () => {
      if (track === null) {
        served = true;
        clearTimeout(timer);
        resolve(track);
      } else if (endpoint.kind === 'seats') {
        socket.send(JSON.stringify({ type: 'hall.subscribe', data: { id: hall }, eid: `hall-${hall}` }));
      }
    });
    socket.on('message', (raw: Buffer) => {
      const at = wallMs();
      if (track === null) return;
      const range = scanUpdate(raw);
      if (range !== null) {
        track.update(range[0], range[1], at, range[2]);
        return;
      }
      const snapshot = scanSnapshot(raw);
      if (snapshot !== null) {
        track.snapshot(snapshot.version, snapshot.showing, snapshot.rollover ? at : undefined);
        if (!served) {
          served = true;
          clearTimeout(timer);
          resolve(track);
        }
        return;
      }
      const frame = JSON.parse(raw.toString()) as Frame;
      if (frame.status === 'error') {
        fail(`${frame.error}: ${frame.data?.message ?? ''}`);
      }
    });
  });
}

function openSocketIo(endpoint: Endpoint, hall: number | null, ledger: ReceiptLedger): Promise<VersionTrack | null> {
  return new Promise((resolve, reject) => {
    const socket = io(endpoint.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: OPEN_TIMEOUT_MS,
      query: hall === null ? {} : { hall: String(hall) },
    });
    const track = hall === null ? null : new VersionTrack(hall, ledger);
    let served = false;
    const done = (error?: Error) => {
      if (served) return;
      served = true;
      if (error) {
        socket.close();
        reject(error);
      } else resolve(track);
    };
    socket.on('connect_error', (error) => done(error));
    socket.on('disconnect', () => {
      if (served) ledger.counters.closed++;
    });
    socket.on('connect', () => {
      if (track === null) done();
    });
    socket.on('snapshot', (frame: Frame) => {
      if (!track || !frame.data) return;
      track.snapshot(frame.data.version);
      done();
    });
    socket.on('update', (frame: Frame) => {
      const at = wallMs();
      if (!track || !frame.data) return;
      const [from, to] = updateRange(frame.data);
      track.update(from, to, at);
    });
  });
}

/** Our server only: one extra socket asks `user.subscribe` to prove the cookie is a session. */
export function probeSession(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl(endpoint, '/ws'), [OWN_SUBPROTOCOL], { headers: endpoint.cookie ? { cookie: endpoint.cookie } : undefined });
    const finish = (ok: boolean) => {
      socket.terminate();
      resolve(ok);
    };
    socket.on('error', () => finish(false));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'user.subscribe', data: null, eid: 'probe' })));
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      finish(frame.status === 'snapshot' && frame.data?.status === 'user');
    });
  });
}
