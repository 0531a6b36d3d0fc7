/**
 * The options page: API base URL (development builds only), bypass list, auto-connect, telemetry
 * opt-in, and deleting the account (password re-entered, turned into the
 * authKey here, never sent).
 *
 *   await startOptions(document.getElementById("app")!, call);
 */
import { deriveAuthKey } from "@cargo-vpn/shared/kdf";
import { ApiError, toErrorInfo } from "../../api/api-error";
import { DEFAULT_BYPASS_LIST } from "../../config";
import type { SettingsView } from "../../messages/protocol";
import { invalidRules, parseBypassList } from "../../proxy/bypass-rules";
import { field, h } from "../dom";
import { clearFieldErrors, setFieldError } from "../field-errors";
import { errorText, showError, stopCountdown } from "../retry-wait";
import { t } from "../i18n";
import type { Call } from "../messenger";

/** Firefox only: its built-in consent for the telemetry's data (ui/data-consent.ts). */
export type DataConsent = { request(): Promise<boolean>; revoke(): Promise<void> };

export async function startOptions(root: HTMLElement, call: Call, consent?: DataConsent): Promise<void> {
  let settings: SettingsView;
  try {
    settings = await call("getSettings", undefined);
  } catch (error) {
    root.replaceChildren(h("p", { role: "alert" }, errorText(toErrorInfo(error))));
    return;
  }
  root.replaceChildren(h("h1", {}, t("optionsHeading")), settingsForm(call, settings, consent), deleteSection(call, settings));
  root.dataset.ready = "true";
}

function settingsForm(call: Call, initial: SettingsView, consent?: DataConsent): HTMLFormElement {
  let settings = initial;
  const apiUrl = h("input", { type: "url", name: "apiUrl", value: settings.apiUrl, required: true, spellcheck: false });
  const bypass = h("textarea", { name: "bypassList", rows: 8, spellcheck: false, value: settings.bypassList.join("\n") });
  const autoConnect = h("input", { type: "checkbox", id: "auto-connect", checked: settings.autoConnect });
  const telemetry = h("input", {
    type: "checkbox",
    id: "telemetry",
    checked: settings.telemetryOptIn,
    disabled: !settings.signedIn,
    "aria-describedby": "telemetry-hint",
  });
  const status = h("p", { role: "status" });
  const alert = h("p", { className: "alert", role: "alert" });

  const form = h(
    "form",
    { "aria-label": t("optionsHeading"), novalidate: true },
    settings.apiUrlEditable ? field("api-url", t("apiUrl"), apiUrl, t("apiUrlHint")) : null,
    field("bypass-list", t("bypassList"), bypass, t("bypassHint")),
    h("button", { type: "button", onclick: () => (bypass.value = DEFAULT_BYPASS_LIST.join("\n")) }, t("resetBypass")),
    h("div", { className: "check" }, autoConnect, h("label", { htmlFor: "auto-connect" }, t("autoConnect"))),
    h("div", { className: "check" }, telemetry, h("label", { htmlFor: "telemetry" }, t("telemetry"))),
    h("p", { id: "telemetry-hint", className: "hint" }, t("telemetryHint"), settings.signedIn ? "" : ` ${t("telemetrySignedOut")}`),
    alert,
    status,
    h("button", { type: "submit", className: "primary" }, t("saveSettings")),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.textContent = status.textContent = "";
    const optingIn = settings.signedIn && telemetry.checked && !settings.telemetryOptIn;
    // Asked before anything else is awaited: Firefox grants it only within the click.
    const granted = optingIn && consent ? consent.request() : Promise.resolve(true);
    const rules = parseBypassList(bypass.value);
    const bad = invalidRules(rules);
    if (bad.length > 0) {
      alert.textContent = t("bypassInvalid", bad.join(", "));
      bypass.setAttribute("aria-invalid", "true");
      bypass.focus();
      return;
    }
    if (settings.apiUrlEditable && !/^https?:\/\/\S+$/i.test(apiUrl.value.trim())) {
      alert.textContent = t("apiUrlInvalid");
      apiUrl.setAttribute("aria-invalid", "true");
      apiUrl.focus();
      return;
    }
    bypass.removeAttribute("aria-invalid");
    apiUrl.removeAttribute("aria-invalid");
    if (!(await granted)) {
      telemetry.checked = false;
      alert.textContent = t("telemetryConsentRefused");
      return;
    }
    try {
      const saved = await call("saveSettings", {
        ...(settings.apiUrlEditable ? { apiUrl: apiUrl.value.trim() } : {}),
        bypassList: rules,
        autoConnect: autoConnect.checked,
        ...(settings.signedIn && telemetry.checked !== settings.telemetryOptIn ? { telemetryOptIn: telemetry.checked } : {}),
      });
      if (settings.telemetryOptIn && !saved.telemetryOptIn) await consent?.revoke();
      settings = saved;
      telemetry.checked = saved.telemetryOptIn;
      status.textContent = t("settingsSaved");
    } catch (error) {
      alert.textContent = errorText(toErrorInfo(error));
    }
  });
  return form;
}

function deleteSection(call: Call, settings: SettingsView): HTMLElement {
  const password = h("input", { type: "password", autocomplete: "current-password", required: true, disabled: !settings.signedIn });
  const alert = h("p", { className: "alert", role: "alert" });
  const status = h("p", { role: "status" });
  const submit = h(
    "button",
    { type: "submit", className: "danger", disabled: !settings.signedIn, "aria-describedby": "delete-warning" },
    t("deleteConfirm"),
  );
  const form = h(
    "form",
    { "aria-labelledby": "delete-heading", novalidate: true },
    field("delete-password", t("deletePassword"), password),
    alert,
    status,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    stopCountdown(alert);
    alert.textContent = "";
    clearFieldErrors(form);
    if (!password.value) {
      setFieldError(password, t("passwordRequired"));
      password.focus();
      return;
    }
    submit.disabled = password.disabled = true;
    status.textContent = t("deleting");
    try {
      const username = (await call("getStatus", undefined)).account?.username;
      if (!username) throw new ApiError({ code: "unauthorized", status: 401 });
      const kdf = await call("prelogin", { username });
      const authKey = await deriveAuthKey(password.value, kdf);
      await call("deleteAccount", { authKey });
      password.value = "";
      status.textContent = t("deleted");
    } catch (error) {
      status.textContent = "";
      submit.disabled = password.disabled = false;
      // A wrong password is the field's error, and the focus goes back to it; a wait is counted down.
      if (toErrorInfo(error).code === "invalid_credentials") {
        setFieldError(password, t("confirmPasswordWrong"));
        password.focus();
      } else {
        showError(alert, error, [submit]);
      }
    }
  });
  return h(
    "section",
    { className: "danger-zone", "aria-labelledby": "delete-heading" },
    h("h2", { id: "delete-heading" }, t("deleteHeading")),
    h("p", { className: "warning", id: "delete-warning" }, t("deleteWarning")),
    settings.signedIn ? null : h("p", { className: "hint" }, t("deleteSignedOut")),
    form,
  );
}
