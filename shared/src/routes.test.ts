import { describe, expect, expectTypeOf, it } from "vitest";
import {
  fillPath,
  pathParamNames,
  ROUTE_LIST,
  ROUTES,
  type RouteAnswer,
  type RouteBody,
  type RouteKey,
  type RouteParamName,
  type RouteParams,
  type RouteQuery,
  routeKey,
} from "./routes";
import type { AccountResponse, PatchMeRequest, RenewResponse, SignInRequest, StartSessionResponse, TokenResponse } from "./schemas";

// What the table says about each route against the worker is proven in worker/test/route-table.test.ts;
// these check the table's own consistency and the types clients get from it.
describe("the route table", () => {
  it("has one entry per method and path, each found under its key", () => {
    const keys = ROUTE_LIST.map(routeKey);
    expect(new Set(keys).size).toBe(ROUTE_LIST.length);
    for (const route of ROUTE_LIST) expect(ROUTES[routeKey(route) as RouteKey]).toBe(route);
  });

  it("gives a body schema to no GET and an answer schema to no 204", () => {
    for (const route of ROUTE_LIST) {
      if (route.method === "GET") expect(route.request, routeKey(route)).toBeNull();
      if (route.status === 204) expect(route.answer, routeKey(route)).toBeNull();
      expect(route.status, routeKey(route)).toBeGreaterThanOrEqual(200);
      expect(route.status, routeKey(route)).toBeLessThan(300);
    }
  });

  it("parses answers and keeps z.input for requests", () => {
    const renewed = ROUTES["POST /v1/tunnel/sessions/{id}/renew"].answer.parse({
      credentials: { username: "s1", password: "p", expiresAt: "2026-01-01T00:00:00.000Z" },
    });
    expect(renewed.credentials.username).toBe("s1");
    expect(ROUTES["POST /v1/tunnel/sessions/{id}/renew"].answer.safeParse({ credentials: {} }).success).toBe(false);
    // The request schema normalises what a client sends (the username is lower-cased).
    expect(ROUTES["POST /v1/auth/prelogin"].request.parse({ username: "Alice" })).toEqual({ username: "alice" });
  });

  it("types keys, path parameters, bodies, queries and answers", () => {
    expectTypeOf<"POST /v1/auth/login">().toMatchTypeOf<RouteKey>();
    expectTypeOf<RouteParams<"POST /v1/tunnel/sessions/{id}/renew">>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<RouteParamName<"GET /v1/me">>().toEqualTypeOf<never>();
    expectTypeOf<RouteBody<"POST /v1/auth/login">>().toEqualTypeOf<SignInRequest>();
    expectTypeOf<RouteBody<"PATCH /v1/me">>().toEqualTypeOf<PatchMeRequest>();
    expectTypeOf<RouteBody<"GET /v1/me">>().toEqualTypeOf<undefined>();
    expectTypeOf<RouteAnswer<"POST /v1/auth/login">>().toEqualTypeOf<TokenResponse>();
    expectTypeOf<RouteAnswer<"GET /v1/me">>().toEqualTypeOf<AccountResponse>();
    expectTypeOf<RouteAnswer<"POST /v1/tunnel/sessions">>().toEqualTypeOf<StartSessionResponse>();
    expectTypeOf<RouteAnswer<"POST /v1/tunnel/sessions/{id}/renew">>().toEqualTypeOf<RenewResponse>();
    expectTypeOf<RouteAnswer<"POST /v1/auth/logout">>().toEqualTypeOf<undefined>();
    expectTypeOf<RouteQuery<"GET /v1/usage">>().toEqualTypeOf<{ limit?: unknown; cursor?: string | undefined }>();
    expectTypeOf<RouteQuery<"GET /v1/me">>().toEqualTypeOf<undefined>();
  });
});

describe("fillPath", () => {
  it("fills and percent-encodes each parameter", () => {
    expect(pathParamNames("/v1/tunnel/sessions/{id}/renew")).toEqual(["id"]);
    expect(fillPath("/v1/tunnel/sessions/{id}/renew", { id: "a/b c" })).toBe("/v1/tunnel/sessions/a%2Fb%20c/renew");
    expect(fillPath("/v1/me")).toBe("/v1/me");
  });

  it("throws when a parameter has no value", () => {
    expect(() => fillPath("/v1/devices/{id}", {})).toThrow("no value for path parameter id");
  });
});
