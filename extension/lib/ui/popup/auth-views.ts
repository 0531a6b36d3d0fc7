/**
 * Sign in, create account, and the device-limit screen. The password is
 * turned into the authKey right here (shared/kdf) and then dropped: the
 * background, and the API, only ever see the authKey.
 */
import { deriveClientKeys, newKdfParams, type KdfParams } from "@cargo-vpn/shared/kdf";
import { sealUsername } from "@cargo-vpn/shared/username-seal";
import { normalizeEmail, normalizeUsername, USERNAME_PATTERN } from "@cargo-vpn/shared/normalize";
import type { SlotHolder } from "@cargo-vpn/shared/schemas";
import { isPlausibleEmail, MIN_PASSWORD_LENGTH, passwordProblem } from "@cargo-vpn/shared/account-rules";
import { toErrorInfo } from "../../api/api-error";
import { field, h } from "../dom";
import { clearFieldErrors, focusFirstError, setFieldError } from "../field-errors";
import { formatDay } from "../format";
import { accountLanguage } from "../locale";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { passwordStrength, STRENGTH_KEYS } from "../password-strength";
import { tp } from "../plural";
import { isWaiting, showError, stopCountdown } from "../retry-wait";
import { showSecondFactor } from "./two-factor";

export interface AuthViewDeps {
  call: Call;
  show: (view: HTMLElement) => void;
  onSignedIn: () => void;
  /** Traffic is still held from a session that lost its sign-in: offer the way out. */
  heldWhileSignedOut?: boolean;
}

function alertBox(): HTMLParagraphElement {
  return h("p", { className: "alert", role: "alert" });
}

/** The heading a view's focus lands on after a navigation (tabindex -1: focusable, not in the tab order). */
function viewHeading(id: string, text: string): HTMLHeadingElement {
  return h("h1", { id, tabIndex: -1 }, text);
}

