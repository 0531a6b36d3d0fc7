/** Hostile and sloppy input: each a clear problem, and nothing stored. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, credential, newDevice, registration } from "./client";

async function rowCounts(): Promise<string> {
  const tables = ["accounts", "sign_ins", "refresh_tokens"];
  const counts = await Promise.all(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t}`).first<{ n: number }>()));
  return counts.map((c, i) => `${tables[i]}=${c!.n}`).join(" ");
}

const valid = () => registration();

const cases: [string, (v: ReturnType<typeof valid>) => unknown][] = [
  ["missing username", ({ username: _, ...rest }) => rest],
  ["missing kdf", ({ kdf: _, ...rest }) => rest],
  ["extra field", (v) => ({ ...v, role: "admin" })],
  ["extra nested field", (v) => ({ ...v, kdf: { ...v.kdf, hash: "md5" } })],
  ["username as number", (v) => ({ ...v, username: 12345 })],
  ["email as array", (v) => ({ ...v, email: [v.email] })],
  ["iterations as string", (v) => ({ ...v, kdf: { ...v.kdf, iterations: "600000" } })],
  ["iterations fractional", (v) => ({ ...v, kdf: { ...v.kdf, iterations: 600000.5 } })],
  ["overlong username", (v) => ({ ...v, username: "a".repeat(33) })],
  ["very long username", (v) => ({ ...v, username: "a".repeat(5000) })],
  ["overlong email", (v) => ({ ...v, email: `${"a".repeat(250)}@example.com` })],
  ["invalid email", (v) => ({ ...v, email: "alice@" })],
  ["email with spaces inside", (v) => ({ ...v, email: "al ice@example.com" })],
  ["username with zero-width joiner", (v) => ({ ...v, username: "ali\u200dce" })],
  ["username with RTL override", (v) => ({ ...v, username: "\u202eecila" })],
  ["username with emoji", (v) => ({ ...v, username: "al🔑ce" })],
  ["username with Cyrillic homoglyph", (v) => ({ ...v, username: "аlice" })],
  ["username with NUL", (v) => ({ ...v, username: "ali\u0000ce" })],
  ["authKey too short", (v) => ({ ...v, authKey: v.authKey.slice(0, 20) })],
  ["authKey with padding", (v) => ({ ...v, authKey: `${v.authKey}=` })],
  ["authKey in standard base64", (v) => ({ ...v, authKey: `+/${v.authKey.slice(2)}` })],
  ["salt of 8 bytes", (v) => ({ ...v, kdf: { ...v.kdf, salt: "AAAAAAAAAAA" } })],
  ["body is an array", () => []],
  ["body is a string", () => "alice"],
  ["body is null", () => null],
];

describe("bad input on registration", () => {
  for (const [name, mutate] of cases) {
    it(name, async () => {
      const before = await rowCounts();
      const body = mutate(valid());
      const res = await call("POST", "/v1/accounts", { body });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(await rowCounts()).toBe(before);
    });
  }
});

describe("bad input on sign-in", () => {
  it("missing device, wrong kind, overlong label", async () => {
    const before = await rowCounts();
    const base = { username: "someone", authKey: credential().authKey };
    for (const body of [
      base,
      { ...base, device: { ...newDevice(), kind: "safari" } },
      { ...base, device: { ...newDevice(), label: "x".repeat(65) } },
      { ...base, device: { ...newDevice(), id: "short" } },
      { ...base, device: newDevice(), extra: 1 },
    ]) {
      const res = await call("POST", "/v1/auth/login", { body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
    expect(await rowCounts()).toBe(before);
  });

  it("an empty body on a route that needs one is a validation error", async () => {
    const res = await call("POST", "/v1/auth/prelogin", { headers: { "content-type": "application/json" }, raw: "" });
    expect(res.status).toBe(400);
    expect(["validation_failed", "malformed_json"]).toContain(res.body.code);
  });

  it("JSON with a charset parameter is accepted", async () => {
    const res = await call("POST", "/v1/auth/prelogin", {
      raw: JSON.stringify({ username: "whoever" }),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(res.status).toBe(200);
  });
});
