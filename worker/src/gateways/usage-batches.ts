/**
 * Applying a gateway's usage batch exactly once. The whole batch is one D1
 * batch (one transaction, one round trip): it first claims the batchId with a
 * fresh nonce, and every byte-count update applies only where that nonce won,
 * so a retried or concurrently duplicated batch counts nothing twice.
 */
import type { Env } from "../env";

export interface UsageReport {
  sessionId: string;
  bytesUp: number;
  bytesDown: number;
}

/** Returns how many reports were applied now (0 when the batch had been applied before). */
export async function applyUsageBatch(
  env: Env,
  gatewayId: string,
  batchId: string,
  reports: UsageReport[],
  nowMs = Date.now(),
): Promise<number> {
  const nonce = crypto.randomUUID();
  const claim = env.DB.prepare(
    "INSERT INTO usage_batches (gateway_id, batch_id, nonce, applied_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
  ).bind(gatewayId, batchId, nonce, nowMs);
  // Late bytes of an ended session still count; a session of another gateway, or an unknown one, matches nothing.
  const update = env.DB.prepare(
    `UPDATE tunnel_sessions
        SET bytes_up = bytes_up + ?1,
            bytes_down = bytes_down + ?2,
            last_activity_at = CASE WHEN ?1 + ?2 > 0 THEN max(last_activity_at, ?3) ELSE last_activity_at END
      WHERE id = ?4 AND gateway_id = ?5
        AND (SELECT nonce FROM usage_batches WHERE gateway_id = ?5 AND batch_id = ?6) = ?7`,
  );
  const statements = [claim, ...reports.map((r) => update.bind(r.bytesUp, r.bytesDown, nowMs, r.sessionId, gatewayId, batchId, nonce))];
  const results = await env.DB.batch(statements);
  return results.slice(1).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}
