import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../connection/state-machine";
import { type ToggleDeps, toggleVpn } from "./toggle-command";

const LOCATIONS = [
  { id: "fra", name: "Frankfurt", country: "DE", load: 0.2, online: false, pingUrl: "https://fra.gw.example:443/ping" },
  { id: "par", name: "Paris", country: "FR", load: 0.4, online: true, pingUrl: "https://par.gw.example:443/ping" },
  { id: "ber", name: "Berlin", country: "DE", load: 0.1, online: true, pingUrl: "https://ber.gw.example:443/ping" },
];

function deps(state: ConnectionState, options: { signedIn?: boolean; last?: string | null } = {}) {
  const calls: string[] = [];
  const d: ToggleDeps = {
    state: () => state,
    handlers: {
      connect: async ({ locationId }) => {
        calls.push(`connect:${locationId}`);
        return { state: "connecting", locationId };
      },
      disconnect: async () => {
        calls.push("disconnect");
        return { state: "disconnected" };
      },
    },
    signedIn: async () => options.signedIn ?? true,
    lastLocationId: async () => options.last ?? null,
    locations: async () => LOCATIONS,
  };
  return { d, calls };
}

describe("the toggle shortcut", () => {
  it("turns a protecting state off, held and blocking errors included", async () => {
    for (const state of [
      { name: "held", locationId: "par", attempt: 0 },
      { name: "error", reason: "network", blocking: true },
    ] as ConnectionState[]) {
      const { d, calls } = deps(state);
      expect(await toggleVpn(d)).toBe("off");
      expect(calls).toEqual(["disconnect"]);
    }
  });

  it("turns on at the last location when it is online, else at Fastest before measuring (the lowest load)", async () => {
    const last = deps({ name: "disconnected" }, { last: "par" });
    await toggleVpn(last.d);
    expect(last.calls).toEqual(["connect:par"]);
    const offline = deps({ name: "disconnected" }, { last: "fra" });
    await toggleVpn(offline.d);
    expect(offline.calls).toEqual(["connect:ber"]);
    const never = deps({ name: "disconnected" });
    await toggleVpn(never.d);
    expect(never.calls).toEqual(["connect:ber"]);
  });

  it("does nothing signed out", async () => {
    const { d, calls } = deps({ name: "disconnected" }, { signedIn: false });
    expect(await toggleVpn(d)).toBe("nothing");
    expect(calls).toEqual([]);
  });
});
