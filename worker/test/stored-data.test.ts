/**
 * The privacy promise at rest: after the whole account flow, nothing in D1 or
 * in Durable Object storage holds the username, email, authKey or password in
 * plaintext (the test reads the raw rows and the raw object storage).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, signIn, newDevice, register } from "./client";
import { dumpD1, dumpDurableObjects } from "./storage-dump";

describe("what is stored", () => {
  it("holds no plaintext username, email, authKey or password", async () => {
    const username = `Priv.Acy-${Date.now().toString(36)}`;
    const user = await register({ username, email: `Secret.Person+${Date.now()}@Example.org` });
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const device = newDevice("chrome", "Chrome on Linux");
    const session = await signIn(user, device);
    expect(session.status).toBe(200);
    await call("POST", "/v1/auth/refresh", { body: { refreshToken: session.body.refreshToken } });
    await call("POST", "/v1/auth/login", { body: { username, authKey: user.cred.wrongAuthKey, device: newDevice() } });
    await call("GET", "/v1/devices", { token: session.body.accessToken });

    const d1 = await dumpD1();
    const objects = await dumpDurableObjects();
    expect(d1).toContain(user.id); // the dump really holds the account's rows
    expect(objects.length).toBeGreaterThan(50);

    const needles = [
      username,
      username.toLowerCase(),
      user.email,
      user.email.toLowerCase(),
      "secret.person",
      user.cred.authKey,
      user.cred.wrongAuthKey,
      user.cred.password,
      "Chrome on Linux",
      session.body.refreshToken,
    ];
    for (const needle of needles) {
      expect(d1, `D1 holds ${needle}`).not.toContain(needle);
      expect(objects.toLowerCase(), `Durable Objects hold ${needle}`).not.toContain(needle.toLowerCase());
    }
    // The device record exists and is ciphertext.
    expect(objects).not.toContain(device.id);
  });
});

describe("what a usage intake stores", () => {
  it("batch ids, session ids, byte counts and times only, and the scan really reads the intakes", async () => {
    const { provisionGateway, signedIn } = await import("./client");
    const gw = await provisionGateway({ host: "gw-needle.example.net" });
    const s = await signedIn();
    const opened = await call("POST", "/v1/tunnel/sessions", { token: s.token, body: { locationId: gw.id } });
    const sessionId = opened.body.session.id as string;
    const batch = { batchId: crypto.randomUUID(), reports: [{ sessionId, bytesUp: 12345, bytesDown: 67890 }] };
    expect((await call("POST", "/v1/gateway/usage", { body: batch, headers: gw.auth })).body.accepted).toBe(1);
    const stub = env.USAGE_INTAKE.get(env.USAGE_INTAKE.idFromName(gw.id));
    const scan = async () => {
      const objects = await dumpDurableObjects();
      expect(objects).toContain(sessionId); // positive control: the intake's SQL rows are in the dump
      expect(objects).toContain("67890");
      for (const needle of [s.user.username, s.user.email, "gw-needle", "Chrome on Linux", s.user.id, gw.id]) {
        expect(objects, `Durable Objects hold ${needle}`).not.toContain(needle);
      }
    };
    await scan(); // the batch row
    // A fold D1 refuses stays in the intake's folds table: scanned too.
    await env.DB.prepare(
      "CREATE TRIGGER refuse_fold BEFORE UPDATE OF usage_fold ON tunnel_sessions BEGIN SELECT RAISE(ABORT, 'no'); END",
    ).run();
    try {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    } finally {
      await env.DB.prepare("DROP TRIGGER refuse_fold").run();
    }
    await scan();
    const columns = await runInDurableObject(stub, (_o, state) =>
      Object.fromEntries(
        ["batches", "folds"].map((table) => [
          table,
          state.storage.sql
            .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
            .toArray()
            .map((c) => c.name)
            .sort(),
        ]),
      ),
    );
    expect(columns).toEqual({
      batches: ["id", "reports", "taken_at"],
      folds: ["batch_ids", "made_at", "parts", "seq"],
    });
  });
});
