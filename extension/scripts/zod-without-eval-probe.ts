/**
 * A build plugin for wxt.config.ts: zod (the shared contract's schemas, which
 * the background parses every API answer with) probes once whether
 * `new Function` works, to compile faster parsers when it does. An
 * extension's CSP forbids eval, so in the extension the probe can only fail,
 * and AMO's linter refuses a bundle that contains it (DANGEROUS_EVAL, and
 * `web-ext lint --warnings-as-errors` must pass). The plugin replaces the probe
 * with its answer, `false`; zod then parses without generated code, as it does
 * on Cloudflare Workers. If zod's probe ever changes shape the build fails
 * here, rather than a lint failure later or a silently kept probe.
 *
 *   vite: () => ({ plugins: [zodWithoutEvalProbe()] }),
 */
const ZOD_UTIL = /[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/;
const PROBE = /const F = Function;\s*new F\(""\);\s*return true;/;

export function zodWithoutEvalProbe() {
  return {
    name: "cargo:zod-without-eval-probe",
    enforce: "pre" as const,
    transform(code: string, id: string): string | null {
      if (!ZOD_UTIL.test(id)) return null;
      if (!PROBE.test(code)) throw new Error(`zod's eval probe in ${id} changed shape: update extension/scripts/zod-without-eval-probe.ts`);
      return code.replace(PROBE, "return false;");
    },
  };
}
