/**
 * The account as its owner sees it (GET /v1/me, every sign-in's answer, the
 * export): decrypted, with its subscription. The one place that view is
 * built, and it always asks for the billing row, so no answer can leave the
 * subscription out by accident.
 *
 *   const found = await findWithBilling(db, accountId);
 *   const account = await accountView(keys, found.row, found.billing);
 */
import type { Account } from "@cargo-vpn/shared";
import { eq } from "drizzle-orm";
import { type SubscriptionRow, subscriptionOf } from "../billing/subscription-store";
import { planFor } from "../constants";
import { decryptField } from "../crypto/envelope";
import type { ServerKeys } from "../crypto/keys";
import type { Db } from "../db/client";
import { accounts, subscriptions } from "../db/schema";
import { type AccountRow, dataKeyOf } from "./accounts";
import { NO_SERVER_COPY } from "./username-sealed";

/** The billing columns the view shows; null: the account never bought anything (a new one has none). */
export type BillingFields = Pick<SubscriptionRow, "status" | "renewsAt" | "cancelAt"> | null;

export async function accountView(keys: ServerKeys, row: AccountRow, billing: BillingFields): Promise<Account> {
  const key = await dataKeyOf(keys, row);
  const [username, email] = await Promise.all([
    row.usernameCiphertext === NO_SERVER_COPY ? null : decryptField(key, row.id, "username", row.usernameCiphertext),
    decryptField(key, row.id, "email", row.emailCiphertext),
  ]);
  return {
    id: row.id,
    username,
    usernameSealed: row.usernameSealed,
    email,
    emailVerified: row.emailVerified,
    createdAt: new Date(row.createdAt).toISOString(),
    plan: { ...planFor(row.planId) },
    subscription: subscriptionOf(billing),
    notifyNewDevice: row.notifyNewDevice,
    telemetryOptIn: row.telemetryOptIn,
    language: row.language,
  };
}

/** An account and its billing row in one query (undefined: no such account). */
export async function findWithBilling(db: Db, id: string): Promise<{ row: AccountRow; billing: SubscriptionRow | null } | undefined> {
  const found = await db
    .select({ row: accounts, billing: subscriptions })
    .from(accounts)
    .leftJoin(subscriptions, eq(subscriptions.accountId, accounts.id))
    .where(eq(accounts.id, id))
    .get();
  return found && { row: found.row, billing: found.billing };
}
