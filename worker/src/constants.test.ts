/**
 * Plan lookup by id: only the plans PLANS defines, never a name every plain
 * object inherits (a stored or operator-typed "constructor" gets no limit-free plan).
 */
import { describe, expect, it } from "vitest";
import { isPlanId, PLANS, planFor } from "./constants";

describe("plan lookup", () => {
  it("knows exactly the three plans", () => {
    for (const id of ["free", "plus", "team"]) expect(isPlanId(id), id).toBe(true);
    expect(planFor("team")).toBe(PLANS.team);
  });

  it("refuses Object.prototype's names and falls back to free for them", () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", ""]) {
      expect(isPlanId(id), id).toBe(false);
      expect(planFor(id), id).toBe(PLANS.free);
      expect(planFor(id).maxDevices, id).toBe(1);
    }
  });
});
