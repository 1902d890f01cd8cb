// The header of one unmasked, unfragmented text frame (RFC 6455 §5.2), for pushes that
// are written to the TCP socket as [header, shared body, eid tail] without joining
// them: a server's frames are never masked, so the payload bytes go out as they are.
const FIN_TEXT = 0x81;

/** Header bytes for a text frame of `payloadLength` bytes. */
export function textFrameHeader(payloadLength: number): Buffer {
  if (payloadLength < 126) return Buffer.from([FIN_TEXT, payloadLength]);
  if (payloadLength < 65_536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = FIN_TEXT;
    header[1] = 126;
    header.writeUInt16BE(payloadLength, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = FIN_TEXT;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), 2);
  header.writeUInt32BE(payloadLength >>> 0, 6);
  return header;
}
