import http from "node:http";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { ApiAnswerMismatch, ApiFailure, apiClient, request } from "./typed-api.ts";

/** A tiny API: each "METHOD path" answers a fixed status and body; every request is recorded. */
interface Canned {
  status: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
}
const canned = new Map<string, Canned>();
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    const answer = canned.get(`${req.method} ${new URL(req.url!, "http://x").pathname}`) ?? { status: 404, body: null };
    const text = answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
    res.writeHead(answer.status, text ? { "content-type": answer.contentType ?? "application/json" } : {});
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const account = {
  id: "acc_1",
  username: "alice",
  usernameSealed: null,
  email: "alice@example.org",
  emailVerified: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  plan: { id: "free", name: "Free", maxDevices: 1 },
  subscription: null,
  notifyNewDevice: true,
  telemetryOptIn: false,
  language: "en",
};
const device = {
  id: "dev-1234",
  kind: "chrome",
  label: "Chrome",
  registeredAt: "2026-01-01T00:00:00.000Z",
  lastSeenAt: "2026-01-01T00:00:00.000Z",
  lastActiveOn: "2026-01-01",
  current: false,
};

describe("request", () => {
  it("sends the route's method, filled path, query, body and token, and answers the parsed, typed body", async () => {
    canned.set("POST /v1/tunnel/sessions/s%2F1/renew", {
      status: 200,
      body: { credentials: { username: "s/1", password: "jwt", expiresAt: "2026-01-01T00:10:00.000Z" }, extra: "dropped" },
    });
    const renewed = await request(base, "POST /v1/tunnel/sessions/{id}/renew", { token: "tok", params: { id: "s/1" } });
    expectTypeOf(renewed.credentials.password).toEqualTypeOf<string>();
    // Parsed with the contract's schema: fields it does not name are gone.
    expect(renewed).toEqual({ credentials: { username: "s/1", password: "jwt", expiresAt: "2026-01-01T00:10:00.000Z" } });
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/v1/tunnel/sessions/s%2F1/renew", body: "" });
    expect(seen.at(-1)!.headers.authorization).toBe("Bearer tok");

    canned.set("PATCH /v1/me", { status: 200, body: { account } });
    const call = apiClient(() => base);
    const patched = await call("PATCH /v1/me", { token: "tok", body: { telemetryOptIn: true } });
    expect(patched.account.username).toBe("alice");
    expect(seen.at(-1)).toMatchObject({ method: "PATCH", url: "/v1/me", body: '{"telemetryOptIn":true}' });
    expect(seen.at(-1)!.headers["content-type"]).toBe("application/json");

    canned.set("GET /v1/usage", {
      status: 200,
      body: { sessions: [], totals: { sessions: 0, bytesUp: 0, bytesDown: 0 }, nextCursor: null },
    });
    expect((await call("GET /v1/usage", { token: "tok", query: { limit: 5, cursor: undefined } })).nextCursor).toBeNull();
    expect(seen.at(-1)!.url).toBe("/v1/usage?limit=5");
  });

  it("answers undefined for a route without an answer body, and refuses a body there", async () => {
    canned.set("POST /v1/auth/logout", { status: 204 });
    expect(await request(base, "POST /v1/auth/logout", { token: "tok" })).toBeUndefined();
    canned.set("POST /v1/auth/password-reset", { status: 202, body: { surprise: true } });
    await expect(request(base, "POST /v1/auth/password-reset", { body: { email: "a@example.org" } })).rejects.toThrow(
      "POST /v1/auth/password-reset answered 202 with a body that does not match its schema: expected no body",
    );
  });

  it("throws an ApiAnswerMismatch naming the route and the field when the success body does not match the schema", async () => {
    canned.set("GET /v1/me", { status: 200, body: { account: { ...account, emailVerified: "no" } } });
    const failure = request(base, "GET /v1/me", { token: "tok" });
    await expect(failure).rejects.toBeInstanceOf(ApiAnswerMismatch);
    await expect(failure).rejects.toThrow(
      /^GET \/v1\/me answered 200 with a body that does not match its schema: account\.emailVerified: /,
    );

    canned.set("GET /v1/plans", { status: 200, raw: "<html>", contentType: "text/html" });
    await expect(request(base, "GET /v1/plans")).rejects.toThrow(
      "GET /v1/plans answered 200 with a body that does not match its schema: not JSON",
    );
  });

  it("throws an ApiFailure with the status, the problem code and the problem on any other status", async () => {
    const problem = {
      type: "https://cargovpn.dev/problems/device_limit",
      title: "Device limit reached",
      status: 409,
      code: "device_limit",
      detail: "Every slot is in use.",
      devices: [
        { handle: "h-1234", kind: "chrome", label: "Chrome", registeredAt: device.registeredAt, lastActiveOn: device.lastActiveOn },
      ],
      maxDevices: 1,
    };
    canned.set("POST /v1/auth/login", { status: 409, body: problem, contentType: "application/problem+json" });
    const body = { username: "alice", authKey: "k", device: { id: "dev-5678", kind: "api" as const, label: "script" } };
    const refused = request(base, "POST /v1/auth/login", { body });
    await expect(refused).rejects.toMatchObject({ status: 409, code: "device_limit" });
    const failure = await refused.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).problem?.devices?.[0]?.label).toBe("Chrome");
    expect((failure as ApiFailure).message).toBe("POST /v1/auth/login answered 409 device_limit: Every slot is in use. (expected 200)");

    // A success status other than the route's is a failure too, and a body that is not a problem has no code.
    canned.set("POST /v1/accounts", { status: 200, body: { account } });
    await expect(
      request(base, "POST /v1/accounts", {
        body: { username: "alice", email: "a@example.org", authKey: "k", kdf: { salt: "s", iterations: 1 }, ageConfirmed: true },
      }),
    ).rejects.toMatchObject({ status: 200, expectedStatus: 201, code: undefined, problem: undefined });
  });

  it("types what each route takes", () => {
    // Only type-checked (tsc over this package): each line is an error the compiler must report.
    const typeErrors = () => {
      // @ts-expect-error a bearer route needs a token
      void request(base, "GET /v1/me");
      // @ts-expect-error a path parameter is required
      void request(base, "POST /v1/tunnel/sessions/{id}/end", { token: "t" });
      // @ts-expect-error the body is required
      void request(base, "POST /v1/tunnel/sessions", { token: "t" });
      // @ts-expect-error a field the request does not have
      void request(base, "POST /v1/tunnel/sessions", { token: "t", body: { location: "x" } });
      // @ts-expect-error not a route
      void request(base, "GET /v1/nothing");
      // @ts-expect-error a route without a credential takes no token
      void request(base, "GET /v1/plans", { token: "t" });
    };
    expect(typeof typeErrors).toBe("function");
  });
});
