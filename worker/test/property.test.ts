/**
 * Random JSON, strings and numbers at every route: the answer is a 2xx or a
 * problem+json 4xx, never a 5xx, and a 4xx stores nothing.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, provisionGateway, signedIn } from "./client";

async function fingerprint(): Promise<string> {
  const tables = ["accounts", "sign_ins", "refresh_tokens", "tunnel_sessions", "telemetry_events", "gateways"];
  const rows = await Promise.all(
    tables.map((t) => env.DB.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(rowid AS TEXT))), 0) AS s FROM ${t}`).first()),
  );
  const bytes = await env.DB.prepare("SELECT COALESCE(SUM(bytes_up + bytes_down), 0) AS b FROM tunnel_sessions").first();
  const flags = await env.DB.prepare("SELECT COALESCE(SUM(telemetry_opt_in), 0) AS t, GROUP_CONCAT(plan_id) AS p FROM accounts").first();
  return JSON.stringify([rows, bytes, flags]);
}

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 80, unit: "binary" }),
  fc.double(),
  fc.integer(),
  fc.dictionary(
    fc.constantFrom(
      "username",
      "email",
      "authKey",
      "kdf",
      "device",
      "ageConfirmed",
      "refreshToken",
      "telemetryOptIn",
      "locationId",
      "events",
      "batchId",
      "reports",
      "activeSessions",
      "load",
      "sessions",
      "replaceDevice",
      "deviceSecret",
      "__proto__",
      "constructor",
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

describe("fuzzed requests", () => {
  it("never answer 5xx and never store on 4xx", async () => {
    const gw = await provisionGateway();
    const s = await signedIn();
    const routes: [string, string, Record<string, string>][] = [
      ["POST", "/v1/auth/prelogin", {}],
      ["POST", "/v1/accounts", {}],
      ["POST", "/v1/auth/login", {}],
      ["POST", "/v1/auth/refresh", {}],
      ["PATCH", "/v1/me", { authorization: `Bearer ${s.token}` }],
      ["DELETE", "/v1/me", { authorization: `Bearer ${s.token}` }],
      ["POST", "/v1/tunnel/sessions", { authorization: `Bearer ${s.token}` }],
      ["POST", "/v1/telemetry", { authorization: `Bearer ${s.token}` }],
      ["POST", "/v1/gateway/heartbeat", gw.auth],
      ["POST", "/v1/gateway/usage", gw.auth],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), jsonValue, fc.boolean(), async ([method, path, headers], body, asText) => {
        const before = await fingerprint();
        const res = await call(method, path, {
          headers: { ...headers, "content-type": "application/json", "cf-connecting-ip": "192.0.2.77" },
          raw: asText && typeof body === "string" ? body : JSON.stringify(body),
        });
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type")).toBe("application/problem+json");
          expect(res.body.status).toBe(res.status);
          if (res.status !== 429) expect(await fingerprint()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
    // 300 requests, each between two dumps of D1 and the Durable Objects: seconds on an idle machine, minutes
    // on a loaded 2-core one. A limit on liveness, not on speed (the default 30 s failed under load).
  }, 300_000);

  it("random paths, ids and queries never answer 5xx", async () => {
    const s = await signedIn();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/v1/devices/", "/v1/tunnel/sessions/", "/v1/usage?cursor=", "/v1/usage?limit=", "/v1/"),
        fc.string({ maxLength: 60 }),
        fc.constantFrom("GET", "POST", "DELETE", "PUT"),
        async (prefix, tail, method) => {
          const path = prefix + encodeURIComponent(tail) + (prefix.includes("sessions") ? "/renew" : "");
          const res = await call(method, path, { token: s.token });
          expect(res.status, `${method} ${path}`).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
        },
      ),
      { numRuns: 200 },
    );
  });
});
