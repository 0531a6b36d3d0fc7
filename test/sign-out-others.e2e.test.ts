/**
 * "End every other sign-in" (issue 18, item 4) on the real stack: another
 * device's tunnel is refused by the gateway (407 on its proxy credential, its
 * open CONNECT tunnel cut) within one heartbeat of the call, first through
 * the popup in Chromium, then measured over several rounds through the API.
 */
import { describe, expect, it } from "vitest";
import { executeSql } from "@cargo-vpn/stack/wrangler";
import { apiClient, authKeyFor, basicAuth, signUpAndIn } from "@cargo-vpn/testkit/api-client";
import { startOrigin, type Origin } from "@cargo-vpn/testkit/origin";
import { openView, signIn } from "@cargo-vpn/testkit/popup-flows";
import { openTunnel, proxiedRequest } from "@cargo-vpn/testkit/proxy-client";
import { afterAll, beforeAll } from "vitest";
import { useStackInChromium } from "./harness/local-stack.ts";

/** The gateway's heartbeat period here: a refusal must come within one of it (plus the beat's own round trip). */
const HEARTBEAT_MS = 1000;
const ROUNDS = 5;

const env = useStackInChromium("sign-out-others", { allowLoopback: true, gatewayIntervalMs: HEARTBEAT_MS });
const call = apiClient(() => env.stack.apiUrl);
let origin: Origin;
beforeAll(async () => {
  origin = await startOrigin();
});
afterAll(async () => {
  await origin?.close();
});

/** A device of `user` with an open tunnel session whose credential the gateway accepts now. */
async function deviceWithTunnel(user: { username: string; password: string }) {
  const device = { id: crypto.randomUUID(), kind: "api" as const, label: "the other device" };
  const signedIn = await call("POST /v1/auth/login", {
    body: { username: user.username, authKey: await authKeyFor(env.stack.apiUrl, user.username, user.password), device },
  });
  const opened = await call("POST /v1/tunnel/sessions", { token: signedIn.accessToken, body: { locationId: env.stack.gatewayId } });
  const auth = basicAuth(opened.credentials);
  const url = `http://127.0.0.1:${origin.port}/bytes/100`;
  expect((await proxiedRequest({ port: env.stack.proxy.port, auth, url })).status).toBe(200);
  const tunnel = await openTunnel({ port: env.stack.proxy.port, auth, target: `127.0.0.1:${origin.port}` });
  const cut = new Promise<number>((resolve) => tunnel.socket.once("close", () => resolve(Date.now())));
  tunnel.socket.resume();
  return { signedIn, auth, url, cut };
}

/**
 * Milliseconds from `since` until the gateway answers 407 to `auth`, polling every 20 ms. A request in
 * flight when the gateway drops the session is cut ("socket hang up"): not an answer yet, the next one is.
 */
async function refusedAfter(since: number, auth: string, url: string, timeoutMs = 10 * HEARTBEAT_MS): Promise<number> {
  for (;;) {
    const status = await proxiedRequest({ port: env.stack.proxy.port, auth, url }).then(
      (answer) => answer.status,
      () => "cut" as const,
    );
    if (status === 407) return Date.now() - since;
    if (Date.now() - since > timeoutMs) throw new Error(`the credential still worked ${timeoutMs} ms after signing out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("end every other sign-in", () => {
  it("from the popup: the other device's credential is refused and its tunnel cut within one heartbeat", async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    executeSql(`UPDATE accounts SET plan_id = 'plus' WHERE id = '${user.accountId.replaceAll("'", "''")}'`, { persistTo: env.state });
    const popup = await env.browser.openPopup();
    await signIn(popup, user);
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
    const other = await deviceWithTunnel(user);

    await openView(popup, "Devices");
    await popup.getByRole("button", { name: "End every other sign-in" }).click();
    const clicked = Date.now();
    // The API script's first sign-in and the one with the tunnel: both ended.
    await popup.getByText("Other devices signed out: 2.").waitFor({ timeout: 20_000 });
    const refused = await refusedAfter(clicked, other.auth, other.url);
    const cut = (await other.cut) - clicked;
    console.log(`[sign-out-others popup] 407 after ${refused} ms, tunnel cut after ${cut} ms (heartbeat ${HEARTBEAT_MS} ms)`);
    expect(refused).toBeLessThan(2 * HEARTBEAT_MS);
    expect(cut).toBeLessThan(2 * HEARTBEAT_MS);
    await expect(call("POST /v1/auth/refresh", { body: { refreshToken: other.signedIn.refreshToken } })).rejects.toMatchObject({
      status: 401,
    });
    // The popup's own device stays signed in.
    await popup.reload();
    await popup.getByRole("switch", { name: "VPN" }).waitFor({ timeout: 30_000 });
  });

  it(`measured over ${ROUNDS} rounds through the API: refused within one heartbeat of the answer`, async () => {
    const user = await signUpAndIn(env.stack.apiUrl);
    executeSql(`UPDATE accounts SET plan_id = 'plus' WHERE id = '${user.accountId.replaceAll("'", "''")}'`, { persistTo: env.state });
    const rows: { round: number; refusedMs: number; cutMs: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const keeper = await call("POST /v1/auth/login", {
        body: {
          username: user.username,
          authKey: await authKeyFor(env.stack.apiUrl, user.username, user.password),
          device: { id: crypto.randomUUID(), kind: "api", label: "keeper" },
        },
      });
      const other = await deviceWithTunnel(user);
      const answer = await call("POST /v1/me/sign-out-others", { token: keeper.accessToken });
      const answeredAt = Date.now();
      expect(answer.signedOut).toBeGreaterThanOrEqual(1);
      const refusedMs = await refusedAfter(answeredAt, other.auth, other.url);
      rows.push({ round, refusedMs, cutMs: (await other.cut) - answeredAt });
    }
    console.table(rows);
    const sorted = rows.map((r) => r.refusedMs).sort((a, b) => a - b);
    console.log(
      `[sign-out-others] heartbeat ${HEARTBEAT_MS} ms: 407 after min ${sorted[0]} / median ${sorted[Math.floor(ROUNDS / 2)]} / max ${sorted.at(-1)} ms`,
    );
    for (const row of rows) {
      expect(row.refusedMs).toBeLessThan(2 * HEARTBEAT_MS);
      expect(row.cutMs).toBeLessThan(2 * HEARTBEAT_MS);
    }
  });
});
