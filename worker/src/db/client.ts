/** The drizzle handle over the D1 binding; code reaches it as `ctx.db` (context.ts), tests through `database(env)`. */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof build>;

const build = (binding: D1Database) => drizzle(binding, { schema });

// One handle per binding for the isolate's life: building one walks the whole schema, on every request otherwise.
const handles = new WeakMap<D1Database, Db>();

/** `env`: anything with the D1 binding (the worker's Env, or a test's). */
export function database(env: { DB: D1Database }): Db {
  let db = handles.get(env.DB);
  if (!db) {
    db = build(env.DB);
    handles.set(env.DB, db);
  }
  return db;
}
