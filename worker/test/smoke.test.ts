import { describe, expect, it } from "vitest";
import { call, register, signedIn } from "./client";

describe("smoke", () => {
  it("health", async () => {
    const res = await call("GET", "/v1/health");
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
  });
  it("register+login+me", async () => {
    const s = await signedIn();
    const me = await call("GET", "/v1/me", { token: s.token });
    expect(me.status).toBe(200);
    expect(me.body.account.username).toBe(s.user.username);
  });
});
