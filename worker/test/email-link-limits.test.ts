/**
 * Reset and deletion links (issue 20, item 8): strangers cannot lock a person
 * out of their own links. The limits count per address *and* client (5 an
 * hour), per address from everyone (20 an hour, the most mail strangers can
 * send one inbox) and per client (20); a signed-in owner asking for their own
 * address has an allowance of their own that no stranger touches.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LINK_REQUESTS_PER_ADDRESS, LINK_REQUESTS_PER_ADDRESS_AND_CLIENT, OWNER_LINK_REQUESTS } from "../src/constants";
import { call, signedIn } from "./client";
import { inbox } from "./mail";

const ask = (path: string, email: string, ip: string, token?: string) =>
  call("POST", path, { body: { email }, headers: { "cf-connecting-ip": ip }, ...(token ? { token } : {}) });
const reset = (email: string, ip: string, token?: string) => ask("/v1/auth/password-reset", email, ip, token);

describe("reset and deletion link limits", () => {
  it("five strangers' requests no longer lock the owner out", async () => {
    const owner = await signedIn();
    // Five strangers, as the finding did it: every one of them asks once.
    for (let i = 0; i < 5; i++) expect((await reset(owner.user.email, `203.0.113.${10 + i}`)).status).toBe(202);
    // And one stranger asks as often as one client may.
    for (let i = 0; i < LINK_REQUESTS_PER_ADDRESS_AND_CLIENT; i++) expect((await reset(owner.user.email, "203.0.113.50")).status).toBe(202);
    expect((await reset(owner.user.email, "203.0.113.50")).status).toBe(429);
    // The owner, from their own network and not signed in, still gets their link, and a deletion link too.
    expect((await reset(owner.user.email, "192.0.2.200")).status).toBe(202);
    expect((await ask("/v1/auth/deletion-request", owner.user.email, "192.0.2.200")).status).toBe(202);
    // The verification link, 5 + 5 strangers' reset links, and the owner's two.
    const messages = await inbox(owner.user.email, 13);
    expect(messages.filter((m) => m.subject.includes("new Cargo VPN password"))).toHaveLength(11);
    expect(messages.filter((m) => m.subject.includes("Confirm the deletion"))).toHaveLength(1);
  });

  it("a signed-in owner can always ask, even when strangers used up the address's allowance", async () => {
    const owner = await signedIn();
    const stranger = await signedIn();
    let asked = 0;
    for (let client = 0; asked < LINK_REQUESTS_PER_ADDRESS; client++) {
      for (let i = 0; i < LINK_REQUESTS_PER_ADDRESS_AND_CLIENT && asked < LINK_REQUESTS_PER_ADDRESS; i++, asked++) {
        expect((await reset(owner.user.email, `203.0.114.${client}`)).status).toBe(202);
      }
    }
    // Now the address is at its ceiling for everyone who is not its signed-in owner…
    const anonymous = await reset(owner.user.email, "192.0.2.201");
    expect(anonymous.status).toBe(429);
    expect(Number(anonymous.headers.get("retry-after"))).toBeGreaterThan(0);
    // …a stranger's own access token changes nothing…
    expect((await reset(owner.user.email, "203.0.114.99", stranger.token)).status).toBe(429);
    // …and the owner's does: their own allowance, on any network.
    for (let i = 0; i < OWNER_LINK_REQUESTS; i++) {
      const path = i % 2 === 0 ? "/v1/auth/password-reset" : "/v1/auth/deletion-request";
      expect((await ask(path, owner.user.email, `198.18.0.${i}`, owner.token)).status).toBe(202);
    }
    const over = await reset(owner.user.email, "198.18.0.99", owner.token);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe("rate_limited");
    // A broken or foreign token is just no owner: the request is judged like any other, never 401.
    expect((await reset(owner.user.email, "192.0.2.202", "not-a-token")).status).toBe(429);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM email_tokens WHERE account_id = ? AND purpose = 'reset'")
      .bind(owner.user.id)
      .first<{ n: number }>();
    expect(row!.n).toBe(1); // each new link replaces the one before
  });
});
