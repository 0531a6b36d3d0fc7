/**
 * The account in the popup (contract v1.1): the plan with "Upgrade" (Stripe
 * Checkout in a tab) or "Manage subscription" (the portal), the new-device
 * notice switch (turning it off asks for the password: the API needs it, so a
 * stolen sign-in cannot silence the notices), and changing the password or the email. Passwords are turned
 * into authKeys right here (shared/kdf) and then dropped: the background and
 * the API only ever see keys.
 *
 *   const panel = new AccountPanel(call, account);   // panel.element into the page
 *   panel.show(updatedAccount);
 */
import { deriveAuthKey, deriveClientKeys, newKdfParams } from "@cargo-vpn/shared/kdf";
import { sealUsername } from "@cargo-vpn/shared/username-seal";
import { isPlausibleEmail, MIN_PASSWORD_LENGTH, passwordProblem } from "@cargo-vpn/shared/account-rules";
import { normalizeEmail } from "@cargo-vpn/shared/normalize";
import type { Account } from "@cargo-vpn/shared/schemas";
import { toErrorInfo } from "../../api/api-error";
import type { PlanOffer } from "@cargo-vpn/shared/schemas";
import { field, h } from "../dom";
import { clearFieldErrors, focusFirstError, setFieldError } from "../field-errors";
import { formatDate, formatMoney } from "../format";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { tp } from "../plural";
import { showError, stopCountdown } from "../retry-wait";

export class AccountPanel {
  readonly element: HTMLElement;
  private readonly plan: HTMLParagraphElement;
  private readonly subscription: HTMLParagraphElement;
  private readonly upgradeRow: HTMLDivElement;
  private readonly upgradeChoice: HTMLSelectElement;
  private readonly upgradeHint: HTMLParagraphElement;
  private readonly manage: HTMLButtonElement;
  private readonly notify: HTMLButtonElement;
  private readonly notifyOff: HTMLFormElement;
  private readonly status: HTMLParagraphElement;
  private account: Account;

  constructor(
    private readonly call: Call,
    initial: Account,
  ) {
    this.account = initial;
    this.plan = h("p", { className: "plan" });
    this.subscription = h("p", { className: "hint" });
    this.status = h("p", { role: "status" });
    this.upgradeChoice = h("select", { id: "upgrade-plan" });
    this.upgradeHint = h("p", { className: "hint", hidden: true }, t("upgradeAfterConfirm"));
    this.upgradeRow = h(
      "div",
      { className: "upgrade", hidden: true },
      field("upgrade-plan", t("upgradeTo"), this.upgradeChoice),
      // Not a primary button: the popup's one primary control is the VPN switch.
      h("button", { type: "button", onclick: () => this.upgrade() }, t("upgrade")),
    );
    this.manage = h("button", { type: "button", hidden: true, onclick: () => this.openPortal() }, t("manageSubscription"));
    this.notifyOff = this.notifyOffForm();
    this.notify = h(
      "button",
      { type: "button", role: "switch", className: "switch small", "aria-labelledby": "notify-label", onclick: () => this.toggleNotify() },
      h("span", { className: "knob", "aria-hidden": "true" }),
    );
    this.element = h(
      "section",
      { className: "account", "aria-labelledby": "account-heading" },
      h("h2", { id: "account-heading" }, t("accountHeading")),
      this.plan,
      this.subscription,
      this.upgradeRow,
      this.upgradeHint,
      this.manage,
      h("div", { className: "switch-row" }, h("span", { id: "notify-label" }, t("notifyNewDevice")), this.notify),
      this.notifyOff,
      this.passwordForm(),
      this.emailForm(),
      this.status,
    );
    this.show(initial);
  }

  show(account: Account): void {
    this.account = account;
    this.plan.textContent = tp("planName", account.plan.maxDevices, account.plan.name);
    const sub = account.subscription;
    this.subscription.hidden = !sub;
    if (sub) {
      const when = sub.cancelAt
        ? t("subscriptionEnds", formatDate(sub.cancelAt))
        : sub.renewsAt
          ? t("subscriptionRenews", formatDate(sub.renewsAt))
          : "";
      this.subscription.textContent = [t("subscriptionStatus", sub.status), when].filter(Boolean).join(", ");
    }
    this.manage.hidden = !sub;
    // Buying needs a confirmed address (the API refuses Checkout before): until then, say so instead of offering it.
    this.upgradeRow.hidden = sub !== null || this.upgradeChoice.options.length === 0 || !account.emailVerified;
    this.upgradeHint.hidden = sub !== null || this.upgradeChoice.options.length === 0 || account.emailVerified;
    this.notify.setAttribute("aria-checked", String(account.notifyNewDevice));
  }

