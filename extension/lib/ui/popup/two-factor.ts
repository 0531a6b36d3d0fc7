/**
 * Two-factor sign-in in the popup (issue 18): the second step of a sign-in
 * (a code from the authenticator app, or a recovery code), and the account's
 * two-factor section: turning TOTP on (password → a QR code drawn here with
 * `uqr`, plus the key as text → a first code → the ten recovery codes shown
 * once), new recovery codes, turning it off; and "sign out everywhere else".
 * Passwords become authKeys here (shared/kdf) and are dropped at once.
 *
 *   if (showSecondFactor(deps, error, back)) return;   // a sign-in that answered second_factor_required
 *   const panel = new TwoFactorPanel(call, account.username);   // panel.element into the page
 */
import { deriveAuthKey } from "@cargo-vpn/shared/kdf";
import type { SecondFactorChallenge, TotpEnrolResponse, TwoFactorStatusResponse } from "@cargo-vpn/shared/schemas";
import { encode } from "uqr";
import { toErrorInfo } from "../../api/api-error";
import { field, h } from "../dom";
import { errorMessageKey } from "../error-messages";
import { t } from "../i18n";
import type { Call } from "../messenger";
import type { AuthViewDeps } from "./auth-views";
import { passkeySignIn } from "./passkeys";

const SVG = "http://www.w3.org/2000/svg";

function alertBox(): HTMLParagraphElement {
  return h("p", { className: "alert", role: "alert" });
}

function errorText(error: unknown): string {
  return t(errorMessageKey(toErrorInfo(error).code));
}

function codeInput(name = "code"): HTMLInputElement {
  return h("input", {
    type: "text",
    name,
    inputMode: "numeric",
    autocomplete: "one-time-code",
    pattern: "[0-9 ]{6,8}",
    maxLength: 8,
    required: true,
    spellcheck: false,
  });
}

function passwordInput(): HTMLInputElement {
  return h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
}

