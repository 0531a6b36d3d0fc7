/**
 * Firefox's built-in data consent for the opt-in telemetry: the manifest
 * declares "technicalAndInteraction" as optional data collection
 * (wxt.config.ts), so turning telemetry on asks Firefox for it and turning it
 * off gives it back. Chrome has no such consent: there the opt-in alone counts.
 *
 *   if (!(await requestDataConsent(browser.permissions))) return;   // in the click handler
 */
const TELEMETRY_DATA = { data_collection: ["technicalAndInteraction"] };

export interface DataConsentPermissions {
  request(permissions: typeof TELEMETRY_DATA): Promise<boolean>;
  remove(permissions: typeof TELEMETRY_DATA): Promise<boolean>;
  contains(permissions: typeof TELEMETRY_DATA): Promise<boolean>;
}

/** Must be called inside the user's click handler, before any other await (Firefox requires the gesture). */
export function requestDataConsent(permissions: DataConsentPermissions): Promise<boolean> {
  return permissions.request(TELEMETRY_DATA).catch(() => false);
}

export async function revokeDataConsent(permissions: DataConsentPermissions): Promise<void> {
  await permissions.remove(TELEMETRY_DATA).catch(() => false);
}

export function hasDataConsent(permissions: DataConsentPermissions): Promise<boolean> {
  return permissions.contains(TELEMETRY_DATA).catch(() => false);
}
