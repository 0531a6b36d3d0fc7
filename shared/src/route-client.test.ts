import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error";
import { routeClient, routeUrl } from "./route-client";

/** A fetch that records what it was asked and answers one canned Response. */
function fakeFetch(answer: () => Response) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    seen.push({ url: String(url), init });
    return answer();
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

/** The ApiError a call threw; fails the test when it resolved. */
async function thrown(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("routeUrl", () => {
  it("fills the path parameters percent-encoded, drops a trailing slash of the base and sends only defined query values", () => {
    expect(routeUrl("https://api.example/", "POST /v1/tunnel/sessions/{id}/renew", { params: { id: "s/1 x" } })).toBe(
      "https://api.example/v1/tunnel/sessions/s%2F1%20x/renew",
    );
    expect(routeUrl("https://api.example", "GET /v1/usage", { query: { limit: 5, cursor: undefined } })).toBe(
      "https://api.example/v1/usage?limit=5",
    );
    expect(() => routeUrl("https://api.example", "DELETE /v1/devices/{id}")).toThrow(/no value for path parameter id/);
  });
});

describe("routeClient", () => {
  it("sends the route's method, credential and JSON body, and answers the body parsed with the route's schema", async () => {
    const { seen, fetch } = fakeFetch(() =>
      json(200, { credentials: { username: "s1", password: "jwt", expiresAt: "2026-01-01T00:10:00.000Z" }, extra: "dropped" }),
    );
    const api = routeClient({ baseUrl: () => "https://api.example", fetch, headers: { accept: "application/json" } });
    const renewed = await api.call("POST /v1/tunnel/sessions/{id}/renew", { token: "tok", params: { id: "s1" } });
    expect(renewed).toEqual({ credentials: { username: "s1", password: "jwt", expiresAt: "2026-01-01T00:10:00.000Z" } });
    expect(seen[0]!.url).toBe("https://api.example/v1/tunnel/sessions/s1/renew");
    expect(seen[0]!.init).toMatchObject({ method: "POST", headers: { accept: "application/json", authorization: "Bearer tok" } });
    expect(seen[0]!.init.body).toBeUndefined();

    await api.send("PATCH /v1/me", { token: "tok", body: { telemetryOptIn: true } });
    expect(seen[1]!.init).toMatchObject({
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: '{"telemetryOptIn":true}',
    });
  });

  it("turns a problem+json answer into an ApiError with its code, status, Retry-After and the code as written", async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { type: "about:blank", title: "Slow down", status: 429, code: "rate_limited", detail: "Wait." }, { "retry-after": "7" }),
    );
    const failure = await thrown(
      routeClient({ baseUrl: "https://api.example", fetch }).call("POST /v1/auth/prelogin", { body: { username: "alice" } }),
    );
    expect(failure.info).toEqual({ code: "rate_limited", status: 429, retryAfter: 7 });
    expect(failure.problemCode).toBe("rate_limited");

    // A problem with a code this client does not know: `unknown` for people, the code itself for logs.
    const newer = fakeFetch(() => json(409, { type: "about:blank", title: "New", status: 409, code: "brand_new", detail: "…" }));
    const unknown = await thrown(routeClient({ baseUrl: "https://api.example", fetch: newer.fetch }).call("GET /v1/plans"));
    expect(unknown.info).toEqual({ code: "unknown", status: 409 });
    expect(unknown.problemCode).toBe("brand_new");
  });

  it("refuses a success whose body does not match the route's answer schema as bad_response", async () => {
    const { fetch } = fakeFetch(() => json(200, { plans: "not a list" }));
    const failure = await thrown(routeClient({ baseUrl: "https://api.example", fetch }).call("GET /v1/plans"));
    expect(failure.info).toEqual({ code: "bad_response", status: 200 });

    const portal = fakeFetch(() => new Response("<html>captive portal</html>", { status: 200 }));
    const page = await thrown(routeClient({ baseUrl: "https://api.example", fetch: portal.fetch }).call("GET /v1/plans"));
    expect(page.info.code).toBe("bad_response");
  });

  it("answers undefined for a route without an answer body, and network (timedOut when the timeout gave up) when none came", async () => {
    const empty = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(
      routeClient({ baseUrl: "https://api.example", fetch: empty.fetch }).call("POST /v1/auth/logout", { token: "t" }),
    ).resolves.toBe(undefined);

    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason)))) as typeof fetch;
    const timedOut = await thrown(routeClient({ baseUrl: "https://api.example", fetch: hanging, timeoutMs: 10 }).call("GET /v1/plans"));
    expect(timedOut.info).toEqual({ code: "network", status: 0 });
    expect(timedOut.timedOut).toBe(true);

    const refused = ((): Promise<Response> => Promise.reject(new TypeError("fetch failed"))) as typeof fetch;
    const down = await thrown(routeClient({ baseUrl: "https://api.example", fetch: refused }).call("GET /v1/plans"));
    expect(down.info).toEqual({ code: "network", status: 0 });
    expect(down.timedOut).toBe(false);
  });
});
