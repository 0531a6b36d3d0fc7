import { describe, expect, it } from "vitest";
import { isPlausibleEmail, MIN_PASSWORD_LENGTH, passwordLength, passwordProblem } from "./account-rules";

describe("account rules", () => {
  it("counts a password in code points, not UTF-16 units", () => {
    expect(passwordLength("🔑🔑🔑🔑🔑")).toBe(5);
    expect("🔑🔑🔑🔑🔑".length).toBe(10);
    expect(passwordProblem("🔑🔑🔑🔑🔑")).toBe("too_short");
    expect(passwordProblem("🔑".repeat(MIN_PASSWORD_LENGTH))).toBeNull();
  });

  it("counts the NFKC form the KDF hashes (a ligature is two letters)", () => {
    expect(passwordLength("ﬁ")).toBe(2);
  });

  it("takes ten characters and refuses nine", () => {
    expect(passwordProblem("a".repeat(9))).toBe("too_short");
    expect(passwordProblem("a".repeat(10))).toBeNull();
  });

  it("takes a plausible address and refuses the obvious mistakes", () => {
    expect(isPlausibleEmail("ana@example.org")).toBe(true);
    for (const bad of ["ana", "ana@", "ana@example", "ana @example.org", "@example.org"]) expect(isPlausibleEmail(bad)).toBe(false);
  });
});
