/**
 * The privacy promise at rest: after the whole account flow, nothing in D1 or
 * in Durable Object storage holds the username, email, authKey or password in
 * plaintext (the test reads the raw rows and the raw object storage).
 */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, login, newDevice, register } from "./client";

export async function dumpD1(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables.results) {
    if (name.startsWith("_cf_") || name === "sqlite_sequence") continue;
    dump[name] = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results;
  }
  return JSON.stringify(dump);
}

export async function dumpDurableObjects(): Promise<string> {
  const out: unknown[] = [];
  for (const namespace of [env.ACCOUNT_DEVICES, env.LOGIN_THROTTLE] as unknown as DurableObjectNamespace[]) {
    for (const id of await listDurableObjectIds(namespace)) {
      const stub = namespace.get(id);
      out.push(await runInDurableObject(stub, async (_instance, state) => [id.toString(), [...(await state.storage.list()).entries()]]));
    }
  }
  return JSON.stringify(out);
}

describe("what is stored", () => {
  it("holds no plaintext username, email, authKey or password", async () => {
    const username = `Priv.Acy-${Date.now().toString(36)}`;
    const user = await register({ username, email: `Secret.Person+${Date.now()}@Example.org` });
    await env.DB.prepare("UPDATE accounts SET plan_id = 'plus' WHERE id = ?").bind(user.id).run();
    const device = newDevice("chrome", "Chrome on Linux");
    const session = await login(user, device);
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
