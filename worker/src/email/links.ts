/**
 * Where email links (and the passkey page the popup opens) point:
 * PUBLIC_BASE_URL (wrangler.toml), parsed with the sender address
 * (EMAIL_FROM) in settings.ts.
 *
 *   linkTo(ctx.settings, "reset-password", "de", token)   // https://…/account/reset-password?lang=de#token=…
 */
import type { Language } from "@cargo-vpn/shared";
import type { Settings } from "../settings";

export type AccountPage = "verify-email" | "reset-password" | "delete-account" | "undo-email-change" | "passkeys" | "passkey-sign-in";

/**
 * The secret rides in the fragment: browsers never send it to any server, so
 * it stays out of request logs and Referer headers; the page reads it. The
 * account's language rides in the query, where the server sees it and
 * writes the page in it (pages/page-language.ts): it names no one.
 */
export function linkTo(
  settings: Settings,
  page: AccountPage,
  language: Language,
  secret: string,
  secretName: "token" | "ticket" | "challenge" = "token",
): string {
  return `${settings.linkBaseUrl}/account/${page}?lang=${language}#${secretName}=${secret}`;
}