  /** The plans above the current one, each price an option ("Plus — 5 devices — €4.99 per month"). */
  setPlans(plans: PlanOffer[]): void {
    const options = plans
      .filter((p) => p.id !== "free" && p.maxDevices > this.account.plan.maxDevices)
      .flatMap((p) =>
        p.prices.map((price) =>
          h(
            "option",
            { value: `${p.id}:${price.interval}` },
            t(
              "planOption",
              p.name,
              p.maxDevices,
              formatMoney(price.amount, price.currency),
              t(price.interval === "year" ? "intervalYear" : "intervalMonth"),
            ),
          ),
        ),
      );
    this.upgradeChoice.replaceChildren(...options);
    this.show(this.account);
  }

  private async upgrade(): Promise<void> {
    const [plan, interval] = this.upgradeChoice.value.split(":") as ["plus" | "team", "month" | "year"];
    await this.run(() => this.call("openCheckout", { plan, interval }), t("checkoutOpened"));
  }

  private async openPortal(): Promise<void> {
    await this.run(() => this.call("openPortal", undefined), t("portalOpened"));
  }

  private async toggleNotify(): Promise<void> {
    if (this.account.notifyNewDevice) {
      // Off needs the password: ask for it right under the switch.
      this.notifyOff.hidden = false;
      this.notifyOff.querySelector<HTMLInputElement>("input")?.focus();
      return;
    }
    await this.run(async () => this.show(await this.call("setNotifyNewDevice", { enabled: true })), t("savedNotice"));
  }

