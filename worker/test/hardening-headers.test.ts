/**
 * Response headers on every answer (no-store, nosniff, HSTS over https only)
 * and 405 method_not_allowed with an Allow header derived from the routes the
 * app registered.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HSTS_MAX_AGE_SECONDS } from "../src/constants";
import { createApp } from "../src/app";
import { call, signIn, newDevice, register, signedIn } from "./client";

function expectPrivate(res: { headers: Headers }) {
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("response headers", () => {
  it("answers carrying tokens or personal data are no-store and nosniff, errors too", async () => {
    const user = await register();
    const firstSignIn = await signIn(user, newDevice());
    expect(firstSignIn.status).toBe(200);
    expectPrivate(firstSignIn);
    const token = firstSignIn.body.accessToken as string;
    const refreshed = await call("POST", "/v1/auth/refresh", { body: { refreshToken: firstSignIn.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expectPrivate(refreshed);
    for (const path of ["/v1/me", "/v1/me/export", "/v1/devices", "/v1/usage", "/v1/locations"]) {
      const res = await call("GET", path, { token: refreshed.body.accessToken });
      expect(res.status, path).toBe(200);
      expectPrivate(res);
    }
    expect(token).not.toBe(refreshed.body.accessToken);
    for (const res of [
      await call("GET", "/v1/me"),
      await call("GET", "/v1/nothing-here"),
      await call("POST", "/v1/auth/prelogin", { raw: "{", headers: { "content-type": "application/json" } }),
      await call("DELETE", "/v1/health"),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectPrivate(res);
    }
  });

  it("public documents keep their own caching but are nosniff", async () => {
    const jwks = await call("GET", "/.well-known/jwks.json");
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=300");
    expect(jwks.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("Strict-Transport-Security on https requests only", async () => {
    const fetchWorker = (url: string) => (exports as any).default.fetch(new Request(url)) as Promise<Response>;
    for (const path of ["/v1/health", "/v1/nothing-here"]) {
      const secure = await fetchWorker(`https://api.cargo.test${path}`);
      expect(secure.headers.get("strict-transport-security")).toBe(`max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
      const plain = await fetchWorker(`http://api.cargo.test${path}`);
      expect(plain.headers.get("strict-transport-security")).toBeNull();
    }
  });
});

describe("405 method_not_allowed", () => {
  it("a wrong method on a known path answers 405 with Allow, for every registered route", async () => {
    const s = await signedIn();
    const methodsByPath = new Map<string, Set<string>>();
    for (const route of createApp().routes) {
      if (route.method === "ALL") continue;
      const path = route.path.replace(/:(\w+)/g, "x-$1");
      const set = methodsByPath.get(path) ?? new Set<string>();
      set.add(route.method.toUpperCase());
      methodsByPath.set(path, set);
    }
    expect(methodsByPath.size).toBeGreaterThan(15);
    for (const [path, methods] of methodsByPath) {
      if (methods.has("GET")) methods.add("HEAD");
      const expected = [...methods].sort().join(", ");
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => !methods.has(m))) {
        const res = await call(method, path, { token: s.token });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.body.code).toBe("method_not_allowed");
        expect(res.headers.get("allow"), `${method} ${path}`).toBe(expected);
      }
    }
  });

  it("known examples, and unknown paths stay 404", async () => {
    expect((await call("GET", "/v1/auth/login")).headers.get("allow")).toBe("POST");
    expect((await call("PUT", "/v1/me")).headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH");
    expect((await call("GET", "/v1/devices/some-device")).headers.get("allow")).toBe("DELETE, PATCH");
    const unknown = await call("DELETE", "/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("not_found");
    expect(unknown.headers.get("allow")).toBeNull();
  });
});
