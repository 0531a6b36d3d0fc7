// @vitest-environment happy-dom
/**
 * The popup's two-factor flows (issue 18) in a DOM against the real
 * background handlers and the fake API's real RFC 6238 codes: enrolment
 * (password, QR code and key, first code, recovery codes once), the second
 * step of a sign-in with a code or a recovery code, a reused code refused,
 * and "End every other sign-in".
 */
import { deriveAuthKey, newKdfParams } from "@cargo-vpn/shared/kdf";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { createFakeApi } from "../../../tests/support/fake-api";
import { codeFor } from "../../../tests/support/fake-two-factor";
import { type Background, installMessages, openPopup, startBackgroundFor, until } from "../../../tests/support/popup-harness";

const PASSWORD = "correct horse battery";
const kdf = newKdfParams(600_000);
let authKey: string;
let bg: Background;
let popup: Awaited<ReturnType<typeof openPopup>>;

beforeAll(async () => {
  authKey = await deriveAuthKey(PASSWORD, kdf);
});

beforeEach(async () => {
  fakeBrowser.reset();
  installMessages();
  bg = startBackgroundFor(createFakeApi({ maxDevices: 3 }));
  await bg.connection.init();
});

afterEach(() => popup?.stop());

/** At least `seconds` left in the 30-second step, so codes computed now stay in their step. */
async function roomInStep(seconds = 5) {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

describe("two-factor sign-in in the popup", () => {
  it("enrols with the shown key, then signs in with password and code; a reused code is refused; a recovery code works once", async () => {
    await bg.call("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    await bg.call("signIn", { username: "alice", authKey });
    popup = await openPopup(bg);
    await until(() => popup.text().includes("Off: your password alone signs in."));
    popup.button("Turn on two-factor sign-in").click();
    popup.fill("Password", PASSWORD);
    popup.submit("Continue");
    await until(() => popup.root.querySelector("code.totp-secret") !== null);
    const secret = popup.root.querySelector<HTMLElement>("code.totp-secret")!.textContent!.replace(/\s+/g, "");
    expect(secret).toBe(bg.server.twoFactor.get("alice")!.secret);
    const qr = popup.root.querySelector('svg[role="img"]')!;
    expect(qr.getAttribute("aria-label")).toBe("QR code of the key for your authenticator app");
    expect(qr.querySelector("path")!.getAttribute("d")!.length).toBeGreaterThan(500);

    await roomInStep();
    popup.fill("Code", codeFor(secret, 5));
    popup.submit("Turn on");
    await until(() => popup.text().includes("That code is wrong, expired or already used"));
    popup.fill("Code", codeFor(secret, -1));
    popup.submit("Turn on");
    await until(() => popup.text().includes("Your recovery codes"));
    const codes = [...popup.root.querySelectorAll(".recovery-codes li")].map((li) => li.textContent!);
    expect(codes).toHaveLength(10);
    popup.button("I saved them").click();
    await until(() => popup.text().includes("On. Recovery codes left: 10."));

    popup.button("Sign out").click();
    await until(() => popup.root.querySelector("#signin-heading") !== null);
    popup.fill("Username", "alice");
    popup.fill("Password", PASSWORD);
    popup.submit("Sign in");
    await until(() => popup.text().includes("Type the 6-digit code"));
    const code = codeFor(secret);
    popup.fill("Code", code);
    popup.submit("Verify");
    await until(() => popup.root.querySelector('[role="switch"]') !== null);

    popup.button("Sign out").click();
    await until(() => popup.root.querySelector("#signin-heading") !== null);
    popup.fill("Username", "alice");
    popup.fill("Password", PASSWORD);
    popup.submit("Sign in");
    await until(() => popup.text().includes("Type the 6-digit code"));
    popup.fill("Code", code);
    popup.submit("Verify");
    await until(() => popup.text().includes("That code is wrong, expired or already used"));
    popup.button("Use a recovery code instead").click();
    popup.fill("Recovery code", codes[0]!);
    popup.submit("Verify");
    await until(() => popup.root.querySelector('[role="switch"]') !== null);
    await until(() => popup.text().includes("On. Recovery codes left: 9."));
  });

  it("devices show their kind and can be renamed; 'End every other sign-in' signs the others out and says how many", async () => {
    await bg.call("register", { username: "alice", email: "alice@example.com", authKey, kdf, ageConfirmed: true });
    await bg.call("signIn", { username: "alice", authKey });
    const stamp = new Date().toISOString();
    bg.server.accounts.get("alice")!.devices.push({
      id: "other-device-1",
      kind: "firefox",
      label: "Firefox on Windows",
      registeredAt: stamp,
      lastSeenAt: stamp,
      lastActiveOn: stamp.slice(0, 10),
      current: false,
    });
    popup = await openPopup(bg);
    await until(() => popup.text().includes("Firefox on Windows · Firefox"));
    popup.button("Rename Firefox on Windows").click();
    popup.fill("Device name", "Kitchen PC");
    popup.submit("Save");
    await until(() => popup.text().includes("Kitchen PC · Firefox"));
    expect(bg.server.accounts.get("alice")!.devices.find((d) => d.id === "other-device-1")!.label).toBe("Kitchen PC");
    popup.button("End every other sign-in").click();
    await until(() => popup.text().includes("Other devices signed out: 1."));
    await until(() => !popup.text().includes("Kitchen PC"));
  });
});