/** Runs `work` with the form's controls disabled, showing its error (if any) in `alert`. */
async function busy(form: HTMLFormElement, alert: HTMLElement, work: () => Promise<void>): Promise<void> {
  alert.textContent = "";
  form.setAttribute("aria-busy", "true");
  const controls = [...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input")];
  for (const control of controls) control.disabled = true;
  try {
    await work();
  } catch (error) {
    alert.textContent = errorText(error);
  } finally {
    form.setAttribute("aria-busy", "false");
    for (const control of controls) control.disabled = false;
  }
}

/**
 * The sign-in's second step. A wrong code keeps the screen (the challenge
 * still works); an expired or used one says so, and only a new sign-in with
 * the password gives a new one ("Back").
 */
function secondFactorView(deps: AuthViewDeps, challenge: SecondFactorChallenge, back: () => void): HTMLElement {
  let recovery = false;
  const code = codeInput();
  const recoveryCode = h("input", { type: "text", name: "recovery-code", autocomplete: "off", spellcheck: false, required: true });
  const appField = field("second-factor-code", t("secondFactorCode"), code, t("secondFactorText"));
  const recoveryField = field("second-factor-recovery", t("recoveryCodeLabel"), recoveryCode, t("recoveryCodeText"));
  recoveryField.hidden = true;
  const alert = alertBox();
  const toggle = h("button", { type: "button", className: "link" }, t("secondFactorUseRecovery"));
  toggle.addEventListener("click", () => {
    recovery = !recovery;
    appField.hidden = recovery;
    recoveryField.hidden = !recovery;
    toggle.textContent = t(recovery ? "secondFactorUseApp" : "secondFactorUseRecovery");
    alert.textContent = "";
    (recovery ? recoveryCode : code).focus();
  });
  const form = h(
    "form",
    { "aria-labelledby": "second-factor-heading", novalidate: true },
    h("h1", { id: "second-factor-heading" }, t("secondFactorHeading")),
    appField,
    recoveryField,
    alert,
    h("button", { type: "submit", className: "primary" }, t("secondFactorVerify")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = (recovery ? recoveryCode : code).value.trim();
    if (!typed) {
      alert.textContent = t("errInvalidCode");
      return;
    }
    // A wrong code keeps this screen; an expired challenge says so, and "Back" leads to a new sign-in.
    await busy(form, alert, async () => {
      await deps.call("completeSecondFactor", {
        challenge: challenge.challenge,
        ...(recovery ? { recoveryCode: typed } : { code: typed.replace(/\s+/g, "") }),
      });
      deps.onSignedIn();
    });
  });
  const passkey = passkeySignIn(deps, challenge);
  if (!challenge.methods.includes("totp")) {
    // Only a passkey completes it: no code fields.
    return h(
      "main",
      { className: "auth" },
      h("h1", {}, t("secondFactorHeading")),
      passkey,
      h("button", { type: "button", className: "link", onclick: back }, t("back")),
    );
  }
  return h(
    "main",
    { className: "auth" },
    form,
    toggle,
    passkey,
    h("button", { type: "button", className: "link", onclick: back }, t("back")),
  );
}

/** Hands a sign-in that answered second_factor_required over to the code screen; false for any other answer. */
export function showSecondFactor(deps: AuthViewDeps, error: unknown, back: () => void): boolean {
  const info = toErrorInfo(error);
  if (info.code !== "second_factor_required" || !info.secondFactor) return false;
  deps.show(secondFactorView(deps, info.secondFactor, back));
  return true;
}

/** The otpauth:// URI as a QR code: one SVG path of dark modules, drawn from uqr's matrix (no markup parsed). */
function qrCode(text: string, label: string): SVGSVGElement {
  const { data, size } = encode(text, { border: 2, ecc: "M" });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("width", "176");
  svg.setAttribute("height", "176");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  let d = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}

/** The secret in groups of four, easier to type into an app. */
function groupedKey(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** The account's two-factor section: its state, and the flows that change it. */
export class TwoFactorPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLDivElement;
  private readonly status: HTMLParagraphElement;

  constructor(
    private readonly call: Call,
    private readonly username: string,
  ) {
    this.status = h("p", { className: "hint", role: "status" });
    this.body = h("div", {});
    this.element = h(
      "section",
      { className: "two-factor-panel", "aria-labelledby": "two-factor-heading" },
      h("h2", { id: "two-factor-heading" }, t("twoFactorSection")),
      this.status,
      this.body,
    );
  }

  async refresh(): Promise<void> {
    try {
      this.showState(await this.call("getTwoFactor", undefined));
    } catch (error) {
      this.status.textContent = errorText(error);
    }
  }

  private authKey(password: string): Promise<string> {
    return this.call("prelogin", { username: this.username }).then((kdf) => deriveAuthKey(password, kdf));
  }

  private showState(state: TwoFactorStatusResponse): void {
    this.status.textContent = state.enabled ? t("twoFactorIsOn", state.recoveryCodesLeft) : t("twoFactorIsOff");
    if (!state.enabled) {
      this.body.replaceChildren(h("button", { type: "button", onclick: () => this.askPassword() }, t("twoFactorTurnOn")));
      return;
    }
    this.body.replaceChildren(
      h("button", { type: "button", onclick: () => this.askProof("regenerate") }, t("twoFactorNewCodes")),
      " ",
      h("button", { type: "button", onclick: () => this.askProof("disable") }, t("twoFactorTurnOff")),
    );
  }

  private cancelButton(): HTMLButtonElement {
    return h("button", { type: "button", className: "link", onclick: () => void this.refresh() }, t("twoFactorCancel"));
  }

  /** Step 1 of turning it on: the password again, so a borrowed signed-in browser cannot lock its owner out. */
  private askPassword(): void {
    const password = passwordInput();
    const alert = alertBox();
    const form = h(
      "form",
      { novalidate: true, "aria-label": t("twoFactorTurnOn") },
      h("p", {}, t("twoFactorPasswordText")),
      field("two-factor-password", t("password"), password),
      alert,
      h("button", { type: "submit", className: "primary" }, t("twoFactorContinue")),
      this.cancelButton(),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(form, alert, async () => {
        const enrolment = await this.call("startTotpEnrolment", {
          authKey: await this.authKey(password.value),
          accountName: this.username,
        });
        password.value = "";
        this.showEnrolment(enrolment);
      });
    });
    this.body.replaceChildren(form);
    password.focus();
  }

  /** Step 2: the QR code and the key, and the first code that proves the app has it. */
  private showEnrolment(enrolment: TotpEnrolResponse): void {
    const code = codeInput();
    const alert = alertBox();
    const form = h(
      "form",
      { novalidate: true, "aria-label": t("twoFactorTurnOn") },
      h("p", {}, t("twoFactorScan")),
      h("div", { className: "qr" }, qrCode(enrolment.otpauthUri, t("twoFactorQrLabel"))),
      h(
        "p",
        {},
        `${t("twoFactorKey")}: `,
        h("code", { className: "totp-secret", dataset: { secret: enrolment.secret } }, groupedKey(enrolment.secret)),
      ),
      field("two-factor-code", t("secondFactorCode"), code),
      alert,
      h("button", { type: "submit", className: "primary" }, t("twoFactorConfirm")),
      this.cancelButton(),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(form, alert, async () => {
        this.showCodes(await this.call("confirmTotpEnrolment", { code: code.value.replace(/\s+/g, "") }));
      });
    });
    this.body.replaceChildren(form);
    code.focus();
  }

  /** The recovery codes, this once. */
  private showCodes(codes: string[]): void {
    this.status.textContent = "";
    this.body.replaceChildren(
      h("h3", { id: "recovery-codes-heading" }, t("twoFactorCodesHeading")),
      h("p", {}, t("twoFactorCodesText")),
      h(
        "ul",
        { className: "recovery-codes", "aria-labelledby": "recovery-codes-heading" },
        ...codes.map((c) => h("li", {}, h("code", {}, c))),
      ),
      h("button", { type: "button", className: "primary", onclick: () => void this.refresh() }, t("twoFactorDone")),
    );
  }

  /** Turning it off, or new recovery codes: the password and a current code. */
  private askProof(action: "disable" | "regenerate"): void {
    const password = passwordInput();
    const code = codeInput();
    const alert = alertBox();
    const label = t(action === "disable" ? "twoFactorTurnOff" : "twoFactorNewCodes");
    const form = h(
      "form",
      { novalidate: true, "aria-label": label },
      h("p", {}, t("twoFactorProofText")),
      field("two-factor-proof-password", t("password"), password),
      field("two-factor-proof-code", t("secondFactorCode"), code),
      alert,
      h("button", { type: "submit", className: "primary" }, label),
      this.cancelButton(),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(form, alert, async () => {
        const proof = { authKey: await this.authKey(password.value), code: code.value.replace(/\s+/g, "") };
        if (action === "disable") {
          await this.call("disableTwoFactor", proof);
          await this.refresh();
        } else {
          this.showCodes(await this.call("regenerateRecoveryCodes", proof));
        }
        password.value = "";
      });
    });
    this.body.replaceChildren(form);
    password.focus();
  }
}

