/**
 * The account in the popup (contract v1.1): the plan with "Upgrade" (Stripe
 * Checkout in a tab) or "Manage subscription" (the portal), the new-device
 * notice switch, and changing the password or the email. Passwords are turned
 * into authKeys right here (shared/kdf) and then dropped: the background and
 * the API only ever see keys.
 *
 *   const panel = new AccountPanel(call, account);   // panel.element into the page
 *   panel.show(updatedAccount);
 */
import { deriveAuthKey, deriveClientKeys, newKdfParams } from "@cargo-vpn/shared/kdf";
import { sealUsername } from "@cargo-vpn/shared/username-seal";
import { normalizeEmail } from "@cargo-vpn/shared/normalize";
import type { Account } from "@cargo-vpn/shared/schemas";
import { toErrorInfo } from "../../api/api-error";
import type { PlanOffer } from "@cargo-vpn/shared/schemas";
import { field, h } from "../dom";
import { errorMessageKey } from "../error-messages";
import { formatDate, formatMoney } from "../format";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { MIN_PASSWORD_LENGTH } from "../password-strength";
import { tp } from "../plural";

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class AccountPanel {
  readonly element: HTMLElement;
  private readonly plan: HTMLParagraphElement;
  private readonly subscription: HTMLParagraphElement;
  private readonly upgradeRow: HTMLDivElement;
  private readonly upgradeChoice: HTMLSelectElement;
  private readonly manage: HTMLButtonElement;
  private readonly notify: HTMLButtonElement;
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
    this.upgradeRow = h(
      "div",
      { className: "upgrade", hidden: true },
      field("upgrade-plan", t("upgradeTo"), this.upgradeChoice),
      h("button", { type: "button", className: "primary", onclick: () => this.upgrade() }, t("upgrade")),
    );
    this.manage = h("button", { type: "button", hidden: true, onclick: () => this.openPortal() }, t("manageSubscription"));
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
      this.manage,
      h("div", { className: "switch-row" }, h("span", { id: "notify-label" }, t("notifyNewDevice")), this.notify),
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
    this.upgradeRow.hidden = sub !== null || this.upgradeChoice.options.length === 0;
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
    const enabled = !this.account.notifyNewDevice;
    await this.run(async () => this.show(await this.call("setNotifyNewDevice", { enabled })), t("savedNotice"));
  }

  private async run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    this.status.textContent = "";
    try {
      await action();
      this.status.textContent = done;
      return true;
    } catch (error) {
      this.status.textContent = t(errorMessageKey(toErrorInfo(error).code));
      return false;
    }
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
      alert.textContent = "";
      const problem = !current.value
        ? "errInvalidCredentials"
        : [...next.value].length < MIN_PASSWORD_LENGTH
          ? "passwordTooShort"
          : next.value !== confirm.value
            ? "passwordsDiffer"
            : null;
      if (problem) {
        alert.textContent = t(problem);
        return;
      }
      form.setAttribute("aria-busy", "true");
      this.status.textContent = t("changingPassword");
      const ok = await this.run(async () => {
        const authKey = await this.authKeyFor(current.value);
        const newKdf = newKdfParams();
        const { authKey: newAuthKey, usernameKey } = await deriveClientKeys(next.value, newKdf);
        // The name sealed again under the new password's key (issue 18 item 5): the old key cannot open it any more.
        const name = this.account.username;
        const newUsernameSealed = name ? await sealUsername(usernameKey, name) : undefined;
        await this.call("changePassword", { authKey, newAuthKey, newKdf, ...(newUsernameSealed ? { newUsernameSealed } : {}) });
      }, t("passwordChanged"));
      form.setAttribute("aria-busy", "false");
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
      alert.textContent = "";
      const address = normalizeEmail(email.value);
      if (!EMAIL_PATTERN.test(address)) {
        alert.textContent = t("emailInvalid");
        return;
      }
      if (!password.value) {
        alert.textContent = t("errInvalidCredentials");
        return;
      }
      const ok = await this.run(
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

  constructor(private readonly call: Call) {
    this.text = h("p", {});
    this.status = h("p", { role: "status" });
    this.element = h(
      "div",
      { className: "verify-banner", role: "region", "aria-label": t("verifyRegion"), hidden: true },
      this.text,
      h("button", { type: "button", onclick: () => this.resend() }, t("sendAgain")),
      this.status,
    );
  }

  show(account: Account): void {
    this.element.hidden = account.emailVerified;
    this.text.textContent = t("verifyBanner", account.email);
  }

  private async resend(): Promise<void> {
    this.status.textContent = "";
    try {
      await this.call("resendVerification", undefined);
      this.status.textContent = t("verificationSent");
    } catch (error) {
      this.status.textContent = t(errorMessageKey(toErrorInfo(error).code));
    }
  }
}
