/**
 * The API bench's cost counters (src/http/request-counts.ts): counted only when
 * DEV_REQUEST_COUNTS is on and the request asks, and then exactly the D1 round
 * trips, Durable Object calls and key imports the hot routes make, so the bench
 * prints what the code does. The figures here are the budget of each hot route:
 * a change that adds a round trip or a per-request key import fails this file.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../src/env";
import { REQUEST_COUNTS_HEADER } from "../src/http/request-counts";
import worker from "../src/index";
import { BASE, provisionGateway, signedIn } from "./client";

async function counted(method: string, path: string, options: { token?: string; body?: unknown; vars?: Partial<Env>; ask?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (options.ask ?? true) headers[REQUEST_COUNTS_HEADER] = "1";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(BASE + path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, DEV_REQUEST_COUNTS: "1", ...options.vars }, ctx);
  await waitOnExecutionContext(ctx);
  const body = await response.json<Record<string, unknown>>();
  return { status: response.status, body, counts: response.headers.get(REQUEST_COUNTS_HEADER) };
}

describe("per-request cost counters", () => {
  it("are absent unless the setting is on and the request asks", async () => {
    const { token } = await signedIn();
    expect((await counted("GET", "/v1/me", { token, vars: { DEV_REQUEST_COUNTS: undefined } })).counts).toBeNull();
    expect((await counted("GET", "/v1/me", { token, ask: false })).counts).toBeNull();
    const asked = await counted("GET", "/v1/me", { token });
    expect(asked.status).toBe(200);
    expect(asked.counts).toMatch(/^d1=\d+, objects=\d+, imports=\d+$/);
  });

  it("count what the hot routes cost", async () => {
    const { user, device, token, refreshToken } = await signedIn();
    const gw = await provisionGateway();
    const opened = await counted("POST", "/v1/tunnel/sessions", { token, body: { locationId: gw.id } });
    expect(opened.status).toBe(201);
    const sessionId = (opened.body.session as { id: string }).id;
    // Warm: the isolate's keys are imported by the calls above.
    expect((await counted("GET", "/v1/health")).counts).toBe("d1=0, objects=0, imports=0");

    const me = await counted("GET", "/v1/me", { token });
    expect(me.status).toBe(200);
    // One query proves the sign-in and reads the account with its billing row; the data key is already open.
    expect(me.counts).toBe("d1=1, objects=0, imports=0");

    const renew = await counted("POST", `/v1/tunnel/sessions/${sessionId}/renew`, { token });
    expect(renew.status).toBe(200);
    // The sign-in and the session in one query.
    expect(renew.counts).toBe("d1=1, objects=0, imports=0");

    const refreshed = await counted("POST", "/v1/auth/refresh", { body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    // Redeem and read in one batch, the slot touched, the next token issued.
    expect(refreshed.counts).toBe("d1=2, objects=1, imports=0");

    // Limits (username and client objects) with the account in one query, the slot claimed, the sign-in written.
    const again = await counted("POST", "/v1/auth/login", { body: { username: user.username, authKey: user.cred.authKey, device } });
    expect(again.status).toBe(200);
    expect(again.counts).toBe("d1=2, objects=3, imports=0");
  });
});
