/**
 * The script of the /account pages (served as /account/assets/account-page.js,
 * bundled by `npm run worker -- build:pages`). It reads the
 * link's token from the URL fragment, which never reaches a server, and acts
 * only when the person confirms: mail scanners that open links change
 * nothing. The new-password page derives the keys here with the project's
 * sign-in code (shared/src/kdf.ts), so the password never leaves the browser.
 * It speaks the page's language: the page hands it its texts (#page-text),
 * and waits are put in words by the same i18n/format.ts as the mails. It
 * calls the API only through the route client (shared/src/route-client.ts),
 * by route key, like the extension and the gateway.
 */
import { isLanguage } from "@cargo-vpn/shared";
import { ApiError } from "@cargo-vpn/shared/api-error";
import { passwordProblem } from "@cargo-vpn/shared/account-rules";
import { deriveClientKeys, newKdfParams } from "@cargo-vpn/shared/kdf";
import { USERNAME_PATTERN, normalizeUsername } from "@cargo-vpn/shared/normalize";
import { type OptionsArgument, routeClient } from "@cargo-vpn/shared/route-client";
import type { RouteAnswer, RouteKey } from "@cargo-vpn/shared/routes";
import { sealUsername } from "@cargo-vpn/shared/username-seal";
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import { fillPlaceholders, waitPhrase } from "../../i18n/format";
import type { PageScriptStrings } from "../page-catalogue";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const pageLanguage = document.documentElement.lang;
const language = isLanguage(pageLanguage) ? pageLanguage : "en";
const text = JSON.parse(element("page-text").textContent ?? "{}") as PageScriptStrings;

/** Reads the token once and takes it out of the address bar, so it does not linger in the browser's history. */
function tokenFromFragment(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return token && token.length > 0 ? token : null;
}

/** Shows a result in the page's live region and moves focus to it, so screen readers announce it. */
function announce(message: string, kind: "error" | "done" | "busy"): void {
  const status = element<HTMLParagraphElement>("status");
  status.textContent = message;
  status.dataset.kind = kind;
  status.setAttribute("role", kind === "error" ? "alert" : "status");
  if (kind !== "busy") status.focus();
}

/** What an API answer means to the page: the answer, or the problem's code and the wait its Retry-After names. */
type Answer<K extends RouteKey> = { ok: true; body: RouteAnswer<K> } | Refusal;
interface Refusal {
  ok: false;
  code: string;
  retryAfter?: number;
}

// The API is the page's own origin; the route table (shared/src/routes.ts) gives each call its method and path.
const api = routeClient({ baseUrl: location.origin });

/** Calls route K, and reads a failure (also no answer at all: `network`) as the Refusal the page shows. */
async function post<K extends RouteKey>(key: K, ...options: OptionsArgument<K>): Promise<Answer<K>> {
  try {
    return { ok: true, body: await api.call(key, ...options) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const { info } = error;
    // A 503 without a problem body (a proxy's or the platform's page) is the API being busy, and its Retry-After still counts.
    const code = info.status === 503 && error.problemCode === undefined ? "unavailable" : info.code;
    return { ok: false, code, ...(info.retryAfter !== undefined ? { retryAfter: info.retryAfter } : {}) };
  }
}

const FAILURES: Partial<Record<string, keyof PageScriptStrings>> = {
  invalid_token: "invalidToken",
  username_mismatch: "usernameMismatch",
  rate_limited: "rateLimited",
  validation_failed: "validation",
  malformed_json: "validation",
  network: "network",
  invalid_ticket: "invalidTicket",
  invalid_challenge: "invalidChallenge",
  invalid_passkey: "invalidPasskey",
};

/** The sentence for a refusal, in the page's language (never the API's English `detail`), naming the wait when there is one. */
function failure(answer: Refusal, secondsLeft = answer.retryAfter): string {
  if (secondsLeft !== undefined && secondsLeft > 0) {
    if (answer.code === "rate_limited") return fillPlaceholders(text.rateLimitedWait, { wait: waitPhrase(language, secondsLeft) });
    if (answer.code === "unavailable") return fillPlaceholders(text.busyWait, { wait: waitPhrase(language, secondsLeft) });
  }
  return text[FAILURES[answer.code] ?? "unknown"];
}

/**
 * Shows a refusal. With a Retry-After it counts the wait down in place (the words change only when the
 * rounded wait does, so the live region is not read every second) and keeps the form's button disabled
 * until then: pressing it would only be refused again.
 */
function refuse(form: HTMLFormElement, answer: Refusal): void {
  announce(failure(answer), "error");
  const wait = answer.retryAfter;
  if (!wait) return;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (button) button.disabled = true;
  const until = Date.now() + wait * 1000;
  const status = element<HTMLParagraphElement>("status");
  const timer = setInterval(() => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      const words = failure(answer, left);
      if (status.textContent !== words) status.textContent = words;
      return;
    }
    clearInterval(timer);
    if (button) button.disabled = false;
    announce(text.tryAgainNow, "done");
  }, 1000);
}

function finish(form: HTMLFormElement): void {
  for (const control of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")) control.disabled = true;
}

function onConfirm(form: HTMLFormElement, act: (token: string) => Promise<void>): void {
  const token = tokenFromFragment();
  if (!token) {
    finish(form);
    announce(text.needsLink, "error");
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
    announce(text.confirming, "busy");
    const result = await post("POST /v1/email/verify", { body: { token } });
    if (result.ok) {
      finish(form);
      announce(text.emailConfirmed, "done");
    } else refuse(form, result);
  });
}

