/** The account's own preferences: the telemetry opt-in, the new-device notice and its language. */
import type { PatchMeRequest } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "../db/client";
import { accounts } from "../db/schema";

/** The preferences of a PATCH /v1/me, as validated. */
export type AccountPreferences = Pick<z.output<typeof PatchMeRequest>, "telemetryOptIn" | "notifyNewDevice" | "language">;

export async function updatePreferences(db: Db, id: string, preferences: AccountPreferences): Promise<AccountPreferences> {
  const set: AccountPreferences = {};
  if (preferences.telemetryOptIn !== undefined) set.telemetryOptIn = preferences.telemetryOptIn;
  if (preferences.notifyNewDevice !== undefined) set.notifyNewDevice = preferences.notifyNewDevice;
  if (preferences.language !== undefined) set.language = preferences.language;
  if (Object.keys(set).length > 0) await db.update(accounts).set(set).where(eq(accounts.id, id));
  return set;
}
