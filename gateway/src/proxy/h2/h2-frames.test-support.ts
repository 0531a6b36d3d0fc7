/**
 * A raw HTTP/2 client for the limit tests: it writes exactly the frames a
 * test asks for (RFC 9113 §4, §6; HPACK literals from RFC 7541 §6.2.2), with
 * none of the safety a real client library adds, and reads the server's
 * frames back. What an attacker's client does, to show the gateway refuses it.
 *
 *   const raw = await RawH2.connect(port);            // TLS with ALPN h2, preface, SETTINGS
 *   raw.send(raw.headers(1, [[":method", "CONNECT"], …], { endHeaders: true }), rstStream(1, CANCEL));
 *   const goaway = await raw.goaway();                 // { lastStreamId, errorCode }
 */
import tls from "node:tls";

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;
export const ERROR = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, REFUSED_STREAM: 7, CANCEL: 8, ENHANCE_YOUR_CALM: 11 } as const;

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** HPACK integer with an n-bit prefix (RFC 7541 §5.1). */
function hpackInt(value: number, prefixBits: number, firstByteFlags = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByteFlags | value]);
  const bytes = [firstByteFlags | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A header block of literal fields without indexing, new names, no Huffman. */
export function headerBlock(fields: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const n = Buffer.from(name, "latin1");
    const v = Buffer.from(value, "latin1");
    parts.push(Buffer.from([0x00]), hpackInt(n.length, 7), n, hpackInt(v.length, 7), v);
  }
  return Buffer.concat(parts);
}

export const rstStream = (streamId: number, code: number): Buffer => {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FRAME.RST_STREAM, 0, streamId, payload);
};

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export class RawH2 {
  readonly frames: Frame[] = [];
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 9) {
        const length = this.buffered.readUIntBE(0, 3);
        if (this.buffered.length < 9 + length) break;
        const parsed = {
          type: this.buffered[3]!,
          flags: this.buffered[4]!,
          streamId: this.buffered.readUInt32BE(5) & 0x7fffffff,
          payload: this.buffered.subarray(9, 9 + length),
        };
        this.buffered = this.buffered.subarray(9 + length);
        this.frames.push(parsed);
        // A server SETTINGS is acknowledged, as every client must.
        if (parsed.type === FRAME.SETTINGS && !(parsed.flags & FLAG.ACK) && !socket.destroyed)
          socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0));
      }
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number): Promise<RawH2> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ALPNProtocols: ["h2"] }, () => {
        if (socket.alpnProtocol !== "h2") return reject(new Error("no h2"));
        const raw = new RawH2(socket);
        socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
        resolve(raw);
      });
      socket.once("error", reject);
    });
  }

  /** A HEADERS frame with the block as its fragment. */
  headers(streamId: number, fields: Array<[string, string]>, options: { endHeaders?: boolean; endStream?: boolean } = {}): Buffer {
    const flags = (options.endHeaders === false ? 0 : FLAG.END_HEADERS) | (options.endStream ? FLAG.END_STREAM : 0);
    return frame(FRAME.HEADERS, flags, streamId, headerBlock(fields));
  }

  send(...frames: Buffer[]): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(Buffer.concat(frames));
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves with the first frame matching, or null once the connection has closed without one. */
  async waitFor(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame | null> {
    const ends = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closed) return null;
      if (Date.now() > ends) throw new Error("timed out waiting for a frame");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, ends - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The server's GOAWAY (null if the connection closed without one). */
  async goaway(timeoutMs?: number): Promise<{ lastStreamId: number; errorCode: number } | null> {
    const found = await this.waitFor((f) => f.type === FRAME.GOAWAY, timeoutMs);
    return found ? { lastStreamId: found.payload.readUInt32BE(0) & 0x7fffffff, errorCode: found.payload.readUInt32BE(4) } : null;
  }

  close(): void {
    this.socket.destroy();
  }
}
