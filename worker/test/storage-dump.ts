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

/** Every object's key-value entries and, for objects with SQL tables of their own (the usage intakes), every row. */
export async function dumpDurableObjects(): Promise<string> {
  const out: unknown[] = [];
  for (const namespace of [env.DEVICE_SLOTS, env.RATE_LIMITER, env.USAGE_INTAKE] as unknown as DurableObjectNamespace[]) {
    for (const id of await listDurableObjectIds(namespace)) {
      const stub = namespace.get(id);
      out.push(
        await runInDurableObject(stub, async (_instance, state) => {
          const sql = state.storage.sql;
          const tables = sql
            .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
            .toArray()
            .filter(({ name }) => !name.startsWith("_cf_") && !name.startsWith("__cf") && !name.startsWith("sqlite_"));
          const rows = tables.map(({ name }) => [name, sql.exec(`SELECT * FROM "${name}"`).toArray()]);
          return [id.toString(), [...(await state.storage.list()).entries()], rows];
        }),
      );
    }
  }
  return JSON.stringify(out);
}
