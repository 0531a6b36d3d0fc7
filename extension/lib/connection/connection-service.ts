/**
 * Runs the connection state machine: feeds it events one at a time, keeps its
 * state in `storage.session` (so a stopped MV3 service worker picks up where
 * it left off) and carries out its effects through injected adapters.
 *
 *   const service = new ConnectionService(deps);
 *   await service.init();                 // resume, or decide what a browser start means
 *   await service.dispatch({ type: "CONNECT", locationId });
 */
import type { ProxyCredentials, StartSessionResponse } from "@cargo-vpn/shared/schemas";
import { toErrorInfo } from "../api/api-error";
import { ALARM_RENEW, ALARM_RETRY } from "../config";
import type { ProxyTarget } from "../proxy/proxy-target";
import { INITIAL_STATE, transition, type Clock, type ConnectionEvent, type ConnectionState, type Effect } from "./state-machine";

export type ProxyRoute = { kind: "tunnel"; proxy: ProxyTarget } | { kind: "hold" };

/** The one place that points the browser's traffic somewhere (proxy-settings adapters). */
export interface ProxyControl {
  /**
   * Applies the route and reads the browser's setting back: "ok" only when it is now ours.
   * "controlled_by_other" when another extension owns the proxy setting (or it did not take).
   */
  apply(route: ProxyRoute): Promise<"ok" | "controlled_by_other">;
  clear(): Promise<void>;
}

/** Answers the gateway's 407s (proxy-auth adapter). */
export interface ProxyAuth {
  set(proxy: ProxyTarget, credentials: ProxyCredentials): Promise<void>;
  clear(): Promise<void>;
}

export interface PrivacyControl {
  protect(): Promise<void>;
  restore(): Promise<void>;
}

/** Wake-ups that survive the service worker being stopped (alarms adapter). */
export interface Timers {
  schedule(name: string, at: number): Promise<void>;
  clear(name: string): Promise<void>;
}

export interface ConnectionStore {
  loadState(): Promise<ConnectionState | null>;
  saveState(state: ConnectionState): Promise<void>;
  /** What to resume at the next browser start: a location, or null for "stay direct". */
  loadResumeLocation(): Promise<string | null>;
  saveIntent(locationId: string | null): Promise<void>;
}

export interface TunnelApi {
  startSession(locationId: string): Promise<StartSessionResponse>;
  renewSession(sessionId: string): Promise<ProxyCredentials>;
  endSession(sessionId: string): Promise<unknown>;
}

export interface ConnectionDeps {
  api: TunnelApi;
  proxy: ProxyControl;
  auth: ProxyAuth;
  privacy: PrivacyControl;
  timers: Timers;
  store: ConnectionStore;
  report?: (outcome: "connected" | "failed", scheme?: ProxyTarget["scheme"]) => void;
  clock?: () => Clock;
  onChange?: (state: ConnectionState) => void;
  log?: (message: string, error?: unknown) => void;
}

export class ConnectionService {
  private current: ConnectionState = INITIAL_STATE;
  /** The last state whose effects are carried out: what pages may be told (see `settled`). */
  private announced: ConnectionState = INITIAL_STATE;
  private queue: Promise<void> = Promise.resolve();
  private pending = new Set<Promise<unknown>>();
  private readonly clock: () => Clock;

  constructor(private readonly deps: ConnectionDeps) {
    this.clock = deps.clock ?? (() => ({ now: Date.now(), random: Math.random() }));
  }

  get state(): ConnectionState {
    return this.current;
  }

  /**
   * The state as far as the browser already knows it: `state` moves on the moment an event is taken,
   * before its effects run, so a page asking in between would hear "connecting" while traffic still
   * goes direct (the switch reading on before the hold is set). Pages are only ever told this one.
   */
  get settled(): ConnectionState {
    return this.announced;
  }

