/** Raw dumps of everything stored, for tests that prove what is (not) kept. */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";

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
  for (const namespace of [env.DEVICE_SLOTS, env.RATE_LIMITER] as unknown as DurableObjectNamespace[]) {
    for (const id of await listDurableObjectIds(namespace)) {
      const stub = namespace.get(id);
      out.push(await runInDurableObject(stub, async (_instance, state) => [id.toString(), [...(await state.storage.list()).entries()]]));
    }
  }
  return JSON.stringify(out);
}
