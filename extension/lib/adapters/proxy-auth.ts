/**
 * Answers the gateway's `407 Proxy-Authenticate` with the session credentials,
 * so the user never sees the browser's own proxy password dialog.
 *
 * The answerer keeps the current credentials in memory and in
 * `storage.session`: a cold MV3 service worker, woken by the challenge itself,
 * answers from storage. A second challenge for the same request with the
 * credentials already tried is cancelled rather than looped; after a renewal
 * the same request gets one more try with the new credentials. Per-site
 * locations add one credential per site gateway (`setSites`): a challenge is
 * answered with the credential of the gateway that sent it.
 *
 *   const auth = new ProxyAuthAnswerer(browser.storage.session);
 *   registerChromeAuthListener(browser.webRequest, auth);  // top level of background, synchronously
 */
import type { ProxyCredentials } from "@cargo-vpn/shared/schemas";
import type { ProxyAuth } from "../connection/connection-service";
import { sameProxy, type ProxyTarget } from "../proxy/proxy-target";
import type { StorageArea } from "../api/token-store";
import type { GatewaySessionEnds } from "../proxy/gateway-session-end";

export interface AuthChallenge {
  requestId: string;
  isProxy: boolean;
  challenger?: { host: string; port: number };
}

export type AuthAnswer =
  | { authCredentials: { username: string; password: string } }
  | { cancel: true }
  /** Not ours (a website's own auth, or another proxy): let the browser handle it. */
  | Record<string, never>;

interface Entry {
  proxy: ProxyTarget;
  credentials: ProxyCredentials;
}

const KEY = "proxyAuth";
/** The per-site locations' credentials, one per gateway (lib/sites/site-tunnels.ts). */
const SITES_KEY = "siteProxyAuth";
/** Gateways we pointed the browser at, kept across restarts to recognise their challenges without credentials. */
const GATEWAYS_KEY = "knownGateways";
const MAX_GATEWAYS = 20;
/** Requests remembered for loop detection; old ones are long finished. */
const MAX_TRACKED = 500;

export class ProxyAuthAnswerer implements ProxyAuth {
  /** undefined: not read from storage yet (cold start). */
  private entry: Entry | null | undefined;
  /** undefined: not read from storage yet. */
  private sites: Entry[] | undefined;
  private gateways: Array<{ host: string; port: number }> | undefined;
  private readonly tried = new Map<string, string>();

  /**
   * @param area  storage.session: the live credentials
   * @param known storage.local: which gateways are ours (no secrets), so that after a
   *              browser restart their challenges are cancelled, while other proxies'
   *              challenges are left to the browser
   * @param ends  tells a gateway when a session of ours there is over, so the
   *              credential the browser keeps for it stops working at once
   */
  constructor(
    private readonly area: StorageArea,
    private readonly known?: StorageArea,
    private readonly ends?: GatewaySessionEnds,
  ) {}

  /** New credentials for the main tunnel; resolves once the gateways told of a replaced session have answered. */
  async set(proxy: ProxyTarget, credentials: ProxyCredentials): Promise<void> {
    const previous = await this.current();
    // A renewal keeps the session (the browser's cached credential stays good); a new session ends the old one's.
    if (previous && previous.credentials.username !== credentials.username) this.ends?.end(previous.proxy, previous.credentials);
    this.entry = { proxy, credentials };
    await this.area.set({ [KEY]: this.entry });
    await this.loadSites();
    await this.remember(proxy);
    await this.ends?.settled();
  }

  private async remember(proxy: ProxyTarget): Promise<void> {
    if (!this.known) return;
    const gateways = await this.loadGateways();
    if (!gateways.some((g) => sameProxy(g, proxy))) {
      this.gateways = [{ host: proxy.host, port: proxy.port }, ...gateways].slice(0, MAX_GATEWAYS);
      await this.known.set({ [GATEWAYS_KEY]: this.gateways });
    }
  }

  private async loadGateways(): Promise<Array<{ host: string; port: number }>> {
    if (this.gateways === undefined && this.known) {
      this.gateways = ((await this.known.get(GATEWAYS_KEY))[GATEWAYS_KEY] as typeof this.gateways) ?? [];
    }
    return this.gateways ?? [];
  }

  async clear(): Promise<void> {
    const previous = await this.current();
    if (previous) this.ends?.end(previous.proxy, previous.credentials);
    this.entry = null;
    await this.area.remove(KEY);
    await this.loadSites();
  }

  /** The per-site gateways' credentials (replacing the previous set; empty when no rule is active). */
  async setSites(entries: Entry[]): Promise<void> {
    const kept = new Set(entries.map((e) => e.credentials.username));
    for (const old of await this.loadSites()) if (!kept.has(old.credentials.username)) this.ends?.end(old.proxy, old.credentials);
    this.sites = entries;
    await this.area.set({ [SITES_KEY]: entries });
    for (const entry of entries) await this.remember(entry.proxy);
    await this.ends?.settled();
  }

