/**
 * Where email comes from and where its links point, both configuration
 * (EMAIL_FROM, PUBLIC_BASE_URL in wrangler.toml).
 *
 *   senderAddress(env)   // { name: "Cargo VPN", email: "no-reply@cargovpn.dev" }
 *   linkTo(env, "reset-password", token)   // https://…/account/reset-password#token=…
 */
import type { Env } from "../env";

const DEFAULT_FROM = "Cargo VPN <no-reply@cargovpn.dev>";
const DEFAULT_BASE_URL = "http://127.0.0.1:8787";

export function senderAddress(env: Env): EmailAddress {
  const configured = (env.EMAIL_FROM ?? DEFAULT_FROM).trim();
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(configured);
  if (match) return { name: match[1]!.replace(/^"|"$/g, "") || "Cargo VPN", email: match[2]! };
  return { name: "Cargo VPN", email: configured };
}

export type AccountPage = "verify-email" | "reset-password" | "delete-account";

/**
 * The token rides in the fragment: browsers never send it to any server, so
 * it stays out of request logs and Referer headers; the page reads it.
 */
export function linkTo(env: Env, page: AccountPage, token: string): string {
  const base = (env.PUBLIC_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  return `${base}/account/${page}#token=${token}`;
}
