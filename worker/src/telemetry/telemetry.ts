/**
 * Opt-in technical telemetry: connection attempts with only the fields the
 * privacy policy names. Refused, and nothing stored, unless the account opted in.
 */
import type { TelemetryEvent } from "@cargo-vpn/shared";
import { asc, eq, lt, sql } from "drizzle-orm";
import { DAY_MS, MAX_TELEMETRY_EVENTS_PER_DAY, TELEMETRY_CLOCK_SKEW_MS, TELEMETRY_RETENTION_MS } from "../constants";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import type { Db } from "../db/client";
import { telemetryEvents } from "../db/schema";
import { Problem } from "../problem";

/**
 * Stores the events, or none of them: 400 validation_failed when an
 * `attemptAt` lies in the future (beyond TELEMETRY_CLOCK_SKEW_MS) or is older
 * than the retention, 429 rate_limited when the account's events of this UTC
 * day would pass MAX_TELEMETRY_EVENTS_PER_DAY.
 */
export async function recordTelemetry(ctx: AppContext, account: AccountRow, events: TelemetryEvent[], nowMs = Date.now()): Promise<number> {
  const { db } = ctx;
  if (!account.telemetryOptIn) {
    throw new Problem("telemetry_disabled", "Telemetry is off for this account. Turn it on with PATCH /v1/me to send events.");
  }
  assertPlausibleTimes(events, nowMs);
  const dayStart = nowMs - (nowMs % DAY_MS);
  // One statement with the events as a single JSON parameter (D1 caps bound parameters at 100);
  // the quota is checked inside it, so concurrent batches cannot pass it together.
  const rows = events.map((e) => [Date.parse(e.attemptAt), e.connectionType, e.encryptionType, e.deviceType, e.outcome]);
  const result = await db.run(sql`
    INSERT INTO telemetry_events (account_id, attempt_at, connection_type, encryption_type, device_type, outcome, received_at)
    SELECT ${account.id}, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ${nowMs}
      FROM json_each(${JSON.stringify(rows)})
     WHERE (SELECT COUNT(*) FROM telemetry_events WHERE account_id = ${account.id} AND received_at >= ${dayStart})
           + ${events.length} <= ${MAX_TELEMETRY_EVENTS_PER_DAY}`);
  if (result.meta.changes === 0) {
    const wait = Math.ceil((dayStart + DAY_MS - nowMs) / 1000);
    throw new Problem(
      "rate_limited",
      `This account has sent its ${MAX_TELEMETRY_EVENTS_PER_DAY} telemetry events for today (UTC). Try again in ${wait} seconds.`,
      { retryAfter: wait },
      { "retry-after": String(wait) },
    );
  }
  return events.length;
}

function assertPlausibleTimes(events: TelemetryEvent[], nowMs: number): void {
  const errors: { path: string; message: string }[] = [];
  events.forEach((event, i) => {
    const at = Date.parse(event.attemptAt);
    if (at > nowMs + TELEMETRY_CLOCK_SKEW_MS) errors.push({ path: `events.${i}.attemptAt`, message: "must not be in the future" });
    else if (at < nowMs - TELEMETRY_RETENTION_MS)
      errors.push({ path: `events.${i}.attemptAt`, message: "must be within the last 30 days" });
  });
  const first = errors[0];
  if (first) throw new Problem("validation_failed", `${first.path}: ${first.message}`, { errors });
}

export async function telemetryOf(db: Db, accountId: string) {
  const rows = await db
    .select()
    .from(telemetryEvents)
    .where(eq(telemetryEvents.accountId, accountId))
    .orderBy(asc(telemetryEvents.attemptAt));
  return rows.map((r) => ({
    attemptAt: new Date(r.attemptAt).toISOString(),
    connectionType: r.connectionType as TelemetryEvent["connectionType"],
    encryptionType: r.encryptionType as TelemetryEvent["encryptionType"],
    deviceType: r.deviceType as TelemetryEvent["deviceType"],
    outcome: r.outcome as TelemetryEvent["outcome"],
    receivedAt: new Date(r.receivedAt).toISOString(),
  }));
}

export async function purgeOldTelemetry(db: Db, nowMs: number): Promise<void> {
  await db.delete(telemetryEvents).where(lt(telemetryEvents.receivedAt, nowMs - TELEMETRY_RETENTION_MS));
}
