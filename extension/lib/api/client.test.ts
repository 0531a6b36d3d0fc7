import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { createFakeApi } from "../../tests/support/fake-api";
import { ApiError } from "./api-error";
import { createApiClient } from "./client";
import { createTokenStore, type StorageAreas } from "./token-store";
import { toBase64Url } from "@cargo-vpn/shared/base64url";
import { openUsername, sealUsername } from "@cargo-vpn/shared/username-seal";

const AUTH_KEY = "A".repeat(43);
const device = { id: "0f8fad5b-d9cb-469f-a165-70867728950e", kind: "chrome" as const, label: "Chrome on Linux" };

async function setup(options: Parameters<typeof createFakeApi>[0] = {}) {
  const server = createFakeApi(options);
  const tokens = createTokenStore(fakeBrowser.storage as unknown as StorageAreas);
  let signedOut = 0;
  const api = createApiClient({ baseUrl: () => "http://127.0.0.1:8787/", tokens, fetch: server.fetch, onSignedOut: () => signedOut++ });
  await api.register({
    username: "alice",
    email: "alice@example.com",
    authKey: AUTH_KEY,
    kdf: { salt: "AAECAwQFBgcICQoLDA0ODw", iterations: 600000 },
    ageConfirmed: true,
  });
  return { server, tokens, api, signedOut: () => signedOut };
}

beforeEach(() => fakeBrowser.reset());

