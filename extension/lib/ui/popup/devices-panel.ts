/** The account's devices (the slots of the plan), with remove. */
import type { DevicesResponse } from "@cargo-vpn/shared/schemas";
import { h } from "../dom";
import { formatDay } from "../format";
import { t } from "../i18n";
import { tp } from "../plural";
import { showError } from "../retry-wait";
import { deviceKindName, renameControl } from "./two-factor";

export class DevicesPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly count: HTMLParagraphElement;
  private readonly status: HTMLParagraphElement;

  constructor(
    private readonly remove: (id: string) => Promise<void>,
    /** Renames a device and redraws the list (issue 18); without it the list has no "Rename". */
    private readonly rename?: (id: string, label: string) => Promise<void>,
  ) {
    this.list = h("ul", { className: "devices", "aria-labelledby": "devices-heading" });
    this.count = h("p", { className: "hint" });
    this.status = h("p", { role: "status" });
    this.element = h(
      "section",
      { className: "devices-panel", "aria-labelledby": "devices-heading" },
      h("h2", { id: "devices-heading", tabIndex: -1 }, t("devicesHeading")),
      this.count,
      this.list,
      this.status,
    );
  }

  show(answer: DevicesResponse): void {
    this.count.textContent = tp("devicesCount", answer.maxDevices, answer.devices.length);
    this.list.replaceChildren(
      ...answer.devices.map((device) =>
        h(
          "li",
          { dataset: { deviceId: device.id } },
          h(
            "span",
            { className: "device-name" },
            device.label,
            ` · ${deviceKindName(device.kind)}`,
            device.current ? h("strong", {}, ` (${t("thisDevice")})`) : null,
          ),
          this.rename ? renameControl(device, this.rename) : null,
          h("span", { className: "hint" }, t("lastActiveOn", formatDay(device.lastActiveOn))),
          // The current device leaves through "Sign out", which also ends its tunnel cleanly.
          device.current
            ? null
            : h(
                "button",
                {
                  type: "button",
                  "aria-label": t("removeDeviceFor", device.label),
                  onclick: async (event: Event) => {
                    const button = event.currentTarget as HTMLButtonElement;
                    button.disabled = true;
                    try {
                      await this.remove(device.id);
                      this.status.textContent = t("deviceRemoved");
                      // Its button is gone with it: the focus goes to the list's heading, never to BODY.
                      this.element.querySelector<HTMLElement>("#devices-heading")?.focus();
                    } catch (error) {
                      button.disabled = false;
                      showError(this.status, error, [button]);
                    }
                  },
                },
                t("removeDevice"),
              ),
        ),
      ),
    );
  }
}
