/**
 * axe-core (pinned 4.x) run in a real page by playwright-core: the rules of
 * WCAG 2.0, 2.1 and 2.2 at levels A and AA. The engine's source is evaluated
 * through the DevTools protocol, which an extension page's CSP (script-src
 * 'self') does not govern, so the page under test stays exactly as shipped.
 *
 *   expect(await axeViolations(popup)).toEqual([]);
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The violations axe finds in `page` as it is now (only what is rendered counts: hidden views are skipped). */
export async function axeViolations(page: Page, tags: string[] = WCAG22_AA): Promise<AxeViolation[]> {
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(AXE_SOURCE);
  // A string, not a function: this package has no DOM typings, and the page runs it as it is.
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(tags)} }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  })()`) as Promise<AxeViolation[]>;
}
