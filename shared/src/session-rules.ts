/**
 * How many tunnel sessions one device may hold open at once. A device holds
 * one session per gateway it uses (its main location, plus one per location
 * its per-site rules name), so this also bounds how many locations a device's
 * site rules can use together. The worker enforces it (409
 * `too_many_sessions`); the extension uses it to say so before asking.
 */
export const MAX_OPEN_SESSIONS_PER_DEVICE = 5;
