/**
 * Environment that keeps the tools the scripts start from reporting on the
 * developer: a privacy-first project should not send its developers' usage
 * anywhere by default. Applied by scripts/run.mjs to everything it starts
 * (`npm start`, `npm test`, `npm run wrangler -- …`, …) and by
 * scripts/stack/wrangler.ts to the wrangler it starts itself. A value the
 * developer set is kept, so opting in stays possible.
 *
 * - wrangler: usage telemetry to Cloudflare (also `send_metrics = false` in
 *   wrangler.toml) and crash reports to Cloudflare's Sentry; DO_NOT_TRACK is
 *   the cross-tool convention wrangler honours first.
 * - web-ext (the Firefox lint in the extension's tests): its update-notifier
 *   asks the npm registry about new versions every three days.
 * - npm and pnpm (npx): their update notifiers do the same.
 * - wrangler dev's local trace collector (X_LOCAL_OBSERVABILITY, on by
 *   default) writes every request's URL and every query's text into the state
 *   folder (v3/observability) and costs workerd about 13 % of its CPU; the
 *   storage scans promise that folder holds nothing readable about a user.
 * WXT, vitest, esbuild, biome, knip, drizzle-kit and playwright-core send
 * nothing (tool-telemetry.test.ts records how that was checked).
 */
export const QUIET_TOOL_ENV = Object.freeze({
  DO_NOT_TRACK: "1",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  NO_UPDATE_NOTIFIER: "1",
  npm_config_update_notifier: "false",
  X_LOCAL_OBSERVABILITY: "false",
});

/** `env` with every QUIET_TOOL_ENV variable it does not set already. */
export function withQuietTools(env) {
  return { ...QUIET_TOOL_ENV, ...env };
}
