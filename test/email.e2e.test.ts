/**
 * Email as a person lives it, against the real local stack (wrangler dev with
 * its send_email simulation and local queue, a real gateway): each message is
 * read from the stack's mail folder, its link opened in real Chromium, and
 * the page confirmed by role and label. Verification, password reset (the
 * new password typed into the page, derived there), and deletion by link;
 * then a scan of everything stored and logged for addresses and tokens.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { apiClient, authKeyFor, eventually, signUpAndIn } from "@cargo-vpn/testkit/api-client";
import { INTERVAL_MS, useLocalStack } from "./harness/local-stack.ts";
import { allStoredBytes } from "./harness/stored-bytes.ts";
import { launchPageBrowser, type PageBrowser } from "@cargo-vpn/testkit/mail-pages";
import { linkIn, readMailbox, waitForMail } from "@cargo-vpn/testkit/mail";

const env = useLocalStack();
const call = apiClient(() => env.stack.apiUrl);
let browser: PageBrowser;
/** Every address, password and link token these flows used: none may be readable in storage or logs. */
const secrets = new Set<string>();

beforeAll(async () => {
  browser = await launchPageBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const keyFor = (username: string, password: string) => authKeyFor(env.stack.apiUrl, username, password);
const newDevice = () => ({ id: crypto.randomUUID(), kind: "api" as const, label: "e2e" });

async function signIn(username: string, password: string) {
  return call("POST /v1/auth/login", { body: { username, authKey: await keyFor(username, password), device: newDevice() } });
}

function remember(link: string): string {
  secrets.add(new URL(link).hash.replace("#token=", ""));
  return link;
}

/** Names of the Durable Object files of a class that hold any record (wrangler dev keeps one SQLite file per object). */
async function objectsWithRecords(className: string): Promise<Set<string>> {
  const dir = join(env.state, "v3", "do", `cargo-vpn-api-${className}`);
  const held = new Set<string>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sqlite"))) {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM _cf_KV").get() as { n: number } | undefined;
      if (row && row.n > 0) held.add(file);
    } catch {
      // An object that never stored anything has no table.
    } finally {
      db.close();
    }
  }
  return held;
}

describe("email verification", () => {
  it("register → read the message → open the link in Chromium → confirm → emailVerified", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    secrets.add(user.email).add(user.password);
    const message = await waitForMail(env.stack, { to: user.email, subject: "Confirm your email address" });
    expect(message.file).toMatch(/^\d{8}T\d{6}\.\d{3}Z-/);
    const link = remember(linkIn(message));
    expect(link.startsWith(`${env.stack.pagesUrl}/account/verify-email?lang=en#token=`)).toBe(true);

    const page = await browser.open(link);
    // The token leaves the address bar (and so the history) once the page has it.
    await expect.poll(() => page.url()).toBe(`${env.stack.pagesUrl}/account/verify-email?lang=en`);
    // Opening the link (as a mail scanner would) changes nothing.
    expect((await call("GET /v1/me", { token: user.accessToken })).account.emailVerified).toBe(false);
    await page.getByRole("button", { name: "Confirm my email address" }).click();
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent()).toContain("Your email address is confirmed");
    expect(await page.evaluate("document.activeElement && document.activeElement.id")).toBe("status");
    expect((await call("GET /v1/me", { token: user.accessToken })).account.emailVerified).toBe(true);

    // The same link again: the page says so, in an alert.
    const again = await browser.open(link);
    await again.getByRole("button", { name: "Confirm my email address" }).click();
    await expect.poll(() => again.getByRole("alert").textContent()).toContain("not valid any more");
    expect(browser.consoleErrors.filter((e) => !e.includes("400"))).toEqual([]);
  });
});

describe("the /account pages", () => {
  it("reflow at 200% zoom: nothing wider than the window, every control reachable", async () => {
    for (const path of ["verify-email", "reset-password", "delete-account"]) {
      const page = await browser.open(`${env.stack.apiUrl}/account/${path}#token=x`);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.evaluate("document.body.style.zoom = '2'");
      expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path).toBe(true);
      const button = page.getByRole("button");
      expect(await button.isVisible()).toBe(true);
      await page.close();
    }
    expect(browser.consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });
});

