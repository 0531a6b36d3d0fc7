import { describe, expect, it } from "vitest";
import { formatBytes, formatDate } from "./format";
import { passwordStrength } from "./password-strength";

describe("passwordStrength", () => {
  it("too short under 10 characters, whatever the mix", () => {
    expect(passwordStrength("Aa1!Aa1!")).toBe("tooShort");
  });

  it("length and variety raise it; common passwords and the username lower it", () => {
    expect(passwordStrength("aaaaaaaaaaaa")).toBe("weak");
    expect(passwordStrength("password1234")).toBe("weak");
    expect(passwordStrength("alice-alice-2026", "alice")).not.toBe("veryStrong");
    expect(passwordStrength("correct horse battery staple")).toMatch(/strong|veryStrong/);
    expect(passwordStrength("Tr0ub4dor&3-horse-Staple")).toBe("veryStrong");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(passwordStrength("😀😀😀😀😀😀😀😀😀")).toBe("tooShort");
  });
});

describe("format", () => {
  it("bytes in decimal units", () => {
    expect(formatBytes(0, "en")).toBe("0 B");
    expect(formatBytes(999, "en")).toBe("999 B");
    expect(formatBytes(1234, "en")).toBe("1.2 kB");
    expect(formatBytes(5_600_000, "en")).toBe("5.6 MB");
    expect(formatBytes(123_456_789_000, "en")).toBe("123 GB");
  });

  it("dates, and a bad date shown as-is", () => {
    expect(formatDate("2026-01-02T03:04:00Z", "en")).toMatch(/2026/);
    expect(formatDate("nope")).toBe("nope");
  });
});
