/**
 * Opt-in technical telemetry: connection attempts with only the fields the
 * privacy policy names. Refused, and nothing stored, unless the account opted in.
 */
import type { TelemetryEvent } from "@cargo-vpn/shared";
import { asc, eq, lt, sql } from "drizzle-orm";
import { TELEMETRY_RETENTION_MS } from "../config";
import type { AccountRow } from "../accounts/accounts";
import type { Db } from "../db/client";
import { telemetryEvents } from "../db/schema";
import { Problem } from "../http/problem";

export async function recordTelemetry(db: Db, account: AccountRow, events: TelemetryEvent[], nowMs = Date.now()): Promise<number> {
  if (!account.telemetryOptIn) {
    throw new Problem("telemetry_disabled", "Telemetry is off for this account. Turn it on with PATCH /v1/me to send events.");
  }
  // One statement with the events as a single JSON parameter: D1 caps bound parameters at 100.
  const rows = events.map((e) => [Date.parse(e.attemptAt), e.connectionType, e.encryptionType, e.deviceType, e.outcome]);
  await db.run(sql`
    INSERT INTO telemetry_events (account_id, attempt_at, connection_type, encryption_type, device_type, outcome, received_at)
    SELECT ${account.id}, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ${nowMs}
      FROM json_each(${JSON.stringify(rows)})`);
  return events.length;
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
