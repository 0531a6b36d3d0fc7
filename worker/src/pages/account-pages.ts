/**
 * The pages email links open (/account/verify-email, /account/reset-password,
 * /account/delete-account, /account/undo-email-change), the passkey pages
 * the extension opens (/account/passkeys, /account/passkey-sign-in), and their script and style. GET only ever shows a
 * page: the action happens when the person confirms, and the page's script
 * then calls the JSON routes (routes/email.ts). Not part of the OpenAPI
 * document: these are for people, not for API clients.
 */
import { MIN_PASSWORD_LENGTH } from "@cargo-vpn/shared/account-rules";
import { Hono } from "hono";
import type { AppBindings } from "../env";
import { ACCOUNT_PAGE_SCRIPT } from "./generated/account-page-script";
import { PAGE_SECURITY_HEADERS, PAGE_STYLE, pageHtml } from "./page-shell";

export const accountPageRoutes = new Hono<AppBindings>();

const PAGES = {
  "verify-email": pageHtml(
    "Confirm your email address",
    `<p>Confirm that this email address belongs to your Cargo VPN account.</p>
<form data-page="verify-email">
<button type="submit">Confirm my email address</button>
</form>`,
  ),
  "reset-password": pageHtml(
    "Choose a new password",
    `<p>Your password is turned into keys on this device; it is never sent to us. Every device will be signed out.</p>
<form data-page="reset-password">
<label for="username">Your username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required aria-describedby="username-hint">
<p id="username-hint" class="hint">The name you sign in with. Only your devices can read it, so we ask for it to lock it again under the new password.</p>
<label for="new-password">New password</label>
<input id="new-password" name="new-password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
<p id="password-hint" class="hint">At least ${MIN_PASSWORD_LENGTH} characters. A long phrase is best.</p>
<label for="repeat-password">New password again</label>
<input id="repeat-password" name="repeat-password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}">
<button type="submit">Set new password</button>
</form>`,
  ),
  "undo-email-change": pageHtml(
    "Undo the email change",
    `<p>This cancels the change of your Cargo VPN account's email address, or puts this address back if the change went through, and signs every device out. Then choose a new password with Forgot password? on the sign-in page.</p>
<form data-page="undo-email-change">
<button type="submit" class="danger">Undo the change and sign everyone out</button>
</form>`,
  ),
  "delete-account": pageHtml(
    "Delete your account",
    `<p>This deletes your Cargo VPN account and everything stored about it: devices, usage history, settings. It cannot be undone.</p>
<form data-page="delete-account">
<label class="check"><input id="understood" name="understood" type="checkbox"> I understand that my account and its data will be deleted for good.</label>
<button type="submit" class="danger">Delete my account</button>
</form>`,
  ),
  // passkeys (issue 18 item 3): opened by the extension in a tab
  passkeys: pageHtml(
    "Add a passkey",
    `<p>A passkey on this device (or a security key) can then finish signing in to Cargo VPN after your password.</p>
<form data-page="passkeys">
<label for="passkey-label">Name for this passkey (optional)</label>
<input id="passkey-label" name="passkey-label" type="text" maxlength="64" autocomplete="off">
<button type="submit">Create a passkey</button>
</form>`,
  ),
  "passkey-sign-in": pageHtml(
    "Sign in with your passkey",
    `<p>Your password was right. Use your passkey to finish signing in; the extension completes the sign-in.</p>
<form data-page="passkey-sign-in">
<button type="submit">Use my passkey</button>
</form>`,
  ),
} as const;

for (const [path, html] of Object.entries(PAGES)) {
  accountPageRoutes.get(`/account/${path}`, (c) => c.html(html, 200, PAGE_SECURITY_HEADERS));
}

accountPageRoutes.get("/account/assets/account-page.js", (c) =>
  c.body(ACCOUNT_PAGE_SCRIPT, 200, { ...PAGE_SECURITY_HEADERS, "content-type": "text/javascript; charset=utf-8" }),
);
accountPageRoutes.get("/account/assets/account-page.css", (c) =>
  c.body(PAGE_STYLE, 200, { ...PAGE_SECURITY_HEADERS, "content-type": "text/css; charset=utf-8" }),
);
