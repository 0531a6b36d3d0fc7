/**
 * Passkeys in the popup (issue 18 item 3). WebAuthn runs on the API's own
 * account pages (its relying party), never in the extension: the popup
 * opens them in a tab. Signing in, the background opens
 * /account/passkey-sign-in for the challenge and itself polls POST
 * /v1/auth/second-factor {passkey: true} until the page has used the passkey
 * (background/passkey-sign-in.ts; the popup closes when the tab opens), so
 * the tokens come to the extension and never to the page; the popup only
 * follows the step, and a reopened popup picks it up. The account's section lists the
 * passkeys, removes one, and opens the page that adds one.
 *
 *   const controls = passkeySignIn(deps, challenge);   // null when the account has none
 *   show(passkeyWaitingView(deps, back));              // a popup opened while the background waits
 *   const panel = new PasskeysPanel(call);              // panel.element into the page; panel.refresh()
 */
import type { Passkey, SecondFactorChallenge } from "@cargo-vpn/shared/schemas";
import { toErrorInfo } from "../../api/api-error";
import { h } from "../dom";
import { errorMessageKey } from "../error-messages";
import { t } from "../i18n";
import type { Call } from "../messenger";
import type { Answer } from "../../messages/protocol";
import type { AuthViewDeps } from "./auth-views";

const POLL_MS = 1000;

const errorText = (error: unknown) => t(errorMessageKey(toErrorInfo(error).code));

/** "Use a passkey": the background opens the page and waits for it; this screen follows while it stays open. */
export function passkeySignIn(deps: AuthViewDeps, challenge: SecondFactorChallenge): HTMLElement | null {
  const url = challenge.passkeyUrl;
  if (!challenge.methods.includes("passkey") || !url) return null;
  const status = h("p", { className: "hint", role: "status" });
  const button = h("button", { type: "button", className: "primary" }, t("passkeyUse"));
  button.addEventListener("click", async () => {
    status.textContent = t("passkeyFinishInTab");
    try {
      await deps.call("openPasskeySignIn", { url, challenge: challenge.challenge, expiresAt: challenge.challengeExpiresAt });
    } catch (error) {
      status.textContent = errorText(error);
      return;
    }
    await followPasskeySignIn(deps, status, () => button.isConnected);
  });
  return h("div", { className: "passkey-sign-in" }, h("p", {}, t("passkeySignInText")), button, status);
}

/**
 * Follows the step the background carries until it ends: signed in, or the
 * reason it failed in `status`. A popup reopened while the step waits shows
 * this screen (popup-app.ts), so closing and opening it loses nothing.
 */
async function followPasskeySignIn(deps: AuthViewDeps, status: HTMLElement, open: () => boolean): Promise<void> {
  while (open()) {
    let view: Answer<"passkeySignInState">;
    try {
      view = await deps.call("passkeySignInState", undefined);
    } catch (error) {
      status.textContent = errorText(error);
      return;
    }
    if (view.state === "done") {
      await deps.call("forgetPasskeySignIn", undefined).catch(() => {});
      deps.onSignedIn();
      return;
    }
    if (view.state !== "waiting") {
      status.textContent = view.state === "failed" ? t(errorMessageKey(view.code)) : "";
      await deps.call("forgetPasskeySignIn", undefined).catch(() => {});
      return;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The popup reopened while the background waits for the passkey: the same wait, and the way back to the password. */
export function passkeyWaitingView(deps: AuthViewDeps, back: () => void): HTMLElement {
  const status = h("p", { className: "hint", role: "status" }, t("passkeyFinishInTab"));
  const backButton = h("button", { type: "button", className: "link" }, t("back"));
  backButton.addEventListener("click", async () => {
    await deps.call("forgetPasskeySignIn", undefined).catch(() => {});
    back();
  });
  const view = h("main", { className: "auth" }, h("h1", { tabIndex: -1 }, t("secondFactorHeading")), status, backButton);
  void followPasskeySignIn(deps, status, () => view.isConnected);
  return view;
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
