/**
 * A passkey sign-in carried by the background (issue 18 item 3). The passkey
 * is used on the API's /account/passkey-sign-in page in a tab, and Chrome
 * closes the popup the moment that tab opens, so the popup cannot be the one
 * waiting: the background keeps the pending step in `storage.session` (it
 * outlives a service-worker restart, never the browser), polls POST
 * /v1/auth/second-factor {passkey: true} until the page has used the passkey,
 * stores the tokens, and records how it ended for the popup's next opening.
 * The storage read in every round also keeps a Chrome service worker awake
 * while it waits (an extension API call resets its idle timer).
 *
 *   const flow = new PasskeySignIn({ area: storage.session, complete, ... });
 *   await flow.start(challenge, expiresAt, username); // then open the tab
 *   await flow.state();                               // { state: "waiting" | "done" | "failed" | "none", code? }
 *   flow.resume();                                    // at background start
 */
import type { StorageArea } from "../api/token-store";
import { toErrorInfo } from "../api/api-error";

const PASSKEY_POLL_MS = 1000;
const KEY = "passkeySignIn";

export type PasskeySignInView =
  | { state: "none" }
  | { state: "waiting"; expiresAt: number }
  | { state: "done" }
  | { state: "failed"; code: string };

interface Pending {
  state: "waiting" | "done" | "failed";
  challenge: string;
  expiresAt: number;
  username: string | null;
  code?: string;
}

export interface PasskeySignInDeps {
  area: StorageArea;
  /** POST /v1/auth/second-factor {challenge, passkey: true}; stores the tokens on success, throws ApiError otherwise. */
  complete: (challenge: string, username: string | null) => Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string, error?: unknown) => void;
}

export class PasskeySignIn {
  private running: string | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: PasskeySignInDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Starts waiting for this challenge (a new one replaces any other). */
  async start(challenge: string, expiresAt: number, username: string | null): Promise<void> {
    await this.deps.area.set({ [KEY]: { state: "waiting", challenge, expiresAt, username } satisfies Pending });
    this.run(challenge);
  }

  /** At background start: a step still waiting (the service worker was stopped meanwhile) is waited for again. */
  resume(): void {
    void this.read().then((pending) => {
      if (pending?.state === "waiting") this.run(pending.challenge);
    });
  }

  async state(): Promise<PasskeySignInView> {
    const pending = await this.read();
    if (!pending) return { state: "none" };
    if (pending.state === "waiting") {
      if (pending.expiresAt <= this.now()) return { state: "failed", code: "invalid_challenge" };
      return { state: "waiting", expiresAt: pending.expiresAt };
    }
    if (pending.state === "failed") return { state: "failed", code: pending.code ?? "unknown" };
    return { state: "done" };
  }

  /** Forgets the step: the popup went back to the password, or showed how it ended. */
  async clear(): Promise<void> {
    this.running = null;
    await this.deps.area.remove(KEY);
  }

  private async read(): Promise<Pending | null> {
    return ((await this.deps.area.get(KEY))[KEY] as Pending | undefined) ?? null;
  }

  /** One loop per challenge; a newer start or a clear ends the older loop at its next round. */
  private run(challenge: string): void {
    if (this.running === challenge) return;
    this.running = challenge;
    void this.loop(challenge).catch((error) => this.deps.log?.("passkey sign-in failed", error));
  }

  private async loop(challenge: string): Promise<void> {
    for (;;) {
      const pending = await this.read();
      if (this.running !== challenge || pending?.challenge !== challenge || pending.state !== "waiting") return;
      if (pending.expiresAt <= this.now()) return this.end(pending, "failed", "invalid_challenge");
      try {
        await this.deps.complete(challenge, pending.username);
        return this.end(pending, "done");
      } catch (error) {
        const code = toErrorInfo(error).code;
        // Not used yet, or the API could not be reached this round: ask again.
        if (code !== "second_factor_pending" && code !== "network") return this.end(pending, "failed", code);
      }
      await this.sleep(PASSKEY_POLL_MS);
    }
  }

  private async end(pending: Pending, state: "done" | "failed", code?: string): Promise<void> {
    if (this.running === pending.challenge) this.running = null;
    const current = await this.read();
    if (current?.challenge !== pending.challenge) return;
    await this.deps.area.set({ [KEY]: { ...pending, state, ...(code ? { code } : {}) } satisfies Pending });
  }
}
