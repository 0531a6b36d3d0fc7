/**
 * The one heartbeat a cluster primary sends for all its workers (why one:
 * cluster-primary.ts): asks every worker for the sessions it carries, beats
 * with the sums and the union, and tells every worker the answer —
 * revocations, and whether to refuse new flows. It remembers recent
 * revocations and the current verdict for a worker that starts later.
 *
 *   const verdicts = new ClusterVerdicts(config.clockToleranceSec);
 *   const pool = new WorkerPool({ ..., greeting: () => verdicts.greeting() });
 *   const heartbeat = startClusterHeartbeat({ config, pool, verdicts, logger });
 */
import { MAX_HEARTBEAT_SESSIONS } from "@cargo-vpn/shared/schemas";
import { GatewayApi } from "../api/api-client";
import type { CarriedSessions, PrimaryMessage } from "./cluster-messages";
import type { WorkerPool } from "./cluster-worker-pool";
import type { GatewayConfig } from "../gateway-settings";
import { MAX_CREDENTIAL_LIFETIME_SEC } from "../auth/credentials";
import { Heartbeat } from "../api/heartbeat";
import type { Logger } from "../logger";

/** What the heartbeat has told the workers, kept for a worker that starts later. */
export class ClusterVerdicts {
  private readonly revoked = new Map<string, number>();
  /** The heartbeat's verdict, told to every worker (and to one that starts later). */
  refusingNewFlows = false;

  constructor(private readonly clockToleranceSec: number) {}

  /** Remembers revocations until no credential issued before them can still be live. */
  noteRevoked(sessionIds: string[], now = Date.now()): void {
    for (const id of sessionIds) this.revoked.set(id, now);
    const forgetBefore = now - (MAX_CREDENTIAL_LIFETIME_SEC + this.clockToleranceSec) * 1000;
    for (const [id, at] of this.revoked) if (at < forgetBefore) this.revoked.delete(id);
  }

  /** What a worker that just became ready missed. */
  greeting(): PrimaryMessage[] {
    const missed: PrimaryMessage[] = [];
    if (this.revoked.size > 0) missed.push({ type: "cargo:revoke", sessionIds: [...this.revoked.keys()] });
    if (this.refusingNewFlows) missed.push({ type: "cargo:refusing-new-flows", refusing: true });
    return missed;
  }
}

/** The workers' carried sessions summed, and their ids joined up to the heartbeat's limit; a worker that does not answer counts nothing. */
async function collectSessions(pool: WorkerPool): Promise<CarriedSessions> {
  const answers = await Promise.all(pool.slots().map((slot) => pool.ask<CarriedSessions>(slot, "cargo:collect")));
  const sessions = new Set<string>();
  let activeSessions = 0;
  let openFlows = 0;
  for (const answer of answers) {
    if (!answer) continue;
    activeSessions += answer.activeSessions;
    openFlows += answer.openFlows;
    for (const id of answer.sessions) if (sessions.size < MAX_HEARTBEAT_SESSIONS) sessions.add(id);
  }
  return { activeSessions, openFlows, sessions: [...sessions] };
}

export function startClusterHeartbeat(deps: {
  config: GatewayConfig;
  pool: WorkerPool;
  verdicts: ClusterVerdicts;
  logger: Logger;
}): Heartbeat {
  const { config, pool, verdicts, logger } = deps;
  const heartbeat = new Heartbeat({
    api: new GatewayApi({ apiUrl: config.apiUrl, secret: config.gatewaySecret }),
    intervalMs: config.heartbeatIntervalMs,
    stats: async () => {
      const carried = await collectSessions(pool);
      return { activeSessions: carried.activeSessions, load: carried.openFlows / config.maxConnections, sessions: carried.sessions };
    },
    onRevoked: (sessionIds) => {
      verdicts.noteRevoked(sessionIds);
      pool.broadcast({ type: "cargo:revoke", sessionIds });
      logger.info("sessions_revoked", { sessions: sessionIds.length });
    },
    logger,
    missLimit: config.heartbeatMissLimit,
    // Sent after any revocations of the same beat, on the same ordered channel.
    onRefusingChange: (refusing) => {
      verdicts.refusingNewFlows = refusing;
      pool.broadcast({ type: "cargo:refusing-new-flows", refusing });
    },
  });
  heartbeat.start();
  return heartbeat;
}
