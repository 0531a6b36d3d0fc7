/**
 * The conformance check (test/openapi-conformance.ts) that every worker test's
 * answers go through: answers the worker really gives pass, and each kind of
 * drift from /openapi.json is caught.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call, signedIn } from "./client";
import { Conformance, type Exchange } from "./openapi-conformance";

let conformance: Conformance;
beforeAll(async () => {
  conformance = new Conformance((await call("GET", "/openapi.json")).body);
});

const json = { "content-type": "application/json" };
const problemJson = { "content-type": "application/problem+json" };
const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: `https://cargovpn.dev/problems/${code}`, title: "t", status, code, detail: "d", ...extra });
const exchange = (e: Partial<Exchange>): Exchange => ({ method: "GET", path: "/v1/health", status: 200, headers: json, body: "", ...e });

describe("conformance check", () => {
  it("passes answers the worker really gives, success and error", async () => {
    const s = await signedIn();
    const answers: [string, string, Parameters<typeof call>[2]][] = [
      ["GET", "/v1/health", {}],
      ["GET", "/v1/me", { token: s.token }],
      ["GET", "/v1/devices", { token: s.token }],
      ["GET", "/v1/me", {}],
      ["PUT", "/v1/me", { token: s.token }],
      ["GET", "/v1/nothing-here", {}],
      ["POST", "/v1/auth/prelogin", { raw: "x", headers: { "content-type": "text/plain" } }],
      ["DELETE", "/v1/devices/unknown-device", { token: s.token }],
    ];
    for (const [method, path, options] of answers) {
      const res = await call(method, path, options);
      const body = typeof res.body === "string" || res.body === null ? (res.body ?? "") : JSON.stringify(res.body);
      const got = { method, path, status: res.status, headers: Object.fromEntries(res.headers), body };
      expect(conformance.check(got), `${method} ${path}`).toEqual([]);
    }
  });

  it("catches a status the operation does not declare", () => {
    expect(conformance.check(exchange({ status: 418, body: problem(418, "internal") })).join()).toContain("not declared");
  });

  it("catches a body that does not match the schema", () => {
    expect(conformance.check(exchange({ body: JSON.stringify({ ok: true }) })).join()).toContain("version");
    expect(conformance.check(exchange({ body: JSON.stringify({ ok: "yes", version: "1" }) })).length).toBeGreaterThan(0);
  });

  it("checks formats: a timestamp that is not date-time", () => {
    const account = {
      id: "a",
      username: "alice",
      usernameSealed: null,
      email: "alice@example.com",
      emailVerified: false,
      createdAt: "yesterday",
      plan: { id: "free", name: "Free", maxDevices: 1 },
      subscription: null,
      notifyNewDevice: true,
      telemetryOptIn: false,
      language: "en",
    };
    const got = conformance.check(exchange({ path: "/v1/me", body: JSON.stringify({ account }) }));
    expect(got.join()).toContain("date-time");
    expect(
      conformance.check(
        exchange({ path: "/v1/me", body: JSON.stringify({ account: { ...account, createdAt: new Date().toISOString() } }) }),
      ),
    ).toEqual([]);
  });

  it("catches a problem code the operation does not list for that status", () => {
    const post = { method: "POST", path: "/v1/accounts", status: 409, headers: problemJson };
    expect(conformance.check(exchange({ ...post, body: problem(409, "username_taken") }))).toEqual([]);
    expect(conformance.check(exchange({ ...post, body: problem(409, "device_limit") })).join()).toContain("allowed values");
    expect(conformance.check(exchange({ ...post, body: problem(409, "no_such_code") })).length).toBeGreaterThan(0);
  });

  it("catches a problem whose status field is not the HTTP status", () => {
    const got = conformance.check(
      exchange({ method: "POST", path: "/v1/accounts", status: 409, headers: problemJson, body: problem(400, "username_taken") }),
    );
    expect(got.join()).toContain("status field");
  });

  it("catches a missing declared header: Retry-After on 429, Allow on 405", () => {
    const limited = { method: "POST", path: "/v1/auth/prelogin", status: 429, body: problem(429, "rate_limited", { retryAfter: 5 }) };
    expect(conformance.check(exchange({ ...limited, headers: { ...problemJson, "retry-after": "5" } }))).toEqual([]);
    expect(conformance.check(exchange({ ...limited, headers: problemJson })).join()).toContain("Retry-After is missing");
    expect(conformance.check(exchange({ ...limited, headers: { ...problemJson, "retry-after": "soon" } })).join()).toContain(
      "not a number",
    );
    const wrongMethod = { method: "PUT", path: "/v1/me", status: 405, body: problem(405, "method_not_allowed") };
    expect(conformance.check(exchange({ ...wrongMethod, headers: { ...problemJson, allow: "DELETE, GET, HEAD, PATCH" } }))).toEqual([]);
    expect(conformance.check(exchange({ ...wrongMethod, headers: problemJson })).join()).toContain("Allow is missing");
  });

  it("catches a content type that is not declared, and a body where none is declared", () => {
    expect(conformance.check(exchange({ headers: { "content-type": "text/plain" }, body: "ok" })).join()).toContain("content type");
    const logout = { method: "POST", path: "/v1/auth/logout", status: 204, headers: {} };
    expect(conformance.check(exchange({ ...logout, body: "" }))).toEqual([]);
    expect(conformance.check(exchange({ ...logout, body: "{}" })).join()).toContain("none is declared");
  });

  it("catches answers to paths and methods the document does not have that are not 404 and 405", () => {
    expect(conformance.check(exchange({ path: "/v1/secret", status: 200, body: "{}" })).join()).toContain("not in the document");
    expect(conformance.check(exchange({ method: "PUT", path: "/v1/me", status: 200, body: "{}" })).join()).toContain("not declared on");
    expect(conformance.check(exchange({ path: "/v1/secret", status: 404, headers: problemJson, body: problem(404, "not_found") }))).toEqual(
      [],
    );
  });
});
