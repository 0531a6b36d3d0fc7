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

/** What `AccountPanel.passwordConfirmedForm` builds a form from. */
interface PasswordConfirmedForm {
  /** The form's own: its accessible name, class, hidden. */
  attributes: Record<string, unknown>;
  /** Before the fields (a hint). */
  intro?: HTMLElement[];
  fields: Array<[id: string, label: string, input: HTMLInputElement]>;
  submitLabel: string;
  /** After the submit button (a "Back"). */
  after?: HTMLElement[];
  /** Marks each field that is wrong (setFieldError); none marked: the form is sent. */
  check: () => void;
  /** The password the API checks, and what is said under it when it is wrong. */
  password: HTMLInputElement;
  wrongPassword: string;
  /** Said in the panel's status while it is sent (deriving the keys takes a moment). */
  pending?: string;
  /** Sends it; answers what the panel's status then says. */
  send: () => Promise<string>;
  /** After it went through (empties the fields, or closes the form). */
  done: () => void;
}

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
    const close = () => {
      form.hidden = true;
      password.value = "";
      alert.textContent = "";
      clearFieldErrors(form);
      this.notify.focus();
    };
    const { form, alert } = this.passwordConfirmedForm({
      attributes: { className: "notify-off", hidden: true, "aria-label": t("notifyOffHeading") },
      intro: [h("p", { className: "hint" }, t("notifyOffNeedsPassword"))],
      fields: [["notify-off-password", t("notifyOffPassword"), password]],
      submitLabel: t("notifyOffConfirm"),
      after: [h("button", { type: "button", className: "link", onclick: close }, t("back"))],
      check: () => {
        if (!password.value) setFieldError(password, t("passwordRequired"));
      },
      password,
      wrongPassword: t("confirmPasswordWrong"),
      send: async () => {
        const authKey = await this.authKeyFor(password.value);
        this.show(await this.call("setNotifyNewDevice", { enabled: false, authKey }));
        return t("savedNotice");
      },
      done: close,
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
   * One of the panel's forms that a password confirms (turning the notices off,
   * changing the password or the email): its fields, its own alert and submit
   * button. On submit `check` marks what is wrong and the first such field takes
   * the focus; else `send` runs with the buttons held, and its answer is said in
   * the panel's status. A wrong password is said under the field that holds it
   * (focused), any other error in the form's own alert (with the wait, counted
   * down): never in the status below another form.
   */
  private passwordConfirmedForm(spec: PasswordConfirmedForm): { form: HTMLFormElement; alert: HTMLParagraphElement } {
    const alert = h("p", { className: "alert", role: "alert" });
    const form: HTMLFormElement = h(
      "form",
      { ...spec.attributes, novalidate: true },
      ...(spec.intro ?? []),
      ...spec.fields.map(([id, label, input]) => field(id, label, input)),
      alert,
      h("button", { type: "submit" }, spec.submitLabel),
      ...(spec.after ?? []),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      stopCountdown(alert);
      alert.textContent = "";
      clearFieldErrors(form);
      spec.check();
      if (focusFirstError(form)) return;
      if (spec.pending) this.status.textContent = spec.pending;
      const buttons = [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
      form.setAttribute("aria-busy", "true");
      for (const button of buttons) button.disabled = true;
      let said: string | null = null;
      let failure: unknown = null;
      try {
        said = await spec.send();
      } catch (error) {
        failure = error;
      }
      form.setAttribute("aria-busy", "false");
      for (const button of buttons) button.disabled = false;
      if (said !== null) {
        this.status.textContent = said;
        spec.done();
        return;
      }
      this.status.textContent = "";
      if (toErrorInfo(failure).code === "invalid_credentials") {
        setFieldError(spec.password, spec.wrongPassword);
        focusFirstError(form);
      } else {
        showError(alert, failure, buttons);
      }
    });
    return { form, alert };
  }

  private async authKeyFor(password: string): Promise<string> {
    return deriveAuthKey(password, await this.call("prelogin", { username: this.account.username ?? "" }));
  }

  private passwordForm(): HTMLElement {
    const current = h("input", { type: "password", autocomplete: "current-password", required: true });
    const next = h("input", { type: "password", autocomplete: "new-password", required: true, minLength: MIN_PASSWORD_LENGTH });
    const confirm = h("input", { type: "password", autocomplete: "new-password", required: true });
    const { form } = this.passwordConfirmedForm({
      attributes: { "aria-labelledby": "password-heading" },
      fields: [
        ["current-password", t("currentPassword"), current],
        ["new-password", t("newPassword"), next],
        ["confirm-new-password", t("confirmNewPassword"), confirm],
      ],
      submitLabel: t("changePassword"),
      check: () => {
        if (!current.value) setFieldError(current, t("currentPasswordRequired"));
        if (passwordProblem(next.value)) setFieldError(next, t("passwordTooShort", MIN_PASSWORD_LENGTH));
        if (next.value !== confirm.value) setFieldError(confirm, t("passwordsDiffer"));
      },
      password: current,
      wrongPassword: t("currentPasswordWrong"),
      pending: t("changingPassword"),
      send: async () => {
        const authKey = await this.authKeyFor(current.value);
        const newKdf = newKdfParams();
        const { authKey: newAuthKey, usernameKey } = await deriveClientKeys(next.value, newKdf);
        // The name sealed again under the new password's key (issue 18 item 5): the old key cannot open it any more.
        const name = this.account.username;
        const newUsernameSealed = name ? await sealUsername(usernameKey, name) : undefined;
        await this.call("changePassword", { authKey, newAuthKey, newKdf, ...(newUsernameSealed ? { newUsernameSealed } : {}) });
        return t("passwordChanged");
      },
      done: () => {
        current.value = next.value = confirm.value = "";
      },
    });
    return h("details", {}, h("summary", { id: "password-heading" }, t("changePasswordHeading")), form);
  }

  private emailForm(): HTMLElement {
    const email = h("input", { type: "email", autocomplete: "email", required: true });
    const password = h("input", { type: "password", autocomplete: "current-password", required: true });
    let address = "";
    const { form } = this.passwordConfirmedForm({
      attributes: { "aria-labelledby": "email-heading" },
      fields: [
        ["new-email", t("newEmail"), email],
        ["email-password", t("passwordToConfirm"), password],
      ],
      submitLabel: t("changeEmail"),
      check: () => {
        address = normalizeEmail(email.value);
        if (!isPlausibleEmail(address)) setFieldError(email, t("emailInvalid"));
        if (!password.value) setFieldError(password, t("passwordRequired"));
      },
      password,
      wrongPassword: t("confirmPasswordWrong"),
      send: async () => {
        const account = await this.call("changeEmail", { email: address, authKey: await this.authKeyFor(password.value) });
        this.show(account);
        this.onAccountChanged?.(account);
        return t("emailChanged", address);
      },
      done: () => {
        email.value = password.value = "";
      },
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
