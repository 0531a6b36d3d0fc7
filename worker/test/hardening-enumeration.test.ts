/**
 * Prelogin and registration cannot be used to list accounts: both are limited
 * per client (429 with Retry-After, nothing done), and prelogin answers an
 * unknown username with an iteration count drawn from the counts real
 * accounts use, not a constant that gives it away.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_PRELOGINS_PER_CLIENT, MAX_REGISTRATIONS_PER_CLIENT, PRELOGIN_WINDOW_MS, REGISTRATION_WINDOW_MS } from "../src/constants";
import { forgetIterationSnapshot } from "../src/auth/prelogin-decoy";
import { call, credential, register, registration, uniqueName } from "./client";

const from = (address: string) => ({ "cf-connecting-ip": address });

async function accountCount(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM accounts").first<{ n: number }>())!.n;
}

function prelogin(username: string, address = "192.0.2.10") {
  return call("POST", "/v1/auth/prelogin", { body: { username }, headers: from(address) });
}

describe("prelogin iteration counts", () => {
  it("an unknown username gets a count real accounts use, in their proportions, stable per name", async () => {
    const cred = credential();
    // A population where a quarter of the accounts chose a rare count.
    for (const iterations of [600_000, 600_000, 600_000, 2_400_000]) {
      const res = await call("POST", "/v1/accounts", {
        body: registration({ kdf: { salt: cred.salt, iterations } }),
        headers: from("192.0.2.1"),
      });
      expect(res.status).toBe(201);
    }
    const rare = await register({ cred: { ...cred, iterations: 2_400_000 } }).catch(() => null);
    expect(rare).not.toBeNull();
    forgetIterationSnapshot();
    const population = new Map<number, number>();
    for (const row of (
      await env.DB.prepare("SELECT kdf_iterations AS i, COUNT(*) AS n FROM accounts GROUP BY 1").all<{ i: number; n: number }>()
    ).results)
      population.set(row.i, row.n);
    expect(population.get(2_400_000)).toBeGreaterThanOrEqual(2);

    const names = Array.from({ length: 50 }, () => uniqueName("ghost"));
    const answers = [];
    for (const name of names) answers.push((await prelogin(name)).body);
    const counts = answers.map((a) => a.iterations as number);
    for (const n of counts) expect(population.has(n)).toBe(true);
    // Both counts show up for unknown names, so neither marks a name as real.
    expect(new Set(counts)).toEqual(new Set(population.keys()));
    // The same unknown name gets the same answer again.
    for (const [i, name] of names.slice(0, 5).entries()) expect((await prelogin(name)).body).toEqual(answers[i]);
    // A real account still gets its own parameters.
    const real = await prelogin(rare!.username);
    expect(real.body).toEqual({ kdf: "PBKDF2-SHA256", iterations: 2_400_000, salt: cred.salt });
  });
});

describe("per-client ceilings", () => {
  it(`prelogin: ${MAX_PRELOGINS_PER_CLIENT} a minute per client, then 429 with Retry-After; other clients unaffected`, async () => {
    const address = "192.0.2.20";
    const results = await Promise.all(Array.from({ length: MAX_PRELOGINS_PER_CLIENT + 5 }, () => prelogin(uniqueName("probe"), address)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(MAX_PRELOGINS_PER_CLIENT);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    for (const r of limited) {
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.code).toBe("rate_limited");
      const wait = Number(r.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(PRELOGIN_WINDOW_MS / 1000);
    }
    expect((await prelogin(uniqueName("probe"), "192.0.2.21")).status).toBe(200);
  });

  it(`registration: ${MAX_REGISTRATIONS_PER_CLIENT} an hour per client, then 429 with Retry-After and nothing stored`, async () => {
    const address = "192.0.2.30";
    const results = await Promise.all(
      Array.from({ length: MAX_REGISTRATIONS_PER_CLIENT }, () =>
        call("POST", "/v1/accounts", { body: registration(), headers: from(address) }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const before = await accountCount();
    // A taken username is an answer too, so it is limited like any other attempt.
    const taken = await call("POST", "/v1/accounts", {
      body: registration({ username: results[0]!.body.account.username }),
      headers: from(address),
    });
    const fresh = await call("POST", "/v1/accounts", { body: registration(), headers: from(address) });
    for (const r of [taken, fresh]) {
      expect(r.status).toBe(429);
      expect(r.body.code).toBe("rate_limited");
      const wait = Number(r.headers.get("retry-after"));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(REGISTRATION_WINDOW_MS / 1000);
    }
    expect(await accountCount()).toBe(before);
    expect((await call("POST", "/v1/accounts", { body: registration(), headers: from("192.0.2.31") })).status).toBe(201);
  });

  it("a request that fails validation is not counted", async () => {
    const address = "192.0.2.40";
    for (let i = 0; i < MAX_REGISTRATIONS_PER_CLIENT + 5; i++) {
      expect((await call("POST", "/v1/accounts", { body: registration({ email: "nope" }), headers: from(address) })).status).toBe(400);
    }
    expect((await call("POST", "/v1/accounts", { body: registration(), headers: from(address) })).status).toBe(201);
  });
});
