/**
 * Tells the API the gateway is alive and how busy it is, and learns from the
 * answer which sessions have ended, so their flows can be cut within
 * one beat (`POST /v1/gateway/heartbeat`).
 *
 *   const heartbeat = new Heartbeat({ api, intervalMs, stats, onRevoked, logger, missLimit, onRefusingChange });
 *   heartbeat.start();      // beats at once, then every intervalMs
 *   await heartbeat.beat(); // one beat now; true when the API answered
 *   heartbeat.refusingNewFlows;  // true after missLimit beats in a row were missed
 *
 * A gateway that cannot beat cannot learn revocations either, so after
 * `missLimit` beats in a row missed — refused, failed, or still unanswered
 * when the next one was due — it says to refuse new flows until a beat is
 * accepted again (proxy-handler.ts answers 503).
 */
import type { GatewayApi } from "./api-client";
import { errorClass, type Logger } from "../logger";

export interface HeartbeatOptions {
  api: GatewayApi;
  intervalMs: number;
  /** What the beat reports; may be async (a cluster primary asks its workers first). */
  stats: () => HeartbeatStats | Promise<HeartbeatStats>;
  onRevoked: (sessionIds: string[]) => void;
  logger: Logger;
  /** Beats missed in a row after which new flows are refused; default never. */
  missLimit?: number;
  /** Called when refusingNewFlows turns on or off. */
  onRefusingChange?: (refusing: boolean) => void;
}

export interface HeartbeatStats {
  activeSessions: number;
  load: number;
  sessions: string[];
}

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<boolean> | null = null;
  private failing = false;
  private readonly startedAtMs = Date.now();
  private lastOkAtMs: number | null = null;
  /** Beats the API did not answer with success, since start (metrics). */
  failures = 0;
  /** Beats missed since the API last accepted one (metrics). */
  missedInARow = 0;

  constructor(private readonly options: HeartbeatOptions) {}

  start(): void {
    void this.beat();
    // A slow API must not pile beats up: the timer skips while one is on its way.
    this.timer = setInterval(() => {
      if (!this.inFlight) void this.beat();
      // An API that does not answer at all misses a beat per interval too.
      else this.missed();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One heartbeat, sent after any beat already on its way, so its answer is fresh. */
  beat(): Promise<boolean> {
    const next = (this.inFlight ?? Promise.resolve(true)).then(() => this.send());
    this.inFlight = next;
    void next.finally(() => {
      if (this.inFlight === next) this.inFlight = null;
    });
    return next;
  }

  /** True once missLimit beats in a row were missed: the gateway cannot learn revocations. */
  get refusingNewFlows(): boolean {
    return this.missedInARow >= (this.options.missLimit ?? Number.POSITIVE_INFINITY);
  }

  private missed(): void {
    const before = this.refusingNewFlows;
    this.missedInARow++;
    if (!before && this.refusingNewFlows) {
      this.options.logger.error("heartbeat_missed_refusing_new_flows", { missed: this.missedInARow });
      this.options.onRefusingChange?.(true);
    }
  }

  private accepted(): void {
    const before = this.refusingNewFlows;
    this.missedInARow = 0;
    if (before) {
      this.options.logger.info("heartbeat_restored_accepting_new_flows");
      this.options.onRefusingChange?.(false);
    }
  }

  /** Seconds since the API last accepted a beat (since start when it never has). */
  ageSeconds(now = Date.now()): number {
    return (now - (this.lastOkAtMs ?? this.startedAtMs)) / 1000;
  }

  private async send(): Promise<boolean> {
    let stats: HeartbeatStats;
    try {
      stats = await this.options.stats();
    } catch (error) {
      this.failures++;
      this.options.logger.error("heartbeat_stats_failed", { error: errorClass(error) });
      this.missed();
      return false;
    }
    const { activeSessions, load, sessions } = stats;
    const result = await this.options.api.post("POST /v1/gateway/heartbeat", {
      activeSessions,
      load: Math.min(1, Math.max(0, load)),
      sessions,
    });
    if (!result.ok) {
      this.failures++;
      // One line per outage, not one per beat.
      if (!this.failing) this.options.logger.warn("heartbeat_failed", { failure: result.failure });
      this.failing = true;
      this.missed();
      return false;
    }
    if (this.failing) this.options.logger.info("heartbeat_restored");
    this.failing = false;
    this.lastOkAtMs = Date.now();
    if (result.body.revokedSessions.length > 0) {
      try {
        this.options.onRevoked(result.body.revokedSessions);
      } catch (error) {
        this.options.logger.error("revocation_failed", { error: errorClass(error) });
      }
    }
    // Only after the revocations it missed are applied does the gateway take new flows again.
    this.accepted();
    return true;
  }
}
