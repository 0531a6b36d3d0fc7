/**
 * Applying a gateway's usage batch exactly once. The whole batch is one D1
 * batch (one transaction, one round trip): it first claims the batchId with a
 * fresh nonce, and the byte-count update applies only where that nonce won,
 * so a retried or concurrently duplicated batch counts nothing twice.
 *
 * All reports go in one UPDATE over the batch as a JSON parameter, not one
 * statement per report: D1 runs one query at a time per database, and this
 * is the busiest write path (docs/capacity.md measures both shapes).
 */
import type { UsageReport } from "@cargo-vpn/shared";
import type { AppContext } from "../context";

/** Returns how many reports were applied now (0 when the batch had been applied before). */
export async function applyUsageBatch(
  ctx: AppContext,
  gatewayId: string,
  batchId: string,
  reports: UsageReport[],
  nowMs = Date.now(),
): Promise<number> {
  const { env } = ctx;
  if (reports.length === 0) return 0;
  const nonce = crypto.randomUUID();
  const claim = env.DB.prepare(
    "INSERT INTO usage_batches (gateway_id, batch_id, nonce, applied_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
  ).bind(gatewayId, batchId, nonce, nowMs);
  // Reports for the same session are summed first (UPDATE ... FROM applies one source row per target row).
  // Late bytes of an ended session still count; a session of another gateway, or an unknown one, matches nothing.
  const update = env.DB.prepare(
    `UPDATE tunnel_sessions
        SET bytes_up = bytes_up + r.up,
            bytes_down = bytes_down + r.down,
            last_activity_at = CASE WHEN r.up + r.down > 0 THEN max(last_activity_at, ?2) ELSE last_activity_at END
       FROM (SELECT json_extract(value, '$[0]') AS id, SUM(json_extract(value, '$[1]')) AS up, SUM(json_extract(value, '$[2]')) AS down
               FROM json_each(?1) GROUP BY 1) AS r
      WHERE tunnel_sessions.id = r.id AND tunnel_sessions.gateway_id = ?3
        AND (SELECT nonce FROM usage_batches WHERE gateway_id = ?3 AND batch_id = ?4) = ?5
  RETURNING tunnel_sessions.id AS id`,
  ).bind(JSON.stringify(reports.map((r) => [r.sessionId, r.bytesUp, r.bytesDown])), nowMs, gatewayId, batchId, nonce);
  const [, updated] = await env.DB.batch<{ id: string }>([claim, update]);
  const applied = new Set(updated?.results.map((row) => row.id));
  return reports.filter((r) => applied.has(r.sessionId)).length;
}