describe("password reset", () => {
  it("forgot password → link → new password typed in the page → old key refused, new one works, every device signed out", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    secrets.add(user.email).add(user.password);
    executeSql(`UPDATE accounts SET plan_id = 'plus' WHERE id = '${user.accountId.replaceAll("'", "''")}'`, { persistTo: env.state });
    const second = await signIn(user.username, user.password);
    const tunnel = await call("POST /v1/tunnel/sessions", { token: second.accessToken, body: { locationId: env.stack.gatewayId } });

    const oldKey = await keyFor(user.username, user.password);
    await call("POST /v1/auth/password-reset", { body: { email: user.email } });
    // An address with no account gets the same 202.
    await call("POST /v1/auth/password-reset", { body: { email: `nobody-${Date.now()}@example.org` } });
    const link = remember(linkIn(await waitForMail(env.stack, { to: user.email, subject: "Choose a new Cargo VPN password" })));

    const page = await browser.open(link);
    const newPassword = "a brand new passphrase ✓";
    secrets.add(newPassword);
    // The username is asked again (issue 18 item 5): first a wrong one, which changes nothing.
    await page.getByLabel("Your username").fill(`not-${user.username}`.slice(0, 32));
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("New password again").fill("something else");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The two passwords differ");
    expect(await page.getByLabel("New password again").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("New password again").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 30_000 }).toContain("not this account's username");
    await page.getByLabel("Your username").fill(user.username.toUpperCase());
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 30_000 }).toContain("Your password is changed");

    // The password never left the browser: only the derived key went out.
    const sent = browser.requests.filter((r) => r.url.includes("/v1/auth/password-reset/confirm"));
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).not.toContain(newPassword);
    expect(JSON.parse(sent[1]!.body).newUsernameSealed).toMatch(/^[A-Za-z0-9_-]{80}$/);
    expect(JSON.parse(sent[0]!.body).newKdf.iterations).toBe(600000);

    await expect(
      call("POST /v1/auth/login", { body: { username: user.username, authKey: oldKey, device: newDevice() } }),
    ).rejects.toMatchObject({ status: 401 });
    await expect(signIn(user.username, user.password)).rejects.toMatchObject({ status: 401 });
    const fresh = await signIn(user.username, newPassword);
    expect(fresh.account.emailVerified).toBe(true);
    // Every old device is signed out: tokens dead, slots free, the tunnel session ended and dropped by the gateway.
    for (const token of [user.accessToken, second.accessToken]) {
      await expect(call("GET /v1/me", { token })).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    }
    await expect(call("POST /v1/auth/refresh", { body: { refreshToken: user.refreshToken } })).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
    const devices = await call("GET /v1/devices", { token: fresh.accessToken });
    expect(devices.devices).toHaveLength(1);
    await eventually(async () => {
      const [row] = executeSql<{ ended_at: number | null }>(`SELECT ended_at FROM tunnel_sessions WHERE id = '${tunnel.session.id}'`, {
        persistTo: env.state,
      });
      return row?.ended_at != null;
    }, INTERVAL_MS * 4);
    await waitForMail(env.stack, { to: user.email, subject: "password was changed" });
  });
});

describe("deletion by request", () => {
  it("deletion request → link → confirm in the page → every table and object empty for the account, a last message", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    secrets.add(user.email).add(user.password);
    await call("POST /v1/me/email/verification", { token: user.accessToken });
    await call("POST /v1/auth/deletion-request", { body: { email: user.email } });
    const link = remember(linkIn(await waitForMail(env.stack, { to: user.email, subject: "Confirm the deletion" })));
    const devicesBefore = await objectsWithRecords("DeviceSlots");

    const page = await browser.open(link);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Tick the box");
    await call("GET /v1/me", { token: user.accessToken });
    await page.getByRole("checkbox", { name: /I understand that my account and its data will be deleted/ }).check();
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Your account and all its data are deleted");

    const last = await waitForMail(env.stack, { to: user.email, subject: "Your Cargo VPN account was deleted" });
    expect(last.text).toContain("This is the last message");
    await expect(call("GET /v1/me", { token: user.accessToken })).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    const id = user.accountId.replaceAll("'", "''");
    const [left] = executeSql<Record<string, number>>(
      `SELECT (SELECT COUNT(*) FROM accounts WHERE id = '${id}') AS accounts,
              (SELECT COUNT(*) FROM sign_ins WHERE account_id = '${id}') AS sign_ins,
              (SELECT COUNT(*) FROM refresh_tokens WHERE account_id = '${id}') AS refresh_tokens,
              (SELECT COUNT(*) FROM tunnel_sessions WHERE account_id = '${id}') AS tunnel_sessions,
              (SELECT COUNT(*) FROM telemetry_events WHERE account_id = '${id}') AS telemetry_events,
              (SELECT COUNT(*) FROM email_tokens WHERE account_id = '${id}') AS email_tokens`,
      { persistTo: env.state },
    );
    expect(left).toEqual({ accounts: 0, sign_ins: 0, refresh_tokens: 0, tunnel_sessions: 0, telemetry_events: 0, email_tokens: 0 });
    // The account's device-slot object was the one emptied.
    const devicesAfter = await objectsWithRecords("DeviceSlots");
    expect([...devicesBefore].filter((f) => !devicesAfter.has(f))).toHaveLength(1);
    expect([...devicesAfter].filter((f) => !devicesBefore.has(f))).toHaveLength(0);
  });
});

describe("privacy of email", () => {
  it("no address, password or link token in any stored byte (D1, Durable Objects; local queues live in memory) or worker log line", async () => {
    await env.stack.flushMail();
    expect(secrets.size).toBeGreaterThan(8);
    const stored = await allStoredBytes(env.state);
    const storedUtf8 = Buffer.from(stored, "latin1").toString("utf8");
    expect(stored.length).toBeGreaterThan(10_000);
    const logs = env.stack.worker.logs.join("\n");
    expect(logs).toContain("QUEUE cargo-vpn-email"); // the log really covers the sends
    for (const secret of secrets) {
      expect(stored.includes(secret) || storedUtf8.includes(secret), "storage holds a secret").toBe(false);
      expect(logs.includes(secret), "a log line holds a secret").toBe(false);
    }
    expect(logs).not.toMatch(/@example\.org/);
    // Meanwhile the inbox has every message, as files a person can read.
    const mailbox = await readMailbox(env.stack.mailDir);
    expect(mailbox.length).toBeGreaterThanOrEqual(8);
  });
});
