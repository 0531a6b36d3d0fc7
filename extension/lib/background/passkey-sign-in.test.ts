/**
 * The passkey step the background carries: it finishes with no popup, a
 * restarted background (a new instance on the same storage.session) picks it
 * up, a refusal or an expired challenge is recorded for the next popup, and a
 * newer start supersedes an older one.
 */
import { describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { ApiError } from "../api/api-error";
import type { StorageArea } from "../api/token-store";
import { PasskeySignIn } from "./passkey-sign-in";

const area = () => {
  fakeBrowser.reset();
  return fakeBrowser.storage.session as unknown as StorageArea;
};
const pending = () => new ApiError({ code: "second_factor_pending", status: 401 });
const fast = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 100));

describe("PasskeySignIn", () => {
  it("polls until the page used the passkey, then records done with the name typed at sign-in", async () => {
    const session = area();
    const used = new Set<string>();
    const complete = vi.fn(async (challenge: string, _name: string | null) => {
      if (!used.has(challenge)) throw pending();
    });
    const flow = new PasskeySignIn({ area: session, complete, sleep: fast });
    await flow.start("ch-1", Date.now() + 60_000, "alice");
    expect(await flow.state()).toMatchObject({ state: "waiting" });
    await vi.waitFor(() => expect(complete.mock.calls.length).toBeGreaterThan(1));
    used.add("ch-1");
    await vi.waitFor(async () => expect(await flow.state()).toEqual({ state: "done" }));
    expect(complete).toHaveBeenLastCalledWith("ch-1", "alice");
  });

  it("a restarted background resumes the step from storage.session", async () => {
    const session = area();
    const first = new PasskeySignIn({ area: session, complete: async () => Promise.reject(pending()), sleep: () => new Promise(() => {}) });
    await first.start("ch-2", Date.now() + 60_000, "bob");
    // The old instance is gone (its loop never wakes again); a new one on the same storage finishes the step.
    const complete = vi.fn(async () => {});
    const second = new PasskeySignIn({ area: session, complete, sleep: fast });
    second.resume();
    await vi.waitFor(async () => expect(await second.state()).toEqual({ state: "done" }));
    expect(complete).toHaveBeenCalledWith("ch-2", "bob");
  });

  it("records a refusal, and an expired challenge, for the next popup; a network failure is asked again", async () => {
    const session = area();
    let answer: ApiError | null = new ApiError({ code: "network", status: 0 });
    const complete = vi.fn(async () => {
      if (answer) throw answer;
    });
    const flow = new PasskeySignIn({ area: session, complete, sleep: fast });
    await flow.start("ch-3", Date.now() + 60_000, null);
    await vi.waitFor(() => expect(complete.mock.calls.length).toBeGreaterThan(1));
    expect(await flow.state()).toMatchObject({ state: "waiting" });
    answer = new ApiError({ code: "invalid_challenge", status: 401 });
    await vi.waitFor(async () => expect(await flow.state()).toEqual({ state: "failed", code: "invalid_challenge" }));

    const expired = new PasskeySignIn({ area: session, complete: vi.fn(), sleep: fast });
    await expired.start("ch-4", Date.now() - 1, null);
    await vi.waitFor(async () => expect(await expired.state()).toEqual({ state: "failed", code: "invalid_challenge" }));
    await expired.clear();
    expect(await expired.state()).toEqual({ state: "none" });
  });

  it("a newer start supersedes an older one: only the newer challenge is completed", async () => {
    const session = area();
    const asked: string[] = [];
    const flow = new PasskeySignIn({
      area: session,
      complete: async (challenge) => {
        asked.push(challenge);
        if (challenge === "old") throw pending();
      },
      sleep: fast,
    });
    await flow.start("old", Date.now() + 60_000, null);
    await flow.start("new", Date.now() + 60_000, null);
    await vi.waitFor(async () => expect(await flow.state()).toEqual({ state: "done" }));
    expect(asked).toContain("new");
    // The step kept is the newer one: the older loop, if it still runs a round, cannot overwrite it.
    expect(((await session.get("passkeySignIn")).passkeySignIn as { challenge: string }).challenge).toBe("new");
  });
});
