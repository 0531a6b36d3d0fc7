import { describe, expect, it } from "vitest";
import { backoffDelay, renewAt } from "./renewal-schedule";

const NOW = 1_000_000;
const MIN = 60_000;

describe("renewAt", () => {
  it("renews at 80% of the lifetime with no jitter and at 90% with full jitter", () => {
    expect(renewAt(NOW, NOW + 15 * MIN, 0)).toBe(NOW + 12 * MIN);
    expect(renewAt(NOW, NOW + 15 * MIN, 0.999999)).toBeCloseTo(NOW + 13.5 * MIN, -2);
  });

  it("spreads devices: different random draws give different times inside the window", () => {
    const times = [0.1, 0.5, 0.9].map((r) => renewAt(NOW, NOW + 10 * MIN, r));
    expect(new Set(times).size).toBe(3);
    for (const at of times) {
      expect(at).toBeGreaterThanOrEqual(NOW + 8 * MIN);
      expect(at).toBeLessThanOrEqual(NOW + 9 * MIN);
    }
  });

  it("never sooner than the 30 s alarm floor for normal lifetimes", () => {
    expect(renewAt(NOW, NOW + 35_000, 0)).toBe(NOW + 25_000); // capped by expiry margin instead
    expect(renewAt(NOW, NOW + 2 * MIN, 0)).toBe(NOW + 96_000);
    expect(renewAt(NOW, NOW + 50_000, 0)).toBe(NOW + 40_000);
  });

  it("never after expiry, and right away for already-expired credentials", () => {
    expect(renewAt(NOW, NOW + 20_000, 0.5)).toBeLessThan(NOW + 20_000);
    expect(renewAt(NOW, NOW - 5_000, 0.5)).toBe(NOW);
  });
});

describe("backoffDelay", () => {
  it("grows with each attempt and is capped", () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, 0))).toEqual([2_000, 5_000, 15_000, 30_000, 60_000, 60_000, 60_000]);
  });

  it("adds up to 20% jitter", () => {
    expect(backoffDelay(0, 0.5)).toBe(2_200);
    expect(backoffDelay(4, 0.999)).toBeLessThanOrEqual(72_000);
  });
});
