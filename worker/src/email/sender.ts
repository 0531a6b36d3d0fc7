/**
 * Where email links point: PUBLIC_BASE_URL (wrangler.toml), parsed with the
 * sender address (EMAIL_FROM) in settings.ts.
 *
 *   linkTo(ctx.settings, "reset-password", token)   // https://…/account/reset-password#token=…
 */
import type { Settings } from "../settings";

export type AccountPage = "verify-email" | "reset-password" | "delete-account" | "undo-email-change";

/**
 * The token rides in the fragment: browsers never send it to any server, so
 * it stays out of request logs and Referer headers; the page reads it.
 */
export function linkTo(settings: Settings, page: AccountPage, token: string): string {
  return `${settings.linkBaseUrl}/account/${page}#token=${token}`;
}
