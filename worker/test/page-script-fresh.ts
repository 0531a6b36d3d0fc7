/** Runs in Node before the workerd tests: the served page script must match its sources (else run build:pages). */
import { pageScriptIsFresh } from "../scripts/build-page-script.ts";

export default async function setup() {
  if (!(await pageScriptIsFresh())) {
    throw new Error("src/pages/generated/account-page-script.ts is stale: run npm run worker -- build:pages");
  }
}