  /** The credential for one site gateway, loading them after a cold start. */
  async siteCredentials(proxy: ProxyTarget): Promise<ProxyCredentials | null> {
    return (await this.loadSites()).find((e) => sameProxy(e.proxy, proxy))?.credentials ?? null;
  }

  private async loadSites(): Promise<Entry[]> {
    if (this.sites === undefined) {
      const stored = (await this.area.get(SITES_KEY))[SITES_KEY] as Entry[] | undefined;
      this.sites ??= stored ?? [];
    }
    return this.sites;
  }

  /** Current credentials, loading them after a cold start. */
  async current(): Promise<Entry | null> {
    if (this.entry === undefined) {
      const stored = (await this.area.get(KEY))[KEY] as Entry | undefined;
      // A set() that ran while we were reading wins.
      if (this.entry === undefined) this.entry = stored ?? null;
    }
    return this.entry;
  }

  /** Synchronous view for callers that cannot wait (undefined: not loaded yet). */
  peek(): Entry | null | undefined {
    return this.entry;
  }

  /** The answer when it can be given without waiting for storage, else null. */
  answerNow(challenge: AuthChallenge): AuthAnswer | null {
    if (!challenge.isProxy) return {};
    if (this.entry === undefined || this.sites === undefined) return null;
    if (this.entry === null && this.known && this.gateways === undefined) return null;
    return this.decide(challenge, this.pick(challenge, this.entry));
  }

  async answer(challenge: AuthChallenge): Promise<AuthAnswer> {
    const now = this.answerNow(challenge);
    if (now) return now;
    const main = await this.current();
    await this.loadSites();
    const entry = this.pick(challenge, main);
    if (!entry && challenge.isProxy && this.known) await this.loadGateways();
    return this.decide(challenge, entry);
  }

  /** The credential for the challenging gateway: a site gateway's own, else the main one. */
  private pick(challenge: AuthChallenge, main: Entry | null): Entry | null {
    const challenger = challenge.challenger;
    const site = challenger ? this.sites?.find((e) => sameProxy(e.proxy, challenger)) : undefined;
    return site ?? main;
  }

  private decide(challenge: AuthChallenge, entry: Entry | null): AuthAnswer {
    if (!challenge.isProxy) return {};
    // No tunnel credentials (e.g. just after a browser restart, traffic still
    // pointed at one of our gateways): cancelling fails the request instead of
    // showing a dialog. Another proxy's challenge is not ours to answer.
    if (!entry) {
      if (!this.known || !challenge.challenger) return { cancel: true };
      if (this.gateways === undefined) return { cancel: true }; // not loaded: answerNow defers to answer()
      return this.gateways.some((g) => sameProxy(g, challenge.challenger!)) ? { cancel: true } : {};
    }
    if (challenge.challenger && !sameProxy(challenge.challenger, entry.proxy)) return {};
    const { username, password } = entry.credentials;
    if (this.tried.get(challenge.requestId) === password) return { cancel: true };
    this.tried.set(challenge.requestId, password);
    if (this.tried.size > MAX_TRACKED) this.tried.delete(this.tried.keys().next().value!);
    return { authCredentials: { username, password } };
  }
}

/** The slice of Chrome's `chrome.webRequest` this needs (callback-style asyncBlocking). */
export interface ChromeWebRequest {
  onAuthRequired: {
    addListener(
      callback: (details: AuthChallenge, asyncCallback?: (response: AuthAnswer) => void) => AuthAnswer | undefined,
      filter: { urls: string[] },
      extraInfoSpec: string[],
    ): void;
  };
}

/** Chrome MV3: must run synchronously in the first turn of the service worker. */
export function registerChromeAuthListener(webRequest: ChromeWebRequest, auth: ProxyAuthAnswerer): void {
  webRequest.onAuthRequired.addListener(
    (details, asyncCallback) => {
      const now = auth.answerNow(details);
      if (now) {
        asyncCallback?.(now);
        return undefined;
      }
      void auth.answer(details).then(
        (answer) => asyncCallback?.(answer),
        () => asyncCallback?.({ cancel: true }),
      );
      return undefined;
    },
    { urls: ["<all_urls>"] },
    ["asyncBlocking"],
  );
}

/** Firefox (MV2, "blocking"): a listener may return a promise. */
export interface FirefoxWebRequest {
  onAuthRequired: {
    addListener(callback: (details: AuthChallenge) => Promise<AuthAnswer>, filter: { urls: string[] }, extraInfoSpec: string[]): void;
  };
}

export function registerFirefoxAuthListener(webRequest: FirefoxWebRequest, auth: ProxyAuthAnswerer): void {
  webRequest.onAuthRequired.addListener((details) => auth.answer(details), { urls: ["<all_urls>"] }, ["blocking"]);
}
