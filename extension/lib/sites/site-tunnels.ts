/**
 * The sessions behind per-site locations. While the main tunnel is connected,
 * each location a site rule names (other than the main one) gets its own
 * tunnel session, opened `alongside` the main one (one per gateway, at most
 * MAX_OPEN_SESSIONS_PER_DEVICE in all, docs/api.md), with its own credential
 * renewed on the same schedule as the main one. A rule for the main location
 * rides the main tunnel. When the main tunnel goes down for good
 * (disconnected), every site session ends; while it is held or reconnecting
 * they are kept, since all traffic is held anyway.
 *
 * The main connection's state machine stays as it is: this runs beside it,
 * fed its settled state, and says "routes changed" so the proxy adapters
 * re-apply (a PAC script in Chrome, `proxy.onRequest` in Firefox). It keeps
 * its sessions in `storage.session` so a stopped MV3 worker resumes them.
 *
 *   const sites = new SiteTunnels(deps);
 *   connection.onChange = (state) => sites.update(state);
 *   await sites.routes();   // what the proxy adapters route by
 */
import type { ProxyCredentials, StartSessionResponse } from "@cargo-vpn/shared/schemas";
import { MAX_OPEN_SESSIONS_PER_DEVICE } from "@cargo-vpn/shared/session-rules";
import { isTransient, toErrorInfo, type ErrorCode } from "../api/api-error";
import type { StorageArea } from "../api/token-store";
import { ALARM_SITE_RENEW } from "../config";
import type { Timers } from "../connection/connection-service";
import { backoffDelay, renewAt } from "../connection/renewal-schedule";
import type { ConnectionState } from "../connection/state-machine";
import type { ProxyTarget } from "../proxy/proxy-target";
import type { SiteRoute } from "./pac-script";
import type { SiteRule } from "./site-rules";

export interface SiteSession {
  locationId: string;
  sessionId: string;
  proxy: ProxyTarget;
  credentials: ProxyCredentials;
  renewAt: number;
  attempt: number;
}

/** How a rule's location is doing, for the popup. */
export type SiteLocationStatus = { state: "active" } | { state: "waiting" } | { state: "failed"; reason: ErrorCode };

export interface SiteTunnelsDeps {
  api: {
    startSession(locationId: string, options: { alongside: boolean }): Promise<StartSessionResponse>;
    renewSession(sessionId: string): Promise<ProxyCredentials>;
    endSession(sessionId: string): Promise<unknown>;
  };
  rules(): Promise<SiteRule[]>;
  /** The location the main tunnel is on or moving to (the machine's current state, not the settled one). */
  mainLocation(): string | null;
  /** storage.session: the sessions (with their credentials) survive a stopped worker, never the browser. */
  area: StorageArea;
  /** The proxy-auth answerer: which credential answers which gateway's 407. */
  auth: { setSites(entries: Array<{ proxy: ProxyTarget; credentials: ProxyCredentials }>): Promise<void> };
  /** The routes changed: re-apply the proxy setting. */
  routesChanged(): Promise<void>;
  timers: Timers;
  clock?: () => { now: number; random: number };
  log?: (message: string, error?: unknown) => void;
}

const KEY = "siteSessions";
interface Saved {
  main: { locationId: string; proxy: ProxyTarget } | null;
  sessions: SiteSession[];
  failures: Record<string, { reason: ErrorCode; retryAt: number; attempt: number }>;
}

export class SiteTunnels {
  private saved: Saved | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: () => { now: number; random: number };

  constructor(private readonly deps: SiteTunnelsDeps) {
    this.clock = deps.clock ?? (() => ({ now: Date.now(), random: Math.random() }));
  }

  private async load(): Promise<Saved> {
    if (!this.saved) {
      const stored = (await this.deps.area.get(KEY))[KEY] as Saved | undefined;
      this.saved ??= stored ?? { main: null, sessions: [], failures: {} };
    }
    return this.saved;
  }

  /** One change at a time, in order; failures are logged, never thrown at the caller's event loop. */
  private run(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch((error) => this.deps.log?.("site tunnels step failed", error));
    return this.queue;
  }

  /** The main connection's settled state changed. */
  update(state: ConnectionState): Promise<void> {
    return this.run(async () => {
      const saved = await this.load();
      if (state.name === "connected") saved.main = { locationId: state.locationId, proxy: state.proxy };
      else if (state.name === "disconnected" || (state.name === "error" && !state.blocking)) saved.main = null;
      else return; // held, connecting, reconnecting: traffic is held; keep the sessions for when it comes back
      await this.reconcile(saved);
    });
  }

  /** The rules changed. */
  rulesChanged(): Promise<void> {
    return this.run(async () => this.reconcile(await this.load(), true));
  }

