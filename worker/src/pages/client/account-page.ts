/**
 * The script of the /account pages (served as /account/assets/account-page.js,
 * bundled by `npm run worker -- build:pages`). It reads the
 * link's token from the URL fragment, which never reaches a server, and acts
 * only when the person confirms: mail scanners that open links change
 * nothing. The new-password page derives the keys here with the project's
 * sign-in code (shared/src/kdf.ts), so the password never leaves the browser.
 */
import { MIN_PASSWORD_LENGTH, passwordProblem } from "@cargo-vpn/shared/account-rules";
import { deriveClientKeys, newKdfParams } from "@cargo-vpn/shared/kdf";
import { USERNAME_PATTERN, normalizeUsername } from "@cargo-vpn/shared/normalize";
import { sealUsername } from "@cargo-vpn/shared/username-seal";
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** Reads the token once and takes it out of the address bar, so it does not linger in the browser's history. */
function tokenFromFragment(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (location.hash) history.replaceState(null, "", location.pathname);
  return token && token.length > 0 ? token : null;
}

/** Shows a result in the page's live region and moves focus to it, so screen readers announce it. */
function announce(text: string, kind: "error" | "done" | "busy"): void {
  const status = element<HTMLParagraphElement>("status");
  status.textContent = text;
  status.dataset.kind = kind;
  status.setAttribute("role", kind === "error" ? "alert" : "status");
  if (kind !== "busy") status.focus();
}

async function post(path: string, body: unknown): Promise<{ ok: boolean; code?: string }> {
  try {
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.ok) return { ok: true };
    const problem = (await response.json().catch(() => ({}))) as { code?: string };
    return { ok: false, ...(problem.code ? { code: problem.code } : {}) };
  } catch {
    return { ok: false, code: "network" };
  }
}

function failure(code: string | undefined): string {
  if (code === "invalid_token")
    return "This link is not valid any more: it was already used, it expired, or it was copied incompletely. Ask for a new one.";
  if (code === "username_mismatch") return "That is not this account's username. Type the name you sign in with.";
  if (code === "rate_limited") return "Too many attempts. Wait a little and try again.";
  if (code === "network") return "The server could not be reached. Check your connection and try again.";
  return "Something went wrong. Try again later.";
}

function finish(form: HTMLFormElement): void {
  for (const control of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")) control.disabled = true;
}

function onConfirm(form: HTMLFormElement, act: (token: string) => Promise<void>): void {
  const token = tokenFromFragment();
  if (!token) {
    finish(form);
    announce("This page needs the full link from the email. Open the link again, or copy all of it into the address bar.", "error");
    return;
  }
  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    act(token).finally(() => {
      busy = false;
    });
  });
}

function verifyEmailPage(form: HTMLFormElement): void {
  onConfirm(form, async (token) => {
    announce("Confirming…", "busy");
    const result = await post("/v1/email/verify", { token });
    if (result.ok) {
      finish(form);
      announce("Your email address is confirmed. You can close this page.", "done");
    } else announce(failure(result.code), "error");
  });
}