function submitButton(form: HTMLFormElement): HTMLButtonElement[] {
  return [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
}

function setBusy(form: HTMLFormElement, busy: boolean, message: HTMLElement, text = ""): void {
  form.setAttribute("aria-busy", String(busy));
  for (const control of form.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input")) {
    control.disabled = busy || isWaiting(control);
  }
  message.textContent = text;
}

/** What proves the password at sign-in: the authKey, and the username sealed under the password's usernameKey (issue 18 item 5). */
interface SignInProof {
  authKey: string;
  usernameSealed: string;
}

/** Derives the proof from the password; the usernameKey stays here, only the sealed name is sent. */
async function signInProof(password: string, kdf: KdfParams, username: string): Promise<SignInProof> {
  const { authKey, usernameKey } = await deriveClientKeys(password, kdf);
  return { authKey, usernameSealed: await sealUsername(usernameKey, username) };
}

/**
 * Sign in with an authKey; on device_limit, hand over to the device-limit screen. A refusal is shown in
 * `alert` (a rate limit with its countdown, `lock` disabled until then) and answered `false`.
 */
async function completeSignIn(
  deps: AuthViewDeps,
  username: string,
  proof: SignInProof,
  alert: HTMLElement,
  back: () => void,
  lock: HTMLButtonElement[] = [],
): Promise<boolean> {
  try {
    await deps.call("signIn", { username, ...proof });
    deps.onSignedIn();
    return true;
  } catch (error) {
    if (showSecondFactor(deps, error, back)) return true;
    const info = toErrorInfo(error);
    if (info.code === "device_limit") {
      deps.show(deviceLimitView(deps, username, proof, info.devices ?? [], info.maxDevices ?? 0, back));
      return true;
    }
    showError(alert, error, lock);
    return false;
  }
}

/** The username field of both forms: no capitals or spell-check forced on a name the server lower-cases anyway. */
function usernameInput(): HTMLInputElement {
  return h("input", {
    type: "text",
    name: "username",
    autocomplete: "username",
    required: true,
    autocapitalize: "none",
    spellcheck: false,
  });
}

export function signInView(deps: AuthViewDeps): HTMLElement {
  const username = usernameInput();
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const alert = alertBox();
  const progress = h("p", { className: "progress", role: "status" });
  const form = h(
    "form",
    { "aria-labelledby": "signin-heading", novalidate: true },
    viewHeading("signin-heading", t("signInHeading")),
    field("signin-username", t("username"), username),
    field("signin-password", t("password"), password),
    alert,
    progress,
    h("button", { type: "submit", className: "primary" }, t("signIn")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    stopCountdown(alert);
    alert.textContent = "";
    clearFieldErrors(form);
    const name = normalizeUsername(username.value.trim());
    if (!name) setFieldError(username, t("usernameRequired"));
    if (!password.value) setFieldError(password, t("passwordRequired"));
    if (focusFirstError(form)) return;
    setBusy(form, true, progress, t("signingIn"));
    let done = false;
    try {
      const kdf = await deps.call("prelogin", { username: name });
      const proof = await signInProof(password.value, kdf, name);
      done = await completeSignIn(deps, name, proof, alert, () => deps.show(signInView(deps)), submitButton(form));
      if (done) password.value = "";
    } catch (error) {
      showError(alert, error, submitButton(form));
    } finally {
      setBusy(form, false, progress);
    }
    // A wrong password: the focus goes back to the password, ready to retype.
    if (!done && alert.dataset.code === "invalid_credentials" && password.isConnected) {
      password.setAttribute("aria-invalid", "true");
      password.select();
      password.focus();
    }
  });
  return h(
    "main",
    { className: "auth" },
    deps.heldWhileSignedOut ? heldNotice(deps) : null,
    form,
    h("button", { type: "button", className: "link", onclick: () => deps.show(forgotPasswordView(deps)) }, t("forgotPassword")),
    h("p", { className: "hint" }, t("passwordNeverSent")),
    h("button", { type: "button", className: "link", onclick: () => deps.show(signUpView(deps)) }, t("noAccount")),
  );
}

/** "Forgot password?": the API mails a link (1 h) whose page sets a new password; same answer for any address. */
function forgotPasswordView(deps: AuthViewDeps): HTMLElement {
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const alert = alertBox();
  const progress = h("p", { className: "progress", role: "status" });
  const form = h(
    "form",
    { "aria-labelledby": "reset-heading", novalidate: true },
    viewHeading("reset-heading", t("resetHeading")),
    h("p", {}, t("resetText")),
    field("reset-email", t("email"), email),
    alert,
    progress,
    h("button", { type: "submit", className: "primary" }, t("sendResetLink")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    stopCountdown(alert);
    alert.textContent = "";
    clearFieldErrors(form);
    const address = normalizeEmail(email.value);
    if (!isPlausibleEmail(address)) setFieldError(email, t("emailInvalid"));
    if (focusFirstError(form)) return;
    setBusy(form, true, progress);
    try {
      await deps.call("requestPasswordReset", { email: address });
      setBusy(form, false, progress, t("resetSent"));
    } catch (error) {
      setBusy(form, false, progress);
      showError(alert, error, submitButton(form));
    }
  });
  return h(
    "main",
    { className: "auth" },
    form,
    h("button", { type: "button", className: "link", onclick: () => deps.show(signInView(deps)) }, t("back")),
  );
}

/** Never a silent half state: signed out with traffic held says so, and offers "go direct". */
function heldNotice(deps: AuthViewDeps): HTMLElement {
  const notice: HTMLElement = h(
    "div",
    { className: "held-notice" },
    h("p", { className: "warning", role: "alert" }, t("signedOutWhileProtected")),
    h(
      "button",
      {
        type: "button",
        onclick: async () => {
          try {
            await deps.call("disconnect", undefined);
            notice.remove();
          } catch {
            // The notice stays; the user can try again.
          }
        },
      },
      t("goDirect"),
    ),
  );
  return notice;
}

function signUpView(deps: AuthViewDeps): HTMLElement {
  const username = usernameInput();
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", {
    type: "password",
    name: "new-password",
    autocomplete: "new-password",
    required: true,
    minLength: MIN_PASSWORD_LENGTH,
  });
  const confirm = h("input", { type: "password", name: "confirm-password", autocomplete: "new-password", required: true });
  const age = h("input", { type: "checkbox", id: "signup-age", name: "age", required: true });
  const strength = h("span", { "aria-live": "polite" }, t("strengthLabel", t(STRENGTH_KEYS.tooShort)));
  const meter = h("meter", { min: 0, max: 4, value: 0, "aria-hidden": "true" });
  const alert = alertBox();
  const progress = h("p", { className: "progress", role: "status" });

  password.addEventListener("input", () => {
    const level = passwordStrength(password.value, username.value);
    strength.textContent = t("strengthLabel", t(STRENGTH_KEYS[level]));
    meter.value = ["tooShort", "weak", "fair", "strong", "veryStrong"].indexOf(level);
    strength.dataset.strength = level;
  });

  const form = h(
    "form",
    { "aria-labelledby": "signup-heading", novalidate: true },
    viewHeading("signup-heading", t("signUpHeading")),
    field("signup-username", t("username"), username, t("usernameHint")),
    field("signup-email", t("email"), email),
    field("signup-password", t("password"), password, h("span", {}, meter, " ", strength)),
    field("signup-confirm", t("confirmPassword"), confirm),
    h("div", { className: "check" }, age, h("label", { htmlFor: "signup-age" }, t("ageConfirm"))),
    // The policy's terms: registering means accepting email from the service.
    h(
      "p",
      { className: "consent", id: "signup-consent" },
      t("signUpConsent"),
      " ",
      h("a", { href: "/privacy.html", target: "_blank", rel: "noopener" }, t("privacyPolicy")),
    ),
    alert,
    progress,
    h("button", { type: "submit", className: "primary", "aria-describedby": "signup-consent" }, t("createAccount")),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    stopCountdown(alert);
    alert.textContent = "";
    clearFieldErrors(form);
    const name = normalizeUsername(username.value.trim());
    const mail = normalizeEmail(email.value);
    // Every problem at once, each under its field; the focus goes to the first.
    if (!USERNAME_PATTERN.test(name)) setFieldError(username, t("usernameInvalid"));
    if (!isPlausibleEmail(mail)) setFieldError(email, t("emailInvalid"));
    if (passwordProblem(password.value)) setFieldError(password, t("passwordTooShort", MIN_PASSWORD_LENGTH));
    if (password.value !== confirm.value) setFieldError(confirm, t("passwordsDiffer"));
    if (!age.checked) setFieldError(age, t("ageRequired"));
    if (focusFirstError(form)) return;
    setBusy(form, true, progress, t("creatingAccount"));
    let registered = false;
    try {
      const kdf = newKdfParams();
      const proof = await signInProof(password.value, kdf, name);
      await deps.call("register", {
        username: name,
        email: mail,
        authKey: proof.authKey,
        kdf,
        usernameSealed: proof.usernameSealed,
        language: accountLanguage(),
        ageConfirmed: age.checked,
      });
      registered = true;
      password.value = confirm.value = "";
      await completeSignIn(deps, name, proof, alert, () => deps.show(signInView(deps)), submitButton(form));
    } catch (error) {
      const code = toErrorInfo(error).code;
      // A refusal that belongs to one field sits under it; anything else in the form's alert.
      const owner =
        !registered && code === "username_taken"
          ? username
          : !registered && code === "email_taken"
            ? email
            : code === "age_requirement"
              ? age
              : null;
      if (owner)
        setFieldError(
          owner,
          t(code === "username_taken" ? "errUsernameTaken" : code === "email_taken" ? "errEmailTaken" : "errAgeRequirement"),
        );
      else showError(alert, error, submitButton(form));
    } finally {
      setBusy(form, false, progress);
    }
    focusFirstError(form);
  });

  return h(
    "main",
    { className: "auth" },
    form,
    h("p", { className: "hint" }, t("passwordNeverSent")),
    h("button", { type: "button", className: "link", onclick: () => deps.show(signInView(deps)) }, t("haveAccount")),
  );
}

