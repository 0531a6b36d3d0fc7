/** Everything the service holds about an account, decrypted for its owner (GET /v1/me/export). */
import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { tunnelSessions } from "../db/schema";
import { deviceSlots } from "../devices/account-devices";
import { deviceView, keyRef } from "../devices/devices";
import type { Env } from "../env";
import type { ServerKeys } from "../crypto/keys";
import { telemetryOf } from "../telemetry/telemetry";
import { usageView } from "../tunnel/sessions";
import { accountView, type AccountRow } from "./accounts";

export async function exportAccount(env: Env, db: Db, keys: ServerKeys, row: AccountRow, currentDeviceId: string) {
  const [account, devices, sessions, telemetry] = await Promise.all([
    accountView(keys, row, db),
    deviceSlots(env, row.id).list(keyRef(row)),
    db.select().from(tunnelSessions).where(eq(tunnelSessions.accountId, row.id)).orderBy(desc(tunnelSessions.startedAt)),
    telemetryOf(db, row.id),
  ]);
  return {
    account,
    devices: devices.map((d) => deviceView(d, currentDeviceId)),
    sessions: sessions.map(usageView),
    telemetry,
  };
}
