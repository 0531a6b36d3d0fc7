/**
 * Bytes per session not yet handed to a usage batch. The only record the
 * gateway keeps about traffic: a session id and two numbers.
 *
 *   meter.add(sessionId, bytesUp, bytesDown);
 *   const reports = meter.take(500);    // moves up to 500 sessions' deltas out
 */

export interface UsageReport {
  sessionId: string;
  bytesUp: number;
  bytesDown: number;
}

export class UsageMeter {
  private readonly pending = new Map<string, { up: number; down: number }>();

  add(sessionId: string, bytesUp: number, bytesDown: number): void {
    if (bytesUp === 0 && bytesDown === 0) return;
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
    return reports;
  }

  get sessions(): number {
    return this.pending.size;
  }
}
