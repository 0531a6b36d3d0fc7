// @vitest-environment happy-dom
/**
 * The options page in a DOM against the real background handlers: a store
 * build has no API URL field; on Firefox, turning telemetry on asks the
 * browser's data consent first, and a refusal leaves telemetry off.
 */
import { deriveAuthKey, newKdfParams } from "@cargo-vpn/shared/kdf";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { installMessages, queries, startBackgroundFor, until } from "../../../tests/support/popup-harness";
import { startOptions } from "./options-app";

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});

async function open(background: ReturnType<typeof startBackgroundFor>, consent?: Parameters<typeof startOptions>[2]) {
  document.body.innerHTML = `<div id="app"></div>`;
  const root = document.getElementById("app")!;
  await startOptions(root, background.call, consent);
  return { root, ...queries(root) };
}

describe("options page", () => {
  it("development build: the API URL field; store build: none, and saving still works", async () => {
    expect((await open(startBackgroundFor())).byLabel("API base URL")).toBeTruthy();
    const store = await open(startBackgroundFor(undefined, { storeBuild: true }));
    expect(() => store.byLabel("API base URL")).toThrow();
    store.submit("Save settings");
    await until(() => store.text().includes("Settings saved."));
  });

  it("Firefox: telemetry on asks the browser's consent; refused → stays off on the account; granted → on", async () => {
    const bg = startBackgroundFor();
    const kdf = newKdfParams(600_000);
    const authKey = await deriveAuthKey("correct horse battery", kdf);
    await bg.call("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    await bg.call("signIn", { username: "alice", authKey });

    let answer = false;
    const asked: string[] = [];
    const consent = {
      request: async () => {
        asked.push("request");
        return answer;
      },
      revoke: async () => void asked.push("revoke"),
    };
    let page = await open(bg, consent);
    page.byLabel("Share technical telemetry").checked = true;
    page.submit("Save settings");
    await until(() => page.text().includes("Firefox did not allow sharing technical data"));
    expect(bg.server.accounts.get("alice")!.account.telemetryOptIn).toBe(false);
    expect(page.byLabel("Share technical telemetry").checked).toBe(false);

    answer = true;
    page.byLabel("Share technical telemetry").checked = true;
    page.submit("Save settings");
    await until(() => page.text().includes("Settings saved."));
    expect(bg.server.accounts.get("alice")!.account.telemetryOptIn).toBe(true);

    // Turning it off gives the consent back.
    page = await open(bg, consent);
    page.byLabel("Share technical telemetry").checked = false;
    page.submit("Save settings");
    await until(() => page.text().includes("Settings saved."));
    expect(asked).toEqual(["request", "request", "revoke"]);
    expect(bg.server.accounts.get("alice")!.account.telemetryOptIn).toBe(false);
  });

  it("delete account: a wrong password is the field's error, with the focus back on it, and nothing is deleted", async () => {
    const bg = startBackgroundFor();
    const kdf = newKdfParams(600_000);
    const authKey = await deriveAuthKey("correct horse battery", kdf);
    await bg.call("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    await bg.call("signIn", { username: "alice", authKey });
    const page = await open(bg);
    page.submit("Delete my account permanently");
    expect(page.root.querySelector("#delete-password-error")?.textContent).toBe("Enter your password.");
    page.fill("Password (to confirm deletion)", "not my password");
    page.submit("Delete my account permanently");
    await until(() => page.root.querySelector("#delete-password-error")?.textContent === "The password is wrong.", 20_000);
    expect(document.activeElement).toBe(page.byLabel("Password (to confirm deletion)"));
    expect(page.byLabel("Password (to confirm deletion)").getAttribute("aria-invalid")).toBe("true");
    expect(bg.server.accounts.has("alice")).toBe(true);
  }, 30_000);
});
