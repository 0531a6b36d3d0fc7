/**
 * Bearer access-token authentication for user routes. A token is good only
 * while its sign-in exists, so sign-out, device removal and account erasure
 * stop it at once rather than when it expires.
 *
 * `authenticate` checks both and hands the route the account row
 * (`c.get("account")`) and its billing row (`c.get("billing")`, what
 * GET /v1/me shows as the subscription), all from one query.
 *
 * `verifyTokenOnly` is for a route whose own single query also proves the
 * sign-in live (with `liveSignIn`), so the route costs one D1 round trip, not
 * two: it checks the token and sets `c.get("claims")`, which says what the
 * token says and not yet that its sign-in still exists.
 */
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type AccessClaims, verifyAccessToken } from "../crypto/tokens";
import { accounts, signIns, subscriptions } from "../db/schema";
import type { AppBindings } from "./app-bindings";
import { Problem } from "../problem";

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/** The sign-in a token names, as a condition on `sign_ins`: it exists while the token is good. */
export function liveSignIn(claims: AccessClaims) {
  return and(eq(signIns.id, claims.signInId), eq(signIns.accountId, claims.accountId));
}

export const signInEnded = () => new Problem("unauthorized", "This sign-in has ended. Sign in again.");

async function claimsOf(c: Context<AppBindings>): Promise<AccessClaims> {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw new Problem("unauthorized", "Send an access token as Authorization: Bearer <token>.");
  const auth = await verifyAccessToken(await c.get("ctx").keys(), token);
  if (!auth) throw new Problem("unauthorized", "The access token is invalid or expired. Refresh it or sign in again.");
  return auth;
}

export const authenticate = createMiddleware<AppBindings>(async (c, next) => {
  const auth = await claimsOf(c);
  const live = await c
    .get("ctx")
    .db.select({ account: accounts, billing: subscriptions, deviceId: signIns.deviceId })
    .from(signIns)
    .innerJoin(accounts, eq(accounts.id, signIns.accountId))
    .leftJoin(subscriptions, eq(subscriptions.accountId, signIns.accountId))
    .where(liveSignIn(auth))
    .get();
  if (!live) throw signInEnded();
  // The device is the sign-in's: tokens name none (issue 20 item 7).
  c.set("auth", { ...auth, deviceId: live.deviceId });
  c.set("account", live.account);
  c.set("billing", live.billing);
  await next();
});

export const verifyTokenOnly = createMiddleware<AppBindings>(async (c, next) => {
  c.set("claims", await claimsOf(c));
  await next();
});
