/**
 * A CONNECT tunnel: the browser's socket spliced to a TCP connection to the
 * destination, counted per session and cut on demand.
 *
 *   const tunnel = new Tunnel({ client, sessionId, meter, registry, idleTimeoutMs, bufferBytes });
 *   if (!registry.open(tunnel)) …;                          // cap check before dialling
 *   await tunnel.connect({ address, family, port, timeoutMs, head });
 *   tunnel.splice();                                        // after answering 200
 *
 * Throughput is the gateway's main cost, so destination→browser bytes are
 * read into one reusable buffer per tunnel (net `onread`) and written straight
 * to the browser: no per-chunk allocation and no stream machinery. The buffer
 * is only reused once the kernel has taken the previous chunk; when the
 * browser side cannot take it at once, reading pauses until it has. Bytes are
 * counted from the destination socket's own counters (bytesRead/bytesWritten),
 * which is exactly what the destination sent and received, at no per-chunk cost.
 */
import net from "node:net";
import type { Duplex } from "node:stream";
import type { Flow, SessionRegistry } from "../auth/session-registry";
import { SocketCharge, type UsageMeter } from "../accounting/usage-meter";

/**
 * The browser's side of a tunnel: its TCP/TLS socket (HTTP/1.1 CONNECT) or
 * one HTTP/2 stream (h2-streams.ts); both are duplexes with an idle timer.
 */
export type TunnelClient = Duplex & { setTimeout(ms: number, onTimeout: () => void): unknown };

export interface TunnelOptions {
  client: TunnelClient;
  sessionId: string;
  meter: UsageMeter;
  registry: SessionRegistry;
  idleTimeoutMs: number;
  bufferBytes: number;
}

export interface DialOptions {
  address: string;
  family: 4 | 6;
  port: number;
  timeoutMs: number;
  /** Bytes the browser sent after the CONNECT head, already read by the HTTP parser. */
  head: Buffer;
}

/** Why a dial failed, as an HTTP status for the browser. */
export class DialError extends Error {
  constructor(
    readonly status: 502 | 504,
    readonly errorClass: string,
  ) {
    super(errorClass);
  }
}

export class Tunnel implements Flow {
  readonly sessionId: string;
  private upstream: net.Socket | null = null;
  private readonly charged: SocketCharge;
  private finished = false;

  constructor(private readonly options: TunnelOptions) {
    this.sessionId = options.sessionId;
    this.charged = new SocketCharge(options.meter, options.sessionId);
    options.client.on("close", () => this.finish());
  }

  /** Opens the connection to the destination (the resolved, policy-checked address). */
  connect(dial: DialOptions): Promise<void> {
    const { client } = this.options;
    return new Promise((resolve, reject) => {
      const reader: ReusableReads = new ReusableReads(this.options.bufferBytes, client, (): net.Socket => upstream);
      const upstream: net.Socket = net.connect({
        host: dial.address,
        family: dial.family,
        port: dial.port,
        noDelay: true,
        onread: { buffer: (): Buffer => reader.nextBuffer(), callback: (bytes: number): boolean => reader.onRead(bytes) },
      });
      this.upstream = upstream;
      this.charged.attach(upstream);
      const timer = setTimeout(() => {
        upstream.destroy();
        reject(new DialError(504, "connect_timeout"));
      }, dial.timeoutMs);
      upstream.once("connect", () => {
        clearTimeout(timer);
        // Nothing may reach the browser before the proxy's 200: hold reads until splice().
        upstream.pause();
        if (dial.head.length > 0) upstream.write(dial.head);
        resolve();
      });
      upstream.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DialError(502, error.code ?? "connect_failed"));
      });
    });
  }

  /** Starts moving bytes both ways; call after the 200 has been written to the browser. */
  splice(): void {
    const upstream = this.upstream;
    const { client, idleTimeoutMs } = this.options;
    if (!upstream) throw new Error("splice before connect");
    forward(client, upstream);
    upstream.on("end", () => client.end());
    client.on("end", () => upstream.end());
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => {
      if (!client.destroyed) client.end();
    });
    client.on("close", () => upstream.destroy());
    const onIdle = () => this.destroy();
    client.setTimeout(idleTimeoutMs, onIdle);
    upstream.setTimeout(idleTimeoutMs, onIdle);
    upstream.resume();
  }

  destroy(): void {
    this.upstream?.destroy();
    this.options.client.destroy();
    this.finish();
  }

  charge(): void {
    this.charged.charge();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.upstream?.destroy();
    this.charge();
    this.options.registry.close(this);
  }
}

/**
 * Destination→browser reads into two reusable buffers per tunnel. A chunk the
 * browser socket takes at once (the common case on plain TCP) frees its
 * buffer for the next read; a chunk still queued (TLS, or a slow browser)
 * keeps its buffer until its write completes, and the next read goes into the
 * other buffer so reading and writing overlap. Only when both are held does
 * the tunnel stop reading, and it resumes into the buffer that frees first
 * (writes complete in order). The second buffer is allocated on first need,
 * and untouched pages of either cost no memory, so idle tunnels stay small.
 *
 * Each chunk's own write carries the completion callback (one bound function
 * per buffer, so nothing is allocated per chunk). A separate empty write as a
 * completion marker would be queued beside the next chunk, and a TLS socket
 * copies every multi-buffer write into one fresh buffer before encrypting it.
 */
class ReusableReads {
  private readonly buffers: [Buffer, Buffer | null];
  /** Writes in flight from each buffer. */
  private readonly held = [0, 0];
  private readonly released: [() => void, () => void];
  private current: 0 | 1 = 0;
  private paused = false;

  constructor(
    private readonly size: number,
    private readonly client: TunnelClient,
    private readonly upstream: () => net.Socket,
  ) {
    this.buffers = [Buffer.allocUnsafeSlow(size), null];
    this.released = [() => this.release(0), () => this.release(1)];
  }

  /** Called by net before every read: where the next bytes go. */
  nextBuffer(): Buffer {
    return this.buffers[this.current]!;
  }

  onRead(bytes: number): boolean {
    const index = this.current;
    this.held[index]!++;
    this.client.write(this.buffers[index]!.subarray(0, bytes), this.released[index]);
    // Taken at once: the bytes are with the kernel (or encrypted), so the buffer may be read into again.
    if (this.client.writableLength === 0) return true;
    const other = index === 0 ? 1 : 0;
    this.current = other;
    if (this.held[other]! > 0) {
      // Both in flight: wait for `other`, the older write, which completes first.
      this.paused = true;
      this.upstream().pause();
    } else {
      this.buffers[other] ??= Buffer.allocUnsafeSlow(this.size);
    }
    return true;
  }

  private release(index: 0 | 1): void {
    this.held[index]!--;
    if (this.paused && this.held[this.current] === 0) {
      this.paused = false;
      this.upstream().resume();
    }
  }
}

/** Browser→destination: ordinary stream reads with backpressure (uploads are the small direction). */
function forward(from: Duplex, to: net.Socket): void {
  from.on("data", (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on("drain", () => from.resume());
}
