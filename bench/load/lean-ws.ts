// A WebSocket client (RFC 6455, no extensions) for the load processes, cheap per received
// byte. With `ws` a load process spent a third of its time zeroing and faulting in memory:
// Node 20 copies every socket read that is shorter than its 64 KB read buffer into a new,
// zero-filled ArrayBuffer of the read's size (EmitToJSStreamListener::OnStreamRead), so a
// 40 KB rollover snapshot cost a 40 KB allocation, memset and copy before `ws` saw it (perf
// of bench/micro/rollover-bytes.ts: memset 20%, page faults 13%, memmove 5%). Here every
// socket of the process reads into one buffer (net's `onread`) and frames are parsed in
// place (frame-reader.ts); a frame is copied only when it spans two reads. The payload handed to `message`
// is a view of that buffer, valid until the handler returns: the load processes scan it
// synchronously (version-track.ts) and keep nothing of it.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { FrameReader } from './frame-reader.js';

/** One read buffer for every socket of the process: reads are handled one at a time. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADERS_END = Buffer.from('\r\n\r\n');

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

export interface LeanSocketOptions {
  protocols?: string[];
  headers?: Record<string, string>;
}

/**
 * Events as `ws`'s client emits the ones the loaders use: `open`, `message` (payload
 * Buffer, see above), `close` (code), `error`.
 */
export class LeanSocket extends EventEmitter {
  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString('base64');
  private open = false;
  private closed = false;
  /** Bytes of the handshake response not complete yet. */
  private pending: Buffer | null = null;
  private readonly frames = new FrameReader(
    (opcode, fin, payload) => this.frame(opcode, fin, payload),
    (reason) => this.fail(reason),
  );
  /** Fragments of a message sent in several frames (our servers do not). */
  private fragments: { opcode: number; parts: Buffer[] } | null = null;

  constructor(url: string, options: LeanSocketOptions = {}) {
    super();
    const { hostname, port, pathname, search } = new URL(url);
    this.socket = connect({ host: hostname, port: Number(port), onread: { buffer: READ_BUFFER, callback: (n: number) => this.read(n) } });
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => this.emit('error', error));
    this.socket.on('close', () => this.finish(1006));
    this.socket.on('connect', () => {
      const lines = [
        `GET ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${this.key}`,
        'Sec-WebSocket-Version: 13',
        ...(options.protocols?.length ? [`Sec-WebSocket-Protocol: ${options.protocols.join(', ')}`] : []),
        ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ];
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  send(text: string): void {
    if (this.open) this.socket.write(maskedFrame(OP_TEXT, Buffer.from(text)));
  }

  terminate(): void {
    this.socket.destroy();
    this.finish(1006);
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.emit('close', code);
  }

  /** `onread`'s callback: true keeps the socket reading. */
  private read(n: number): boolean {
    this.onRead(READ_BUFFER.subarray(0, n));
    return true;
  }

  private onRead(data: Buffer): void {
    if (!this.open) {
      data = this.handshake(data);
      if (!this.open) return;
    }
    this.frames.push(data);
  }

  private frame(opcode: number, fin: boolean, payload: Buffer): void {
    if (this.closed) return;
    if (opcode === OP_PING) {
      this.socket.write(maskedFrame(0xa, payload));
      return;
    }
    if (opcode === OP_CLOSE) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.socket.end(maskedFrame(OP_CLOSE, payload.subarray(0, 2)));
      this.finish(code);
      return;
    }
    if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (fin) this.emit('message', payload);
      else this.fragments = { opcode, parts: [Buffer.from(payload)] };
      return;
    }
    if (opcode === OP_CONTINUATION && this.fragments) {
      this.fragments.parts.push(Buffer.from(payload));
      if (!fin) return;
      const whole = Buffer.concat(this.fragments.parts);
      this.fragments = null;
      this.emit('message', whole);
    }
    // Pongs: nothing to do.
  }

  /** Parses the 101 response; returns the bytes after it (frames), empty until it is whole. */
  private handshake(data: Buffer): Buffer {
    const bytes = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = null;
    const end = bytes.indexOf(HEADERS_END);
    if (end < 0) {
      this.pending = Buffer.from(bytes);
      return Buffer.alloc(0);
    }
    const head = bytes.subarray(0, end).toString('latin1');
    const status = /^HTTP\/1\.1 (\d+)/.exec(head)?.[1];
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    const expected = createHash('sha1').update(this.key + GUID).digest('base64');
    if (status !== '101' || accept !== expected) {
      this.fail(`handshake refused: ${head.split('\r\n')[0]}`);
      return Buffer.alloc(0);
    }
    this.open = true;
    this.emit('open');
    return bytes.subarray(end + HEADERS_END.length);
  }

  private fail(reason: string): void {
    this.emit('error', new Error(reason));
    this.terminate();
  }
}

/** A client frame: masked, as RFC 6455 requires of clients. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = frame.subarray(header, header + 4);
  randomFillSync(mask);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}
