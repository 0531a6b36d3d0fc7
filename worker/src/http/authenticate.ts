/**
 * Bearer access-token authentication for user routes. A token is good only
 * while its sign-in exists, so sign-out, device removal and account erasure
 * stop it at once rather than when it expires. The account row comes back in
 * the same query and is handed to the route as `c.get("account")`.
 */
import { and, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../crypto/tokens";
import { accounts, signIns } from "../db/schema";
import type { AppBindings } from "../env";
import { Problem } from "../problem";

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

export const authenticate = createMiddleware<AppBindings>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw new Problem("unauthorized", "Send an access token as Authorization: Bearer <token>.");
  const ctx = c.get("ctx");
  const auth = await verifyAccessToken(await ctx.keys(), token);
  if (!auth) throw new Problem("unauthorized", "The access token is invalid or expired. Refresh it or sign in again.");
  const live = await ctx.db
    .select({ account: accounts, deviceId: signIns.deviceId })
    .from(signIns)
    .innerJoin(accounts, eq(accounts.id, signIns.accountId))
    .where(and(eq(signIns.id, auth.signInId), eq(signIns.accountId, auth.accountId)))
    .get();
  if (!live) throw new Problem("unauthorized", "This sign-in has ended. Sign in again.");
  c.set("auth", { ...auth, deviceId: live.deviceId });
  c.set("account", live.account);
  await next();
});
