/** The account's own switches: the telemetry opt-in, the new-device notice and its language. */
import type { PatchMeRequest } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";

/** The switches of a PATCH /v1/me, as validated. */
export type AccountSettings = Pick<z.output<typeof PatchMeRequest>, "telemetryOptIn" | "notifyNewDevice" | "language">;

export async function updateSettings(db: Db, id: string, settings: AccountSettings): Promise<AccountSettings> {
  const set: AccountSettings = {};
  if (settings.telemetryOptIn !== undefined) set.telemetryOptIn = settings.telemetryOptIn;
  if (settings.notifyNewDevice !== undefined) set.notifyNewDevice = settings.notifyNewDevice;
  if (settings.language !== undefined) set.language = settings.language;
  if (Object.keys(set).length > 0) await db.update(accounts).set(set).where(eq(accounts.id, id));
  return set;
}
