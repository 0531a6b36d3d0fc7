/**
 * The account behind an optional bearer access token, for routes anyone may
 * call that treat the signed-in owner better (reset and deletion links). Any
 * missing, invalid, expired or ended token is simply no account: such a
 * route never refuses for it.
 */
import { and, eq } from "drizzle-orm";
import type { AccountRow } from "../accounts/accounts";
import type { AppContext } from "../context";
import { verifyAccessToken } from "../crypto/tokens";
import { accounts, signIns } from "../db/schema";
import { bearerToken } from "./authenticate";

export async function optionalAccount(ctx: AppContext, authorization: string | undefined): Promise<AccountRow | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  const auth = await verifyAccessToken(await ctx.keys(), token);
  if (!auth) return null;
  const live = await ctx.db
    .select({ account: accounts })
    .from(signIns)
    .innerJoin(accounts, eq(accounts.id, signIns.accountId))
    .where(and(eq(signIns.id, auth.signInId), eq(signIns.accountId, auth.accountId)))
    .get();
  return live?.account ?? null;
}
