// Server-to-client WebSocket frames (RFC 6455 §5.2: unmasked) cut out of a byte stream
// read in arbitrary pieces, for lean-ws.ts. A frame that lies whole in one piece is handed
// over as a view of that piece, without a copy; only a frame that spans pieces is copied
// (its payload into one buffer of its length, a cut header's few bytes into a small one).
export type FrameListener = (opcode: number, fin: boolean, payload: Buffer) => void;

export class FrameReader {
  /** A frame header cut by the end of a piece. */
  private pending: Buffer | null = null;
  /** A frame whose payload spans pieces: its payload so far. */
  private partial: { opcode: number; fin: boolean; payload: Buffer; filled: number } | null = null;
  private failed = false;

  constructor(
    private readonly onFrame: FrameListener,
    private readonly onError: (reason: string) => void,
  ) {}

  /** The next piece of the stream; `data` may be reused by the caller once this returns. */
  push(data: Buffer): void {
    if (this.failed) return;
    if (this.partial) {
      const partial = this.partial;
      const take = Math.min(data.length, partial.payload.length - partial.filled);
      data.copy(partial.payload, partial.filled, 0, take);
      partial.filled += take;
      if (partial.filled < partial.payload.length) return;
      this.partial = null;
      this.onFrame(partial.opcode, partial.fin, partial.payload);
      data = data.subarray(take);
    }
    if (this.pending) {
      data = Buffer.concat([this.pending, data]);
      this.pending = null;
    }
    let at = 0;
    while (data.length - at >= 2) {
      const first = data[at] as number;
      const second = data[at + 1] as number;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = data.readUInt32BE(at + 2) * 2 ** 32 + data.readUInt32BE(at + 6);
        header = 10;
      }
      if (second & 0x80) {
        this.failed = true;
        this.onError('masked frame from the server');
        return;
      }
      const start = at + header;
      const fin = (first & 0x80) !== 0;
      const opcode = first & 0x0f;
      if (data.length - start < length) {
        // The rest of this frame comes with the next pieces: copy it out of this one.
        const payload = Buffer.allocUnsafe(length);
        const filled = data.copy(payload, 0, start);
        this.partial = { opcode, fin, payload, filled };
        return;
      }
      at = start + length;
      this.onFrame(opcode, fin, data.subarray(start, at));
      if (this.failed) return;
    }
    if (at < data.length) this.pending = Buffer.from(data.subarray(at));
  }
}