function resetPasswordPage(form: HTMLFormElement): void {
  const username = element<HTMLInputElement>("username");
  const password = element<HTMLInputElement>("new-password");
  const repeat = element<HTMLInputElement>("repeat-password");
  onConfirm(form, async (token) => {
    const name = normalizeUsername(username.value.trim());
    if (!USERNAME_PATTERN.test(name)) {
      announce("Type the username you sign in with.", "error");
      username.setAttribute("aria-invalid", "true");
      return;
    }
    username.removeAttribute("aria-invalid");
    // The same rule as the extension's forms (shared/account-rules.ts): code points, not UTF-16 units.
    if (passwordProblem(password.value)) {
      announce(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`, "error");
      password.setAttribute("aria-invalid", "true");
      return;
    }
    if (password.value !== repeat.value) {
      announce("The two passwords differ. Type the same password twice.", "error");
      repeat.setAttribute("aria-invalid", "true");
      return;
    }
    password.removeAttribute("aria-invalid");
    repeat.removeAttribute("aria-invalid");
    announce("Deriving your keys on this device (a few seconds)…", "busy");
    const newKdf = newKdfParams();
    const { authKey: newAuthKey, usernameKey } = await deriveClientKeys(password.value, newKdf);
    const newUsernameSealed = await sealUsername(usernameKey, name);
    const result = await post("/v1/auth/password-reset/confirm", { token, username: name, newAuthKey, newKdf, newUsernameSealed });
    if (result.ok) {
      password.value = "";
      repeat.value = "";
      finish(form);
      announce("Your password is changed and every device was signed out. Sign in again with the new password.", "done");
    } else announce(failure(result.code), "error");
  });
}

function deleteAccountPage(form: HTMLFormElement): void {
  const understood = element<HTMLInputElement>("understood");
  onConfirm(form, async (token) => {
    if (!understood.checked) {
      announce("Tick the box to confirm you understand that this cannot be undone.", "error");
      understood.setAttribute("aria-invalid", "true");
      return;
    }
    understood.removeAttribute("aria-invalid");
    announce("Deleting…", "busy");
    const result = await post("/v1/auth/deletion-request/confirm", { token });
    if (result.ok) {
      finish(form);
      announce("Your account and all its data are deleted. A last message confirms it.", "done");
    } else announce(failure(result.code), "error");
  });
}

function undoEmailChangePage(form: HTMLFormElement): void {
  onConfirm(form, async (token) => {
    announce("Undoing the change…", "busy");
    const result = await post("/v1/email/change/undo", { token });
    if (result.ok) {
      finish(form);
      announce(
        "The email change is undone and every device is signed out. Choose a new password now: Forgot password? on the sign-in page sends a link to this address.",
        "done",
      );
    } else announce(failure(result.code), "error");
  });
}

const pages: Record<string, (form: HTMLFormElement) => void> = {
  "verify-email": verifyEmailPage,
  "reset-password": resetPasswordPage,
  "delete-account": deleteAccountPage,
  "undo-email-change": undoEmailChangePage,
  passkeys: registerPasskeyPage,
  "passkey-sign-in": passkeySignInPage,
};

const form = document.querySelector<HTMLFormElement>("form[data-page]");
const page = form?.dataset.page;
if (form && page && Object.hasOwn(pages, page)) pages[page]!(form);

// --- passkeys (issue 18 item 3): pages the popup opens in a tab, authorised by the ticket or sign-in challenge in the fragment ---

function fragmentValue(name: string): string | null {
  const value = new URLSearchParams(location.hash.slice(1)).get(name);
  if (location.hash) history.replaceState(null, "", location.pathname);
  return value && value.length > 0 ? value : null;
}

async function postJson(path: string, body: unknown): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  try {
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const parsed = response.status === 204 ? {} : ((await response.json().catch(() => ({}))) as Record<string, unknown>);
    return { ok: response.ok, body: parsed };
  } catch {
    return { ok: false, body: { code: "network" } };
  }
}

function passkeyFailure(code: unknown): string {
  if (code === "invalid_ticket") return "This passkey link has expired or was already used. Open it again from the extension.";
  if (code === "invalid_challenge") return "This step has expired or was already used. Start again from the extension.";
  if (code === "invalid_passkey") return "The passkey was not accepted. Try again, or use another passkey.";
  return failure(typeof code === "string" ? code : undefined);
}

function passkeyPage(form: HTMLFormElement, secretName: "ticket" | "challenge", act: (secret: string) => Promise<void>): void {
  const secret = fragmentValue(secretName);
  if (!secret) {
    finish(form);
    announce("Open this page from the extension: the link it opens carries what this step needs.", "error");
    return;
  }
  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    act(secret)
      .catch(() => announce("The browser did not make or use a passkey (cancelled or not available). Try again.", "error"))
      .finally(() => {
        busy = false;
      });
  });
}

function registerPasskeyPage(form: HTMLFormElement): void {
  const label = element<HTMLInputElement>("passkey-label");
  passkeyPage(form, "ticket", async (ticket) => {
    announce("Follow your browser's prompt to make a passkey…", "busy");
    const options = await postJson("/v1/passkeys/registration/options", { ticket });
    if (!options.ok) {
      finish(form);
      announce(passkeyFailure(options.body.code), "error");
      return;
    }
    const response = await startRegistration({ optionsJSON: options.body as never });
    const name = label.value.trim();
    const saved = await postJson("/v1/passkeys/registration/verify", { response, ...(name ? { label: name } : {}) });
    if (saved.ok) {
      finish(form);
      announce("Your passkey is registered. Signing in will ask for it after your password. You can close this page.", "done");
    } else announce(passkeyFailure(saved.body.code), "error");
  });
}

function passkeySignInPage(form: HTMLFormElement): void {
  passkeyPage(form, "challenge", async (challenge) => {
    announce("Follow your browser's prompt to use your passkey…", "busy");
    const options = await postJson("/v1/auth/passkey/options", { challenge });
    if (!options.ok) {
      finish(form);
      announce(passkeyFailure(options.body.code), "error");
      return;
    }
    const response = await startAuthentication({ optionsJSON: options.body as never });
    const verified = await postJson("/v1/auth/passkey/verify", { challenge, response });
    if (verified.ok) {
      finish(form);
      announce("Done: the extension is finishing your sign-in. You can close this page.", "done");
    } else announce(passkeyFailure(verified.body.code), "error");
  });
}