describe("API client", () => {
  it("sign-in stores tokens: refresh token in storage.local, access token only in storage.session, never the authKey", async () => {
    const { api } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const session = JSON.stringify(await fakeBrowser.storage.session.get(null));
    expect(local).toContain("rt-");
    expect(local).not.toContain("at-");
    expect(session).toContain("at-");
    expect(local + session).not.toContain(AUTH_KEY);
  });

  it("an account the API answers without a readable username shows the name typed at sign-in, across refreshes (issue 18 item 5)", async () => {
    const server = createFakeApi();
    const tokens = createTokenStore(fakeBrowser.storage as unknown as StorageAreas);
    const api = createApiClient({ baseUrl: () => "http://127.0.0.1:8787/", tokens, fetch: server.fetch });
    const usernameKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const usernameSealed = await sealUsername(usernameKey, "bob");
    const kdf = { salt: "AAECAwQFBgcICQoLDA0ODw", iterations: 600000 };
    const account = await api.register({
      username: "bob",
      email: "bob@example.com",
      authKey: AUTH_KEY,
      kdf,
      usernameSealed,
      ageConfirmed: true,
    });
    expect(account.username).toBeNull();
    await api.signIn({ username: "Bob", authKey: AUTH_KEY, usernameSealed, device });
    expect((await tokens.get())?.account).toMatchObject({ username: "bob", usernameSealed });
    server.expireAccessTokens();
    await api.locations();
    expect(server.calls).toContain("POST /v1/auth/refresh");
    expect((await tokens.get())?.account.username).toBe("bob");
    expect(await openUsername(usernameKey, (await tokens.get())!.account.usernameSealed!)).toBe("bob");
  });

  it("refreshes silently on a 401 and retries the call once", async () => {
    const { api, server } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    server.expireAccessTokens();
    const locations = await api.locations();
    expect(locations[0]?.id).toBe("loc-local");
    expect(server.calls.filter((c) => c === "POST /v1/auth/refresh")).toHaveLength(1);
  });

  it("refreshes ahead of expiry without waiting for a 401", async () => {
    const { api, server } = await setup({ accessTtlSeconds: 10 }); // inside the 30 s skew
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    await api.me();
    expect(server.calls).toContain("POST /v1/auth/refresh");
    expect(server.calls.filter((c) => c === "GET /v1/me")).toHaveLength(1);
  });

  it("concurrent calls share one refresh (a rotated refresh token must not be reused: that revokes the chain)", async () => {
    const { api, server } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    server.expireAccessTokens();
    await Promise.all([api.me(), api.locations(), api.devices()]);
    expect(server.calls.filter((c) => c === "POST /v1/auth/refresh")).toHaveLength(1);
  });

  it("a refresh the API refuses signs out: tokens dropped, onSignedOut called, unauthorized thrown", async () => {
    const { api, server, tokens, signedOut } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    for (const r of server.refresh.values()) r.used = true;
    server.expireAccessTokens();
    await expect(api.me()).rejects.toMatchObject({ info: { code: "unauthorized", status: 401 } });
    expect(await tokens.get()).toBeNull();
    expect(signedOut()).toBe(1);
  });

  it("after a browser restart (no access token in storage.session) the first call refreshes", async () => {
    const { api, server } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    await fakeBrowser.storage.session.clear();
    const fresh = createApiClient({
      baseUrl: () => "http://127.0.0.1:8787",
      tokens: createTokenStore(fakeBrowser.storage as unknown as StorageAreas),
      fetch: server.fetch,
    });
    expect((await fresh.me()).username).toBe("alice");
    expect(server.calls.at(-2)).toBe("POST /v1/auth/refresh");
  });

  it("problem+json answers become ApiError with the code and extra fields", async () => {
    const { api } = await setup();
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    const error = await api
      .signIn({ username: "alice", authKey: AUTH_KEY, device: { ...device, id: "another-device-id" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).info).toMatchObject({ code: "device_limit", status: 409, maxDevices: 1 });
    // By handle and label: the device id is never listed (issue 20 item 4).
    expect((error as ApiError).info.devices?.[0]).toMatchObject({ handle: expect.any(String), label: device.label });
    expect(JSON.stringify((error as ApiError).info)).not.toContain(device.id);
  });

  it("sends the device secret with every refresh: a slot taken before device secrets is bound by it (issue 20 item 4)", async () => {
    const { server, tokens } = await setup({ maxDevices: 1 });
    const secret = toBase64Url(new Uint8Array(32).fill(7));
    const api = createApiClient({
      baseUrl: () => "http://127.0.0.1:8787",
      tokens,
      fetch: server.fetch,
      deviceSecret: async () => secret,
    });
    // An older version signed in without a secret: its slot is unbound, so a sign-in could not reuse it.
    await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
    server.expireAccessTokens();
    await api.me();
    expect(server.calls.at(-2)).toBe("POST /v1/auth/refresh");
    // Bound by that refresh: signing in again with the secret keeps the one slot (else device_limit on this plan).
    const again = await api.signIn({ username: "alice", authKey: AUTH_KEY, device: { ...device, secret } });
    expect(again.deviceId).toBe(device.id);
    expect(server.accounts.get("alice")!.devices.map((d) => d.id)).toEqual([device.id]);
  });

  it("an unreachable API is a 'network' error", async () => {
    const api = createApiClient({
      baseUrl: () => "http://127.0.0.1:1",
      tokens: createTokenStore(fakeBrowser.storage as unknown as StorageAreas),
      fetch: async () => Promise.reject(new TypeError("Failed to fetch")),
    });
    await expect(api.prelogin("alice")).rejects.toMatchObject({ info: { code: "network", status: 0 } });
  });

  it("Retry-After on rate_limited is kept", async () => {
    const api = createApiClient({
      baseUrl: () => "http://x",
      tokens: createTokenStore(fakeBrowser.storage as unknown as StorageAreas),
      fetch: async () =>
        new Response(JSON.stringify({ code: "rate_limited", status: 429 }), { status: 429, headers: { "retry-after": "30" } }),
    });
    await expect(api.prelogin("alice")).rejects.toMatchObject({ info: { code: "rate_limited", retryAfter: 30 } });
  });

  describe("answers are parsed with the shared schemas", () => {
    /** The fake API, with the answer to one route swapped for another body. */
    function tamper(server: ReturnType<typeof createFakeApi>, path: string, body: string, status = 200): typeof fetch {
      return async (input, init) => {
        if (new URL(String(input)).pathname !== path) return server.fetch(input, init);
        return new Response(body, { status, headers: { "content-type": "application/json" } });
      };
    }
    const clientWith = (fetchImpl: typeof fetch) =>
      createApiClient({
        baseUrl: () => "http://127.0.0.1:8787",
        tokens: createTokenStore(fakeBrowser.storage as unknown as StorageAreas),
        fetch: fetchImpl,
      });

    it("an answer missing a field the contract requires is ApiError bad_response, not a half-read object", async () => {
      const { api, server } = await setup();
      await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
      const broken = clientWith(tamper(server, "/v1/locations", JSON.stringify({ locations: [{ id: "loc-local", name: "Local" }] })));
      const error = await broken.locations().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).info).toEqual({ code: "bad_response", status: 200 });
      // The same route, answered as the contract says, still works.
      expect((await api.locations())[0]).toEqual({
        id: "loc-local",
        name: "Local",
        country: "DE",
        load: 0.25,
        online: true,
        pingUrl: expect.stringMatching(/\/ping$/),
      });
    });

    it("a page that is not JSON at all (a captive portal) is bad_response too", async () => {
      const { server } = await setup();
      const broken = clientWith(tamper(server, "/v1/auth/prelogin", "<html>Sign in to the Wi-Fi</html>"));
      await expect(broken.prelogin("alice")).rejects.toMatchObject({ info: { code: "bad_response", status: 200 } });
    });

    it("a malformed sign-in answer stores nothing: no tokens, no account", async () => {
      const { server } = await setup();
      const broken = clientWith(
        tamper(server, "/v1/auth/login", JSON.stringify({ tokenType: "Bearer", accessToken: "at-x", expiresIn: "soon" })),
      );
      await expect(broken.signIn({ username: "alice", authKey: AUTH_KEY, device })).rejects.toMatchObject({
        info: { code: "bad_response" },
      });
      expect(await fakeBrowser.storage.local.get(null)).toEqual({});
      expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    });

    it("a malformed refresh answer keeps the sign-in (it may be the network's fault) and reports bad_response", async () => {
      const { api, server, tokens, signedOut } = await setup();
      await api.signIn({ username: "alice", authKey: AUTH_KEY, device });
      server.expireAccessTokens();
      const stored = await tokens.get();
      const broken = createApiClient({
        baseUrl: () => "http://127.0.0.1:8787",
        tokens,
        fetch: tamper(server, "/v1/auth/refresh", JSON.stringify({ accessToken: 42 })),
      });
      await expect(broken.me()).rejects.toMatchObject({ info: { code: "bad_response" } });
      expect(await tokens.get()).toEqual(stored);
      expect(signedOut()).toBe(0);
    });

    it("device_limit's device list is parsed too: a malformed one is left out, the code stays", async () => {
      const { server } = await setup();
      const problem = { type: "x", title: "x", status: 409, code: "device_limit", detail: "x", devices: [{ id: 7 }], maxDevices: 1 };
      const broken = clientWith(tamper(server, "/v1/auth/login", JSON.stringify(problem), 409));
      const error = (await broken.signIn({ username: "alice", authKey: AUTH_KEY, device }).catch((e: unknown) => e)) as ApiError;
      expect(error.info).toEqual({ code: "device_limit", status: 409 });
    });

    it("an error code this client does not know reads as unknown (it still gets a sentence)", async () => {
      const { server } = await setup();
      const broken = clientWith(tamper(server, "/v1/auth/prelogin", JSON.stringify({ code: "brand_new_code", status: 418 }), 418));
      await expect(broken.prelogin("alice")).rejects.toMatchObject({ info: { code: "unknown", status: 418 } });
    });
  });
});