/** "Sign out everywhere else": every other device's sign-in, slot and tunnel end at once. */
export function signOutOthersControl(call: Call, onDone: () => void): HTMLElement {
  const status = h("p", { role: "status" });
  const button = h("button", { type: "button" }, t("signOutOthers"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      status.textContent = t("signedOutOthers", await call("signOutOthers", undefined));
      onDone();
    } catch (error) {
      status.textContent = errorText(error);
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { className: "sign-out-others" }, button, status);
}

/**
 * "Rename" beside a device of the list: an inline field that saves the new
 * label (PATCH /v1/devices/{id}); `rename` saves it and redraws the list.
 */
export function renameControl(device: { id: string; label: string }, rename: (id: string, label: string) => Promise<void>): HTMLElement {
  const wrapper = h("span", { className: "rename" });
  const open = h("button", { type: "button", className: "link", "aria-label": t("renameDevice", device.label) }, t("rename"));
  open.addEventListener("click", () => {
    const input = h("input", { type: "text", name: "device-name", value: device.label, maxLength: 64, required: true });
    const alert = alertBox();
    const form = h(
      "form",
      { novalidate: true, "aria-label": t("renameDevice", device.label) },
      field(`rename-${device.id}`, t("deviceName"), input),
      alert,
      h("button", { type: "submit" }, t("save")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(form, alert, () => rename(device.id, input.value.trim()));
    });
    wrapper.replaceChildren(form);
    input.focus();
  });
  wrapper.append(open);
  return wrapper;
}

const KIND_KEYS = { chrome: "kindChrome", firefox: "kindFirefox", edge: "kindEdge", api: "kindApi" } as const;

/** A device's kind as people name it. */
export function deviceKindName(kind: keyof typeof KIND_KEYS): string {
  return t(KIND_KEYS[kind]);
}