/**
 * Every slot is taken. Without a token we cannot call DELETE /v1/devices, so
 * each device offers "free this slot and sign in": a sign-in with
 * `replaceDevice` (the slot's handle: the API never lists device ids), which
 * frees that slot and claims it in one step.
 */
function deviceLimitView(
  deps: AuthViewDeps,
  username: string,
  proof: SignInProof,
  devices: SlotHolder[],
  maxDevices: number,
  back: () => void,
): HTMLElement {
  const alert = alertBox();
  const list = h(
    "ul",
    { className: "devices", "aria-labelledby": "limit-heading" },
    ...devices.map((device) =>
      h(
        "li",
        {},
        h("span", { className: "device-name" }, device.label),
        h("span", { className: "hint" }, t("lastActiveOn", formatDay(device.lastActiveOn))),
        h(
          "button",
          {
            type: "button",
            // The visible words are the accessible name (WCAG 2.5.3): they name the device themselves.
            onclick: async (event: Event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              alert.textContent = "";
              try {
                await deps.call("signIn", { username, ...proof, replaceDevice: device.handle });
                deps.onSignedIn();
              } catch (error) {
                if (showSecondFactor(deps, error, back)) return;
                button.disabled = false;
                showError(alert, error, [button]);
              }
            },
          },
          t("freeSlotFor", device.label),
        ),
      ),
    ),
  );
  return h(
    "main",
    { className: "auth" },
    viewHeading("limit-heading", t("deviceLimitHeading")),
    h("p", {}, tp("deviceLimitText", maxDevices)),
    list,
    alert,
    upgradeOffer(deps, maxDevices),
    h("button", { type: "button", className: "link", onclick: back }, t("back")),
  );
}

/**
 * The bigger plans, on the device-limit screen. Checkout needs a signed-in device
 * (POST /v1/billing/checkout is authenticated), so the way there is one freed slot.
 */
function upgradeOffer(deps: AuthViewDeps, maxDevices: number): HTMLElement {
  const text = h("p", {});
  const section = h(
    "section",
    { "aria-labelledby": "more-devices-heading", hidden: true },
    h("h2", { id: "more-devices-heading" }, t("deviceLimitPlans")),
    text,
  );
  void deps.call("getPlans", undefined).then(
    (plans) => {
      const bigger = (id: string) => plans.find((p) => p.id === id && p.maxDevices > maxDevices)?.maxDevices;
      const plus = bigger("plus");
      const team = bigger("team");
      if (plus === undefined || team === undefined) return;
      text.textContent = t("deviceLimitUpgrade", plus, team);
      section.hidden = false;
    },
    () => {},
  );
  return section;
}
