/**
 * The pages email links open (/account/verify-email, /account/reset-password,
 * /account/delete-account, /account/undo-email-change), the passkey pages
 * the extension opens (/account/passkeys, /account/passkey-sign-in), and their script and style. GET only ever shows a
 * page: the action happens when the person confirms, and the page's script
 * then calls the JSON routes (routes/email.ts). Each page is in the
 * account's language when the link names it, else in the browser's
 * (page-language.ts), with its texts from locales/. Forms are `novalidate`:
 * the script applies shared/account-rules.ts (code points, as the popup
 * does) and says why in the page's language, where the browser's own check
 * would count UTF-16 units and speak the browser's. Not part of the OpenAPI
 * document: these are for people, not for API clients.
 */
import { isLanguage, type Language } from "@cargo-vpn/shared";
import { MIN_PASSWORD_LENGTH } from "@cargo-vpn/shared/account-rules";
import { Hono } from "hono";
import { MAX_PASSKEYS_PER_ACCOUNT } from "../constants";
import type { AppBindings } from "../http/app-bindings";
import { escapeHtml as e } from "../http/escape-html";
import { plural } from "../i18n/format";
import { ACCOUNT_PAGE_SCRIPT } from "./generated/account-page-script";
import { PAGE_CATALOGUES } from "./locales";
import type { PageCatalogue, PageScriptStrings } from "./page-catalogue";
import { pageLanguage } from "./page-language";
import { PAGE_SECURITY_HEADERS, PAGE_STYLE, pageHtml } from "./page-shell";

export const accountPageRoutes = new Hono<AppBindings>();

type PageBody = (t: PageCatalogue, language: Language) => { title: string; main: string };

const PAGES: Record<string, PageBody> = {
  "verify-email": (t) => ({
    title: t.verifyEmail.title,
    main: `<p>${e(t.verifyEmail.intro)}</p>
<form data-page="verify-email" novalidate>
<button type="submit">${e(t.verifyEmail.submit)}</button>
</form>`,
  }),
  "reset-password": ({ resetPassword: t }, language) => ({
    title: t.title,
    main: `<p>${e(t.intro)}</p>
<form data-page="reset-password" novalidate>
<label for="username">${e(t.username)}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required aria-describedby="username-hint" dir="ltr">
<p id="username-hint" class="hint">${e(t.usernameHint)}</p>
<label for="new-password">${e(t.newPassword)}</label>
<input id="new-password" name="new-password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
<p id="password-hint" class="hint">${e(plural(language, t.passwordHint, MIN_PASSWORD_LENGTH))}</p>
<label for="repeat-password">${e(t.repeatPassword)}</label>
<input id="repeat-password" name="repeat-password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}">
<button type="submit">${e(t.submit)}</button>
</form>`,
  }),
  "undo-email-change": ({ undoEmailChange: t }) => ({
    title: t.title,
    main: `<p>${e(t.intro)}</p>
<form data-page="undo-email-change" novalidate>
<button type="submit" class="danger">${e(t.submit)}</button>
</form>`,
  }),
  "delete-account": ({ deleteAccount: t }) => ({
    title: t.title,
    main: `<p>${e(t.intro)}</p>
<form data-page="delete-account" novalidate>
<label class="check"><input id="understood" name="understood" type="checkbox"> ${e(t.understood)}</label>
<button type="submit" class="danger">${e(t.submit)}</button>
</form>`,
  }),
  // passkeys (issue 18 item 3): opened by the extension in a tab
  passkeys: ({ passkeys: t }) => ({
    title: t.title,
    main: `<p>${e(t.intro)}</p>
<form data-page="passkeys" novalidate>
<label for="passkey-label">${e(t.label)}</label>
<input id="passkey-label" name="passkey-label" type="text" maxlength="64" autocomplete="off" dir="auto">
<button type="submit">${e(t.submit)}</button>
</form>`,
  }),
  "passkey-sign-in": ({ passkeySignIn: t }) => ({
    title: t.title,
    main: `<p>${e(t.intro)}</p>
<form data-page="passkey-sign-in" novalidate>
<button type="submit">${e(t.submit)}</button>
</form>`,
  }),
};

/** The script's texts for `language`, plurals chosen here so the script only fills in waits. */
function scriptStrings(language: Language): PageScriptStrings {
  const { script } = PAGE_CATALOGUES[language];
  return {
    ...script,
    passwordTooShort: plural(language, script.passwordTooShort, MIN_PASSWORD_LENGTH),
    passkeyLimit: plural(language, script.passkeyLimit, MAX_PASSKEYS_PER_ACCOUNT),
  };
}

/** Every page in every language, built once: the texts are static, nothing from the request goes in. */
const RENDERED = new Map<string, string>();
function rendered(path: string, language: Language): string {
  const key = `${language}:${path}`;
  let html = RENDERED.get(key);
  if (!html) {
    const { title, main } = PAGES[path]!(PAGE_CATALOGUES[language], language);
    html = pageHtml(language, title, main, PAGE_CATALOGUES[language].needsScript, scriptStrings(language));
    RENDERED.set(key, html);
  }
  return html;
}

for (const path of Object.keys(PAGES)) {
  accountPageRoutes.get(`/account/${path}`, pageLanguage, (c) => {
    const detected = c.get("language");
    const language = isLanguage(detected) ? detected : "en";
    return c.html(rendered(path, language), 200, {
      ...PAGE_SECURITY_HEADERS,
      "content-language": language,
      vary: "Accept-Language",
    });
  });
}

accountPageRoutes.get("/account/assets/account-page.js", (c) =>
  c.body(ACCOUNT_PAGE_SCRIPT, 200, { ...PAGE_SECURITY_HEADERS, "content-type": "text/javascript; charset=utf-8" }),
);
accountPageRoutes.get("/account/assets/account-page.css", (c) =>
  c.body(PAGE_STYLE, 200, { ...PAGE_SECURITY_HEADERS, "content-type": "text/css; charset=utf-8" }),
);