  /** The renewal alarm fired: renew what is due, retry what failed. */
  renewDue(): Promise<void> {
    return this.run(async () => {
      const saved = await this.load();
      const { now } = this.clock();
      for (const session of [...saved.sessions]) {
        if (session.renewAt > now) continue;
        try {
          session.credentials = await this.deps.api.renewSession(session.sessionId);
          session.attempt = 0;
          const clock = this.clock();
          session.renewAt = renewAt(clock.now, Date.parse(session.credentials.expiresAt), clock.random);
        } catch (error) {
          const info = toErrorInfo(error);
          if (isTransient(info)) {
            session.renewAt = now + backoffDelay(session.attempt++, this.clock().random);
          } else {
            // Ended by the API (idle, replaced, signed out elsewhere): open a new one below.
            saved.sessions = saved.sessions.filter((s) => s !== session);
          }
        }
      }
      await this.reconcile(saved);
    });
  }

  /**
   * Where each rule's site goes while the main tunnel points at `mainProxy`: a rule for the main
   * location rides it, a rule with its own session goes to that gateway, any other is held (null) —
   * also in the moment between the main tunnel coming up and the site's session being opened.
   */
  async routes(mainProxy: ProxyTarget): Promise<SiteRoute[]> {
    const saved = await this.load();
    const mainLocation = this.deps.mainLocation();
    return (await this.deps.rules()).map((rule) => ({
      site: rule.site,
      proxy: rule.locationId === mainLocation ? mainProxy : (saved.sessions.find((s) => s.locationId === rule.locationId)?.proxy ?? null),
    }));
  }

  /** Each rule location's state, for the popup. */
  async status(): Promise<Record<string, SiteLocationStatus>> {
    const saved = await this.load();
    const out: Record<string, SiteLocationStatus> = {};
    if (!saved.main) return out;
    for (const rule of await this.deps.rules()) {
      const failure = saved.failures[rule.locationId];
      out[rule.locationId] =
        rule.locationId === saved.main.locationId || saved.sessions.some((s) => s.locationId === rule.locationId)
          ? { state: "active" }
          : failure
            ? { state: "failed", reason: failure.reason }
            : { state: "waiting" };
    }
    return out;
  }

  /** Opens what the rules need, ends what they no longer need, then tells the adapters. */
  private async reconcile(saved: Saved, rulesChanged = false): Promise<void> {
    const before = routeKey(saved.sessions);
    const wanted = saved.main ? new Set((await this.deps.rules()).map((r) => r.locationId)) : new Set<string>();
    if (saved.main) wanted.delete(saved.main.locationId);
    for (const session of saved.sessions.filter((s) => !wanted.has(s.locationId))) {
      // Best effort: the API also ends idle sessions on its own.
      void this.deps.api.endSession(session.sessionId).catch(() => {});
    }
    saved.sessions = saved.sessions.filter((s) => wanted.has(s.locationId));
    for (const id of Object.keys(saved.failures)) if (!wanted.has(id)) delete saved.failures[id];

    const { now } = this.clock();
    for (const locationId of wanted) {
      if (saved.sessions.some((s) => s.locationId === locationId)) continue;
      const failure = saved.failures[locationId];
      if (failure && failure.retryAt > now) continue;
      // The main session is one of the device's open sessions: the rest of the cap is the sites'.
      if (saved.sessions.length >= MAX_OPEN_SESSIONS_PER_DEVICE - 1) {
        saved.failures[locationId] = { reason: "too_many_sessions", retryAt: Number.MAX_SAFE_INTEGER, attempt: 0 };
        continue;
      }
      try {
        const answer = await this.deps.api.startSession(locationId, { alongside: true });
        const clock = this.clock();
        saved.sessions.push({
          locationId,
          sessionId: answer.session.id,
          proxy: answer.proxy,
          credentials: answer.credentials,
          renewAt: renewAt(clock.now, Date.parse(answer.credentials.expiresAt), clock.random),
          attempt: 0,
        });
        delete saved.failures[locationId];
      } catch (error) {
        const info = toErrorInfo(error);
        const attempt = (failure?.attempt ?? 0) + 1;
        saved.failures[locationId] = { reason: info.code, retryAt: now + backoffDelay(attempt - 1, this.clock().random), attempt };
      }
    }
    await this.deps.area.set({ [KEY]: saved });
    await this.deps.auth.setSites(saved.sessions.map((s) => ({ proxy: s.proxy, credentials: s.credentials })));
    // Rules changed (or sessions came or went): the adapters route by them. Credentials alone need no re-apply.
    if (rulesChanged || routeKey(saved.sessions) !== before) await this.deps.routesChanged();
    const next = Math.min(
      ...saved.sessions.map((s) => s.renewAt),
      ...Object.values(saved.failures)
        .map((f) => f.retryAt)
        .filter((at) => at < Number.MAX_SAFE_INTEGER),
    );
    if (Number.isFinite(next)) await this.deps.timers.schedule(ALARM_SITE_RENEW, next);
    else await this.deps.timers.clear(ALARM_SITE_RENEW);
  }
}

const routeKey = (sessions: readonly SiteSession[]) =>
  sessions
    .map((s) => `${s.locationId}=${s.proxy.host}:${s.proxy.port}`)
    .sort()
    .join(",");