  /** "Your password, to turn these emails off": shown when the switch is turned off, hidden again once done or cancelled. */
  private notifyOffForm(): HTMLFormElement {
    const password = h("input", { type: "password", autocomplete: "current-password", required: true });
    const alert = h("p", { className: "alert", role: "alert" });
    const close = () => {
      form.hidden = true;
      password.value = "";
      alert.textContent = "";
      clearFieldErrors(form);
      this.notify.focus();
    };
    const form: HTMLFormElement = h(
      "form",
      { className: "notify-off", hidden: true, "aria-label": t("notifyOffHeading"), novalidate: true },
      h("p", { className: "hint" }, t("notifyOffNeedsPassword")),
      field("notify-off-password", t("notifyOffPassword"), password),
      alert,
      h("button", { type: "submit" }, t("notifyOffConfirm")),
      h("button", { type: "button", className: "link", onclick: close }, t("back")),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      stopCountdown(alert);
      alert.textContent = "";
      clearFieldErrors(form);
      if (!password.value) setFieldError(password, t("passwordRequired"));
      if (focusFirstError(form)) return;
      const ok = await this.submit(
        form,
        alert,
        password,
        t("confirmPasswordWrong"),
        async () => {
          const authKey = await this.authKeyFor(password.value);
          this.show(await this.call("setNotifyNewDevice", { enabled: false, authKey }));
        },
        t("savedNotice"),
      );
      if (ok) close();
    });
    return form;
  }

  private async run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    this.status.textContent = "";
    try {
      await action();
      this.status.textContent = done;
      return true;
    } catch (error) {
      showError(this.status, error);
      return false;
    }
  }

  /**
   * A form's own submission: its errors sit in its own alert, and a wrong password under the password
   * field that holds it (focused), never in the panel's status below another form.
   */
  private async submit(
    form: HTMLFormElement,
    alert: HTMLElement,
    passwordField: HTMLInputElement,
    wrongPassword: string,
    action: () => Promise<void>,
    done: string,
  ): Promise<boolean> {
    const buttons = [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
    form.setAttribute("aria-busy", "true");
    for (const button of buttons) button.disabled = true;
    let failure: unknown = null;
    try {
      await action();
    } catch (error) {
      failure = error;
    }
    form.setAttribute("aria-busy", "false");
    for (const button of buttons) button.disabled = false;
    if (failure === null) {
      this.status.textContent = done;
      return true;
    }
    this.status.textContent = "";
    if (toErrorInfo(failure).code === "invalid_credentials") {
      setFieldError(passwordField, wrongPassword);
      focusFirstError(form);
    } else {
      showError(alert, failure, buttons);
    }
    return false;
  }

  private async authKeyFor(password: string): Promise<string> {
    return deriveAuthKey(password, await this.call("prelogin", { username: this.account.username ?? "" }));
  }

  private passwordForm(): HTMLElement {
    const current = h("input", { type: "password", autocomplete: "current-password", required: true });
    const next = h("input", { type: "password", autocomplete: "new-password", required: true, minLength: MIN_PASSWORD_LENGTH });
    const confirm = h("input", { type: "password", autocomplete: "new-password", required: true });
    const alert = h("p", { className: "alert", role: "alert" });
    const form = h(
      "form",
      { "aria-labelledby": "password-heading", novalidate: true },
      field("current-password", t("currentPassword"), current),
      field("new-password", t("newPassword"), next),
      field("confirm-new-password", t("confirmNewPassword"), confirm),
      alert,
      h("button", { type: "submit" }, t("changePassword")),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      stopCountdown(alert);
      alert.textContent = "";
      clearFieldErrors(form);
      if (!current.value) setFieldError(current, t("currentPasswordRequired"));
      if (passwordProblem(next.value)) setFieldError(next, t("passwordTooShort", MIN_PASSWORD_LENGTH));
      if (next.value !== confirm.value) setFieldError(confirm, t("passwordsDiffer"));
      if (focusFirstError(form)) return;
      this.status.textContent = t("changingPassword");
      const ok = await this.submit(
        form,
        alert,
        current,
        t("currentPasswordWrong"),
        async () => {
          const authKey = await this.authKeyFor(current.value);
          const newKdf = newKdfParams();
          const { authKey: newAuthKey, usernameKey } = await deriveClientKeys(next.value, newKdf);
          // The name sealed again under the new password's key (issue 18 item 5): the old key cannot open it any more.
          const name = this.account.username;
          const newUsernameSealed = name ? await sealUsername(usernameKey, name) : undefined;
          await this.call("changePassword", { authKey, newAuthKey, newKdf, ...(newUsernameSealed ? { newUsernameSealed } : {}) });
        },
        t("passwordChanged"),
      );
      if (ok) current.value = next.value = confirm.value = "";
    });
    return h("details", {}, h("summary", { id: "password-heading" }, t("changePasswordHeading")), form);
  }

  private emailForm(): HTMLElement {
    const email = h("input", { type: "email", autocomplete: "email", required: true });
    const password = h("input", { type: "password", autocomplete: "current-password", required: true });
    const alert = h("p", { className: "alert", role: "alert" });
    const form = h(
      "form",
      { "aria-labelledby": "email-heading", novalidate: true },
      field("new-email", t("newEmail"), email),
      field("email-password", t("passwordToConfirm"), password),
      alert,
      h("button", { type: "submit" }, t("changeEmail")),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      stopCountdown(alert);
      alert.textContent = "";
      clearFieldErrors(form);
      const address = normalizeEmail(email.value);
      if (!isPlausibleEmail(address)) setFieldError(email, t("emailInvalid"));
      if (!password.value) setFieldError(password, t("passwordRequired"));
      if (focusFirstError(form)) return;
      const ok = await this.submit(
        form,
        alert,
        password,
        t("confirmPasswordWrong"),
        async () => {
          const account = await this.call("changeEmail", { email: address, authKey: await this.authKeyFor(password.value) });
          this.show(account);
          this.onAccountChanged?.(account);
        },
        t("emailChanged", address),
      );
      if (ok) email.value = password.value = "";
    });
    return h("details", {}, h("summary", { id: "email-heading" }, t("changeEmailHeading")), form);
  }

  /** Set by the popup: an account change here (new, unverified email) shows elsewhere too. */
  onAccountChanged?: (account: Account) => void;
}

/** "Confirm your email" with "Send again", shown while the address is unverified. */
export class VerifyBanner {
  readonly element: HTMLElement;
  private readonly text: HTMLParagraphElement;
  private readonly status: HTMLParagraphElement;
  private readonly button: HTMLButtonElement;

  constructor(private readonly call: Call) {
    this.text = h("p", {});
    this.status = h("p", { role: "status" });
    this.button = h("button", { type: "button", onclick: () => this.resend() }, t("sendAgain"));
    this.element = h(
      "div",
      { className: "verify-banner", role: "region", "aria-label": t("verifyRegion"), hidden: true },
      this.text,
      this.button,
      this.status,
    );
  }

  show(account: Account): void {
    this.element.hidden = account.emailVerified;
    this.text.textContent = t("verifyBanner", account.email);
  }

  private async resend(): Promise<void> {
    stopCountdown(this.status);
    this.status.textContent = "";
    this.button.disabled = true;
    try {
      await this.call("resendVerification", undefined);
      this.button.disabled = false;
      this.status.textContent = t("verificationSent");
    } catch (error) {
      this.button.disabled = false;
      // The API allows a new link only so often: the real wait, counted down, the button disabled meanwhile.
      showError(this.status, error, [this.button]);
    }
  }
}
