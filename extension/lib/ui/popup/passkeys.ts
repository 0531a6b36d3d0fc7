/**
 * Passkeys in the popup (issue 18 item 3). WebAuthn runs on the API's own
 * account pages (its relying party), never in the extension: the popup
 * opens them in a tab. Signing in, it opens /account/passkey-sign-in for the
 * challenge and polls POST /v1/auth/second-factor {passkey: true} (through
 * the background) until the page has used the passkey, so the tokens come to
 * the extension and never to the page. The account's section lists the
 * passkeys, removes one, and opens the page that adds one.
 *
 *   const controls = passkeySignIn(deps, challenge);   // null when the account has none
 *   const panel = new PasskeysPanel(call);              // panel.element into the page; panel.refresh()
 */
import type { Passkey, SecondFactorChallenge } from "@cargo-vpn/shared/schemas";
import { toErrorInfo } from "../../api/api-error";
import { h } from "../dom";
import { errorMessageKey } from "../error-messages";
import { t } from "../i18n";
import type { Call } from "../messenger";
import type { AuthViewDeps } from "./auth-views";

const POLL_MS = 1000;

const errorText = (error: unknown) => t(errorMessageKey(toErrorInfo(error).code));

/** "Use a passkey": opens the page, then waits for the sign-in to finish there. */
export function passkeySignIn(deps: AuthViewDeps, challenge: SecondFactorChallenge): HTMLElement | null {
  const url = challenge.passkeyUrl;
  if (!challenge.methods.includes("passkey") || !url) return null;
  const status = h("p", { className: "hint", role: "status" });
  let polling = false;
  const button = h("button", { type: "button", className: "primary" }, t("passkeyUse"));
  button.addEventListener("click", async () => {
    status.textContent = t("passkeyFinishInTab");
    try {
      await deps.call("openPasskeySignIn", { url });
    } catch (error) {
      status.textContent = errorText(error);
      return;
    }
    if (polling) return;
    polling = true;
    // The popup closes when the tab opens in most browsers; the next popup starts from the sign-in again. While open, it waits here.
    while (polling && button.isConnected) {
      try {
        await deps.call("completeSecondFactor", { challenge: challenge.challenge, passkey: true });
        polling = false;
        deps.onSignedIn();
        return;
      } catch (error) {
        if (toErrorInfo(error).code !== "second_factor_pending") {
          polling = false;
          status.textContent = errorText(error);
          return;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  });
  return h("div", { className: "passkey-sign-in" }, h("p", {}, t("passkeySignInText")), button, status);
}

/** The account's passkeys, and the way to add one. */
export class PasskeysPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLParagraphElement;

  constructor(private readonly call: Call) {
    this.status = h("p", { className: "hint", role: "status" });
    this.list = h("ul", { "aria-label": t("passkeysSection") });
    const add = h("button", { type: "button" }, t("passkeyAdd"));
    add.addEventListener("click", async () => {
      try {
        await this.call("addPasskey", undefined);
        this.status.textContent = t("passkeyAddInTab");
      } catch (error) {
        this.status.textContent = errorText(error);
      }
    });
    this.element = h(
      "section",
      { className: "passkeys-panel", "aria-labelledby": "passkeys-heading" },
      h("h2", { id: "passkeys-heading" }, t("passkeysSection")),
      this.list,
      add,
      this.status,
    );
    // The passkey is made in another tab: coming back to the popup shows it.
    window.addEventListener("focus", () => void this.refresh());
  }

  async refresh(): Promise<void> {
    try {
      this.show((await this.call("listPasskeys", undefined)).passkeys);
    } catch (error) {
      this.status.textContent = errorText(error);
    }
  }

  private show(passkeys: Passkey[]): void {
    if (passkeys.length === 0) {
      this.list.replaceChildren(h("li", { className: "hint" }, t("passkeysNone")));
      return;
    }
    this.list.replaceChildren(
      ...passkeys.map((passkey) => {
        const remove = h(
          "button",
          { type: "button", className: "link", "aria-label": t("passkeyRemoveNamed", passkey.label) },
          t("passkeyRemove"),
        );
        remove.addEventListener("click", async () => {
          try {
            await this.call("removePasskey", { id: passkey.id });
            await this.refresh();
          } catch (error) {
            this.status.textContent = errorText(error);
          }
        });
        return h("li", {}, h("span", {}, passkey.label), " ", remove);
      }),
    );
  }
}
