/** The account's own switches: the telemetry opt-in and the new-device notice. */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";

export interface AccountSettings {
  telemetryOptIn?: boolean | undefined;
  notifyNewDevice?: boolean | undefined;
}

export async function updateSettings(db: Db, id: string, settings: AccountSettings): Promise<AccountSettings> {
  const set: AccountSettings = {};
  if (settings.telemetryOptIn !== undefined) set.telemetryOptIn = settings.telemetryOptIn;
  if (settings.notifyNewDevice !== undefined) set.notifyNewDevice = settings.notifyNewDevice;
  if (Object.keys(set).length > 0) await db.update(accounts).set(set).where(eq(accounts.id, id));
  return set;
}
