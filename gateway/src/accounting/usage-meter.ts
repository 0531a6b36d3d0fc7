/**
 * Bytes per session not yet handed to a usage batch. The only record the
 * gateway keeps about traffic: a session id and two numbers.
 *
 *   meter.add(sessionId, bytesUp, bytesDown);
 *   const reports = meter.take(500);    // moves up to 500 sessions' deltas out
 */
import type { UsageReport } from "@cargo-vpn/shared/schemas";

/** One session's deltas, as a usage batch carries them (the shared contract's type). */
export type { UsageReport };

export class UsageMeter {
  private readonly pending = new Map<string, { up: number; down: number }>();
  /** Every byte ever added, for the metrics (bytes carried). */
  totalUp = 0;
  totalDown = 0;
  /** When the oldest bytes still in the meter were added; null when it is empty. */
  pendingSinceMs: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  add(sessionId: string, bytesUp: number, bytesDown: number): void {
    if (bytesUp === 0 && bytesDown === 0) return;
    this.totalUp += bytesUp;
    this.totalDown += bytesDown;
    this.pendingSinceMs ??= this.now();
    const entry = this.pending.get(sessionId);
    if (entry) {
      entry.up += bytesUp;
      entry.down += bytesDown;
    } else {
      this.pending.set(sessionId, { up: bytesUp, down: bytesDown });
    }
  }

  /** Removes and returns up to `max` sessions' deltas; the rest stay for a later batch. */
  take(max: number): UsageReport[] {
    const reports: UsageReport[] = [];
    for (const [sessionId, { up, down }] of this.pending) {
      if (reports.length >= max) break;
      reports.push({ sessionId, bytesUp: up, bytesDown: down });
      this.pending.delete(sessionId);
    }
    // A partial take leaves the older stamp: an upper bound on the age of what is left.
    if (this.pending.size === 0) this.pendingSinceMs = null;
    return reports;
  }

  get sessions(): number {
    return this.pending.size;
  }

  /** The deltas waiting, without taking them (the usage journal). */
  peek(): UsageReport[] {
    return [...this.pending].map(([sessionId, { up, down }]) => ({ sessionId, bytesUp: up, bytesDown: down }));
  }

  /** Puts back deltas a previous process counted (from its journal); the bytes-carried totals are that process's, not this one's. */
  restore(reports: UsageReport[]): void {
    const { totalUp, totalDown } = this;
    for (const r of reports) this.add(r.sessionId, r.bytesUp, r.bytesDown);
    this.totalUp = totalUp;
    this.totalDown = totalDown;
  }
}

/**
 * Charges what a destination socket moved to a session, as deltas of the
 * socket's own counters, so a flow can be charged before a flush and again at
 * its end without counting a byte twice. `attach` starts from the socket's
 * current counters (a pooled socket has carried earlier requests).
 */
export class SocketCharge {
  private socket: { bytesWritten?: number; bytesRead: number } | null = null;
  private up = 0;
  private down = 0;

  constructor(
    private readonly meter: UsageMeter,
    private readonly sessionId: string,
  ) {}

  attach(socket: { bytesWritten?: number; bytesRead: number }): void {
    this.socket = socket;
    this.up = socket.bytesWritten ?? 0;
    this.down = socket.bytesRead;
  }

  /** Charges what moved since the last charge; with `detach`, stops following the socket. */
  charge(detach = false): void {
    const socket = this.socket;
    if (!socket) return;
    const up = socket.bytesWritten ?? this.up;
    const down = socket.bytesRead;
    this.meter.add(this.sessionId, up - this.up, down - this.down);
    this.up = up;
    this.down = down;
    if (detach) this.socket = null;
  }
}
