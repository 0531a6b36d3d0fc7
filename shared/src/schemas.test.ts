import { describe, expect, it } from "vitest";
import { Email, RegisterRequest, Username } from "./schemas";

describe("contract schemas", () => {
  it("canonicalises usernames so case and width variants collide", () => {
    expect(Username.parse("ＡＬＩＣＥ")).toBe("alice");
    expect(Username.parse("Bob.Smith_1")).toBe("bob.smith_1");
    expect(Username.safeParse("al").success).toBe(false);
    expect(Username.safeParse("a".repeat(33)).success).toBe(false);
    expect(Username.safeParse("al ice").success).toBe(false);
    expect(Username.safeParse("ålice").success).toBe(false);
  });

  it("trims and lower-cases emails and refuses invalid ones", () => {
    expect(Email.parse("  Alice@Example.COM ")).toBe("alice@example.com");
    expect(Email.safeParse("not-an-email").success).toBe(false);
    expect(Email.safeParse("a@b").success).toBe(false);
  });

  it("refuses unknown fields in requests", () => {
    const result = RegisterRequest.safeParse({
      username: "alice",
      email: "a@example.com",
      authKey: "A".repeat(43),
      kdf: { salt: "A".repeat(22), iterations: 600000 },
      ageConfirmed: true,
      isAdmin: true,
    });
    expect(result.success).toBe(false);
  });
});
