import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { StorageArea } from "../api/token-store";
import {
  ProxyAuthAnswerer,
  registerChromeAuthListener,
  registerFirefoxAuthListener,
  type AuthAnswer,
  type AuthChallenge,
} from "./proxy-auth";
import { GatewaySessionEnds } from "../proxy/gateway-session-end";

const proxy = { scheme: "https" as const, host: "gw.example", port: 8443 };
const creds = (password: string) => ({ username: "sess-1", password, expiresAt: "2030-01-01T00:00:00Z" });
const challenge = (requestId: string, extra: Partial<AuthChallenge> = {}): AuthChallenge => ({
  requestId,
  isProxy: true,
  challenger: { host: "gw.example", port: 8443 },
  ...extra,
});
const session = () => fakeBrowser.storage.session as unknown as StorageArea;

beforeEach(() => fakeBrowser.reset());

/** A GatewaySessionEnds whose requests are recorded, answered when `answer()` is called. */
function recordedEnds() {
  const sent: Array<{ url: string; authorization: string }> = [];
  const waiting: Array<() => void> = [];
  const ends = new GatewaySessionEnds(async (url, init) => {
    sent.push({ url: String(url), authorization: new Headers(init?.headers).get("authorization")! });
    await new Promise<void>((resolve) => waiting.push(resolve));
    return new Response(null, { status: 204 });
  });
  return {
    ends,
    sent,
    answer: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}
const basic = (username: string, password: string) => `Basic ${btoa(`${username}:${password}`)}`;

describe("ProxyAuthAnswerer tells gateways which sessions are over (the browser keeps their credentials)", () => {
  it("leaving the tunnel ends its session at its gateway, with the session's own credential", async () => {
    const { ends, sent, answer } = recordedEnds();
    const auth = new ProxyAuthAnswerer(session(), undefined, ends);
    await auth.set(proxy, creds("p1"));
    expect(sent).toEqual([]);
    await auth.clear();
    expect(sent).toEqual([{ url: "https://gw.example:8443/session/end", authorization: basic("sess-1", "p1") }]);
    answer();
    await ends.settled();
  });

  it("a renewal keeps the session; a new session ends the old one first and waits for the gateway's answer", async () => {
    const { ends, sent, answer } = recordedEnds();
    const auth = new ProxyAuthAnswerer(session(), undefined, ends);
    await auth.set(proxy, creds("p1"));
    await auth.set(proxy, creds("p2"));
    expect(sent).toEqual([]);
    let applied = false;
    const next = auth.set(proxy, { username: "sess-9", password: "n1", expiresAt: "2030-01-01T00:00:00Z" }).then(() => (applied = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([{ url: "https://gw.example:8443/session/end", authorization: basic("sess-1", "p2") }]);
    // The next tunnel is applied only once the old session's gateway has answered.
    expect(applied).toBe(false);
    answer();
    await next;
    expect(applied).toBe(true);
  });

  it("a site rule's session that goes away is ended at its gateway; one that stays is not", async () => {
    const { ends, sent, answer } = recordedEnds();
    const auth = new ProxyAuthAnswerer(session(), undefined, ends);
    const site = (host: string, username: string) => ({
      proxy: { scheme: "http" as const, host, port: 8080 },
      credentials: { username, password: `pw-${username}`, expiresAt: "2030-01-01T00:00:00Z" },
    });
    await auth.setSites([site("a.example", "s-a"), site("b.example", "s-b")]);
    const replaced = auth.setSites([site("a.example", "s-a")]);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([{ url: "http://b.example:8080/session/end", authorization: basic("s-b", "pw-s-b") }]);
    answer();
    await replaced;
  });

  it("a gateway that never answers holds the next tunnel no longer than the timeout", async () => {
    const ends = new GatewaySessionEnds(
      (_url, init) => new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
      100,
    );
    const auth = new ProxyAuthAnswerer(session(), undefined, ends);
    await auth.set(proxy, creds("p1"));
    const started = Date.now();
    await auth.set(proxy, { username: "sess-2", password: "x", expiresAt: "2030-01-01T00:00:00Z" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("ProxyAuthAnswerer", () => {
  it("answers each gateway with its own credential: a site gateway's, else the main one's, also after a cold start", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("main"));
    const site = { scheme: "http" as const, host: "gw2.example", port: 8080 };
    await auth.setSites([{ proxy: site, credentials: { username: "sess-2", password: "site", expiresAt: "2030-01-01T00:00:00Z" } }]);
    expect(auth.answerNow(challenge("1", { challenger: { host: "gw2.example", port: 8080 } }))).toEqual({
      authCredentials: { username: "sess-2", password: "site" },
    });
    expect(auth.answerNow(challenge("2"))).toEqual({ authCredentials: { username: "sess-1", password: "main" } });
    const cold = new ProxyAuthAnswerer(session());
    expect(cold.answerNow(challenge("3", { challenger: { host: "gw2.example", port: 8080 } }))).toBeNull();
    expect(await cold.answer(challenge("3", { challenger: { host: "gw2.example", port: 8080 } }))).toEqual({
      authCredentials: { username: "sess-2", password: "site" },
    });
    expect(await cold.siteCredentials(site)).toMatchObject({ password: "site" });
  });

  it("answers the gateway's first challenge with the session credentials", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("p1"));
    expect(auth.answerNow(challenge("1"))).toEqual({ authCredentials: { username: "sess-1", password: "p1" } });
  });

  it("cancels a second challenge for the same request with the same credentials (no loop, no dialog)", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("p1"));
    auth.answerNow(challenge("1"));
    expect(auth.answerNow(challenge("1"))).toEqual({ cancel: true });
    // Other requests are unaffected.
    expect(auth.answerNow(challenge("2"))).toEqual({ authCredentials: { username: "sess-1", password: "p1" } });
  });

  it("after a renewal, a request rejected with the old credentials gets one try with the new ones", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("old"));
    auth.answerNow(challenge("1"));
    await auth.set(proxy, creds("new"));
    expect(auth.answerNow(challenge("1"))).toEqual({ authCredentials: { username: "sess-1", password: "new" } });
    expect(auth.answerNow(challenge("1"))).toEqual({ cancel: true });
  });

  it("cold start: a fresh answerer (new service worker) answers from storage.session", async () => {
    await new ProxyAuthAnswerer(session()).set(proxy, creds("p1"));
    const cold = new ProxyAuthAnswerer(session());
    expect(cold.answerNow(challenge("1"))).toBeNull(); // must wait for storage
    expect(await cold.answer(challenge("1"))).toEqual({ authCredentials: { username: "sess-1", password: "p1" } });
  });

  it("no credentials at all (browser restarted, traffic still aimed at a gateway): cancel instead of a password dialog", async () => {
    const auth = new ProxyAuthAnswerer(session());
    expect(await auth.answer(challenge("1"))).toEqual({ cancel: true });
  });

  it("without credentials, only our own gateways' challenges are cancelled; another proxy's is left to the browser", async () => {
    const local = fakeBrowser.storage.local as unknown as StorageArea;
    const first = new ProxyAuthAnswerer(session(), local);
    await first.set(proxy, creds("p1"));
    await first.clear();
    // Browser restart: nothing in storage.session, the known gateways in storage.local.
    await fakeBrowser.storage.session.clear();
    const cold = new ProxyAuthAnswerer(session(), local);
    expect(cold.answerNow(challenge("1"))).toBeNull();
    expect(await cold.answer(challenge("1"))).toEqual({ cancel: true });
    expect(await cold.answer(challenge("2", { challenger: { host: "corporate-proxy.example", port: 3128 } }))).toEqual({});
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain("p1");
  });

  it("leaves websites' own auth and other proxies to the browser", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("p1"));
    expect(auth.answerNow(challenge("1", { isProxy: false }))).toEqual({});
    expect(auth.answerNow(challenge("2", { challenger: { host: "other.example", port: 3128 } }))).toEqual({});
  });

  it("clear() stops answering", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("p1"));
    await auth.clear();
    expect(auth.answerNow(challenge("1"))).toEqual({ cancel: true });
    expect(await new ProxyAuthAnswerer(session()).answer(challenge("2"))).toEqual({ cancel: true });
  });
});

