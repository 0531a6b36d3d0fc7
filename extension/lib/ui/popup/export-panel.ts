/**
 * "Your data" in the Account view (issue 18 item 5): the account export
 * (GET /v1/me/export) downloaded as a JSON file, with the username opened
 * right here. The server keeps only the copy sealed under the usernameKey,
 * which only the password derives (shared/username-seal.ts), so the password
 * is asked for, the key derived in this page and dropped, and the name shown
 * and written into the file; neither the background nor the API sees the key.
 *
 *   const panel = new ExportPanel(call, () => account.username);  // panel.element into the page, panel.toggle into its footer
 */
import { deriveClientKeys } from "@cargo-vpn/shared/kdf";
import type { ExportResponse } from "@cargo-vpn/shared/schemas";
import { openUsername } from "@cargo-vpn/shared/username-seal";
import { field, h } from "../dom";
import { clearFieldErrors, focusFirstError, setFieldError } from "../field-errors";
import { t } from "../i18n";
import type { Call } from "../messenger";
import { showError } from "../retry-wait";

/** The export as the owner reads it: the username in plain text, its sealed copy left out. */
function readableExport(data: ExportResponse, username: string): unknown {
  const { usernameSealed: _sealed, ...account } = data.account;
  return { ...data, account: { ...account, username } };
}

export class ExportPanel {
  readonly element: HTMLElement;
  /** The footer's button that shows and hides the section. */
  readonly toggle: HTMLButtonElement;
  private readonly name: HTMLParagraphElement;

  constructor(
    private readonly call: Call,
    private readonly knownName: () => string | null,
  ) {
    this.name = h("p", { className: "hint", hidden: true });
    const password = h("input", { type: "password", autocomplete: "current-password", required: true });
    const alert = h("p", { className: "alert", role: "alert" });
    const status = h("p", { role: "status" });
    const button = h("button", { type: "submit" }, t("exportButton"));
    const form = h(
      "form",
      { "aria-labelledby": "export-heading", novalidate: true },
      h("p", { className: "hint" }, t("exportText")),
      field("export-password", t("exportPassword"), password),
      alert,
      button,
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.textContent = status.textContent = "";
      clearFieldErrors(form);
      if (!password.value) setFieldError(password, t("currentPasswordRequired"));
      if (focusFirstError(form)) return;
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      try {
        const data = await this.call("exportAccount", undefined);
        const sealed = data.account.usernameSealed;
        const { usernameKey } = await deriveClientKeys(password.value, await this.kdf(data));
        // Not migrated yet (no sealed copy): the server's own copy is the name.
        const username = sealed ? await openUsername(usernameKey, sealed) : data.account.username;
        if (!username) {
          setFieldError(password, t("currentPasswordWrong"));
          focusFirstError(form);
          return;
        }
        password.value = "";
        this.name.textContent = t("exportUsername", username);
        this.name.hidden = false;
        const file = `cargo-vpn-export-${new Date().toISOString().slice(0, 10)}.json`;
        download(file, JSON.stringify(readableExport(data, username), null, 2));
        status.textContent = t("exportDone", file);
      } catch (error) {
        showError(alert, error, [button]);
      } finally {
        button.disabled = false;
        form.setAttribute("aria-busy", "false");
      }
    });
    // Hidden until asked for from the footer (`toggle`): the Account view stays one screen tall.
    const heading = h("h2", { id: "export-heading", tabIndex: -1 }, t("exportHeading"));
    this.element = h(
      "section",
      { id: "export-panel", className: "export-panel", "aria-labelledby": "export-heading", hidden: true },
      heading,
      this.name,
      form,
    );
    this.toggle = h(
      "button",
      { type: "button", className: "link", "aria-expanded": "false", "aria-controls": "export-panel" },
      t("exportHeading"),
    );
    this.toggle.addEventListener("click", () => {
      const open = this.element.hidden;
      this.element.hidden = !open;
      this.toggle.setAttribute("aria-expanded", String(open));
      if (open) heading.focus();
    });
  }

  /** The account's key-derivation parameters, found by the name this client knows (or the export's, before migration). */
  private async kdf(data: ExportResponse) {
    return this.call("prelogin", { username: this.knownName() ?? data.account.username ?? "" });
  }
}

function download(file: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = h("a", { href: url, download: file, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