function resetPasswordPage(form: HTMLFormElement): void {
  const username = element<HTMLInputElement>("username");
  const password = element<HTMLInputElement>("new-password");
  const repeat = element<HTMLInputElement>("repeat-password");
  onConfirm(form, async (token) => {
    const name = normalizeUsername(username.value.trim());
    if (!USERNAME_PATTERN.test(name)) {
      announce(text.usernameInvalid, "error");
      username.setAttribute("aria-invalid", "true");
      return;
    }
    username.removeAttribute("aria-invalid");
    // The same rule as the extension's forms (shared/account-rules.ts): code points, not UTF-16 units.
    if (passwordProblem(password.value)) {
      announce(text.passwordTooShort, "error");
      password.setAttribute("aria-invalid", "true");
      return;
    }
    password.removeAttribute("aria-invalid");
    if (password.value !== repeat.value) {
      announce(text.passwordsDiffer, "error");
      repeat.setAttribute("aria-invalid", "true");
      return;
    }
    repeat.removeAttribute("aria-invalid");
    announce(text.deriving, "busy");
    const newKdf = newKdfParams();
    const { authKey: newAuthKey, usernameKey } = await deriveClientKeys(password.value, newKdf);
    const newUsernameSealed = await sealUsername(usernameKey, name);
    const result = await post("POST /v1/auth/password-reset/confirm", {
      body: { token, username: name, newAuthKey, newKdf, newUsernameSealed },
    });
    if (result.ok) {
      password.value = "";
      repeat.value = "";
      finish(form);
      announce(text.passwordChanged, "done");
    } else refuse(form, result);
  });
}

function deleteAccountPage(form: HTMLFormElement): void {
  const understood = element<HTMLInputElement>("understood");
  onConfirm(form, async (token) => {
    if (!understood.checked) {
      announce(text.tickTheBox, "error");
      understood.setAttribute("aria-invalid", "true");
      return;
    }
    understood.removeAttribute("aria-invalid");
    announce(text.deleting, "busy");
    const result = await post("POST /v1/auth/deletion-request/confirm", { body: { token } });
    if (result.ok) {
      finish(form);
      announce(text.deleted, "done");
    } else refuse(form, result);
  });
}

function undoEmailChangePage(form: HTMLFormElement): void {
  onConfirm(form, async (token) => {
    announce(text.undoing, "busy");
    const result = await post("POST /v1/email/change/undo", { body: { token } });
    if (result.ok) {
      finish(form);
      announce(text.undone, "done");
    } else refuse(form, result);
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
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return value && value.length > 0 ? value : null;
}

/** On the passkey page, the only detail the API refuses is the account's passkey limit. */
function passkeyRefusal(form: HTMLFormElement, answer: Refusal): void {
  if (answer.code === "validation_failed") announce(text.passkeyLimit, "error");
  else refuse(form, answer);
}

function passkeyPage(form: HTMLFormElement, secretName: "ticket" | "challenge", act: (secret: string) => Promise<void>): void {
  const secret = fragmentValue(secretName);
  if (!secret) {
    finish(form);
    announce(text.needsExtension, "error");
    return;
  }
  let busy = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    act(secret)
      .catch(() => announce(text.passkeyCancelled, "error"))
      .finally(() => {
        busy = false;
      });
  });
}

/**
 * The browser's credential as the route's body takes it: the same JSON, copied out of @simplewebauthn's
 * interfaces (which have no index signature) so the route's type still checks id, rawId, type and clientDataJSON.
 */
function credential(json: RegistrationResponseJSON | AuthenticationResponseJSON) {
  return { ...json, response: { ...json.response } };
}

function registerPasskeyPage(form: HTMLFormElement): void {
  const label = element<HTMLInputElement>("passkey-label");
  passkeyPage(form, "ticket", async (ticket) => {
    announce(text.passkeyCreating, "busy");
    const options = await post("POST /v1/passkeys/registration/options", { body: { ticket } });
    if (!options.ok) {
      finish(form);
      passkeyRefusal(form, options);
      return;
    }
    const response = await startRegistration({ optionsJSON: options.body as never });
    const name = label.value.trim();
    const saved = await post("POST /v1/passkeys/registration/verify", {
      body: { response: credential(response), ...(name ? { label: name } : {}) },
    });
    if (saved.ok) {
      finish(form);
      announce(text.passkeyRegistered, "done");
    } else passkeyRefusal(form, saved);
  });
}

function passkeySignInPage(form: HTMLFormElement): void {
  passkeyPage(form, "challenge", async (challenge) => {
    announce(text.passkeyUsing, "busy");
    const options = await post("POST /v1/auth/passkey/options", { body: { challenge } });
    if (!options.ok) {
      finish(form);
      refuse(form, options);
      return;
    }
    const response = await startAuthentication({ optionsJSON: options.body as never });
    const verified = await post("POST /v1/auth/passkey/verify", { body: { challenge, response: credential(response) } });
    if (verified.ok) {
      finish(form);
      announce(text.passkeySignedIn, "done");
    } else refuse(form, verified);
  });
}
