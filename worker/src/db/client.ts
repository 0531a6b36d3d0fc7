/** The drizzle handle over the D1 binding; code reaches it as `ctx.db` (context.ts), tests through `database(env)`. */
import { drizzle } from "drizzle-orm/d1";
import type { Env } from "../env";
import * as schema from "./schema";

export type Db = ReturnType<typeof database>;

export function database(env: Env) {
  return drizzle(env.DB, { schema });
}