  /**
   * A saved state means the service worker was only stopped: carry on. No saved
   * state means the browser (re)started: hold traffic if we must resume, else
   * make sure nothing of a previous run lingers.
   */
  async init(): Promise<void> {
    const saved = await this.deps.store.loadState();
    if (saved) {
      this.current = saved;
      this.announced = saved;
      this.deps.onChange?.(saved);
      await this.dispatch({ type: "WORKER_RESTARTED" });
      return;
    }
    await this.dispatch({ type: "BROWSER_START", resumeLocationId: await this.deps.store.loadResumeLocation() });
  }

  dispatch(event: ConnectionEvent): Promise<void> {
    const run = this.queue.then(() => this.step(event));
    this.queue = run.catch((error) => this.deps.log?.("connection step failed", error));
    return run;
  }

  /** Resolves once every event and every API call it started has settled (tests, and shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
      await this.queue;
    }
    await this.queue;
  }

  private async step(event: ConnectionEvent): Promise<void> {
    const { state, effects } = transition(this.current, event, this.clock());
    const changed = state !== this.current;
    this.current = state;
    // Saved before the effects (a worker stopped midway resumes from it), announced after them:
    // what the popup shows ("connecting", "connected") is already true in the browser.
    if (changed) await this.deps.store.saveState(state);
    for (const effect of effects) await this.run(effect);
    if (changed) {
      this.announced = state;
      this.deps.onChange?.(state);
    }
  }

  /** API calls run outside the queue and come back as events, so the machine never waits on the network. */
  private background<T>(
    work: Promise<T>,
    done: (value: T) => ConnectionEvent | null,
    failed: (error: unknown) => ConnectionEvent | null,
  ): void {
    const tracked = work.then(
      (value) => {
        const event = done(value);
        return event ? this.dispatch(event) : undefined;
      },
      (error) => {
        const event = failed(error);
        return event ? this.dispatch(event) : undefined;
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async run(effect: Effect): Promise<void> {
    const { deps } = this;
    switch (effect.type) {
      case "startSession":
        this.background(
          deps.api.startSession(effect.locationId),
          (answer) => ({ type: "SESSION_STARTED", session: answer.session, proxy: answer.proxy, credentials: answer.credentials }),
          (error) => ({ type: "SESSION_FAILED", error: toErrorInfo(error) }),
        );
        return;
      case "renew":
        this.background(
          deps.api.renewSession(effect.sessionId),
          (credentials) => ({ type: "RENEWED", credentials }),
          (error) => ({ type: "RENEW_FAILED", error: toErrorInfo(error) }),
        );
        return;
      case "endSession":
        // Best effort: the API also ends idle sessions on its own.
        this.background(
          deps.api.endSession(effect.sessionId),
          () => null,
          () => null,
        );
        return;
      case "applyTunnel":
        // Credentials first, so the first 407 after the switch is already answerable.
        await deps.auth.set(effect.proxy, effect.credentials);
        // "ok" only once the browser's setting reads back as this tunnel: only then is it "connected".
        void this.dispatch(
          (await deps.proxy.apply({ kind: "tunnel", proxy: effect.proxy })) === "ok" ? { type: "TUNNEL_UP" } : { type: "PROXY_TAKEN" },
        );
        return;
      case "setCredentials":
        await deps.auth.set(effect.proxy, effect.credentials);
        return;
      case "applyHold":
        await deps.auth.clear();
        if ((await deps.proxy.apply({ kind: "hold" })) === "controlled_by_other") void this.dispatch({ type: "PROXY_TAKEN" });
        return;
      case "clearProxy":
        await deps.proxy.clear();
        await deps.auth.clear();
        return;
      case "protectPrivacy":
        await deps.privacy.protect();
        return;
      case "restorePrivacy":
        await deps.privacy.restore();
        return;
      case "scheduleRenew":
        await deps.timers.schedule(ALARM_RENEW, effect.at);
        return;
      case "scheduleRetry":
        await deps.timers.schedule(ALARM_RETRY, effect.at);
        return;
      case "cancelTimers":
        await deps.timers.clear(ALARM_RENEW);
        await deps.timers.clear(ALARM_RETRY);
        return;
      case "rememberIntent":
        await deps.store.saveIntent(effect.locationId);
        return;
      case "report":
        deps.report?.(effect.outcome, effect.scheme);
        return;
    }
  }
}