describe("listener registration", () => {
  it("Chrome: asyncBlocking listener on all URLs, answered through the callback, also on a cold start", async () => {
    await new ProxyAuthAnswerer(session()).set(proxy, creds("p1"));
    let registered: { fn: (...args: any[]) => unknown; filter: unknown; spec: string[] } | undefined;
    const webRequest = {
      onAuthRequired: {
        addListener: (fn: (...args: any[]) => unknown, filter: unknown, spec: string[]) => (registered = { fn, filter, spec }),
      },
    };
    registerChromeAuthListener(webRequest as never, new ProxyAuthAnswerer(session()));
    expect(registered?.spec).toEqual(["asyncBlocking"]);
    expect(registered?.filter).toEqual({ urls: ["<all_urls>"] });
    const answer = await new Promise<AuthAnswer>((resolve) => registered!.fn(challenge("9"), resolve));
    expect(answer).toEqual({ authCredentials: { username: "sess-1", password: "p1" } });
    const second = await new Promise<AuthAnswer>((resolve) => registered!.fn(challenge("9"), resolve));
    expect(second).toEqual({ cancel: true });
  });

  it("Firefox: blocking listener that returns a promise", async () => {
    const auth = new ProxyAuthAnswerer(session());
    await auth.set(proxy, creds("p1"));
    let registered: { fn: (d: AuthChallenge) => Promise<AuthAnswer>; spec: string[] } | undefined;
    registerFirefoxAuthListener({ onAuthRequired: { addListener: (fn, _filter, spec) => (registered = { fn, spec }) } }, auth);
    expect(registered?.spec).toEqual(["blocking"]);
    expect(await registered!.fn(challenge("1"))).toEqual({ authCredentials: { username: "sess-1", password: "p1" } });
  });
});
