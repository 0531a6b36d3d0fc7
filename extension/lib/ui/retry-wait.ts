/**
 * Errors in words, with the real wait. A 429 or 503 carries Retry-After: the
 * sentence names it ("Too many attempts. Try again in 15 minutes."), counts
 * it down in place, and the controls that would only be refused again stay
 * disabled until then. Minutes are rounded up, so the page never invites a
 * try the API would still refuse; under a minute it counts in steps of ten
 * seconds (each change is announced by the live region, so not every second).
 *
 *   showError(alert, error, [submitButton]);
 */
import { toErrorInfo, type ErrorInfo } from "../api/api-error";
import { errorMessageKey } from "./error-messages";
import { t } from "./i18n";
import { shownLocale } from "./locale";

const SECOND_STEP = 10;

/** "in 15 minutes" / "in 40 seconds" / "in 2 hours", in the language shown (Intl.RelativeTimeFormat). */
export function waitPhrase(seconds: number, locale = shownLocale()): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  if (seconds > 90 * 60) return format.format(Math.ceil(seconds / 3600), "hour");
  if (seconds > 60) return format.format(Math.ceil(seconds / 60), "minute");
  const whole = Math.max(1, Math.ceil(seconds));
  return format.format(whole <= SECOND_STEP ? whole : Math.min(60, Math.ceil(whole / SECOND_STEP) * SECOND_STEP), "second");
}

/** The sentence for an error, naming the wait when the API gave one. */
export function errorText(info: ErrorInfo, secondsLeft = info.retryAfter, locale?: string): string {
  if (secondsLeft !== undefined && secondsLeft > 0) {
    if (info.code === "rate_limited") return t("errRateLimitedWait", waitPhrase(secondsLeft, locale));
    if (info.status === 503 || info.code === "unavailable") return t("errBusyWait", waitPhrase(secondsLeft, locale));
  }
  return t(errorMessageKey(info.code));
}

type Lock = Array<HTMLButtonElement | HTMLInputElement>;

/** Each target's countdown: its timer and the controls it keeps disabled. */
const running = new WeakMap<HTMLElement, { timer: ReturnType<typeof setInterval>; lock: Lock }>();

function release(lock: Lock): void {
  for (const control of lock) {
    delete control.dataset.waiting;
    control.disabled = false;
  }
}

/**
 * Shows `error` in `target`; with a Retry-After, counts down and keeps `lock` disabled until the wait is over
 * (then the sentence says so and the controls come back). Returns the ErrorInfo.
 */
export function showError(target: HTMLElement, error: unknown, lock: Lock = [], now = Date.now): ErrorInfo {
  const info = toErrorInfo(error);
  stopCountdown(target);
  target.textContent = errorText(info);
  // Which error is shown, for the form around it (a wrong password moves focus to the password field).
  target.dataset.code = info.code;
  const wait = info.retryAfter;
  if (!wait || (info.code !== "rate_limited" && info.status !== 503)) return info;
  const until = now() + wait * 1000;
  for (const control of lock) {
    control.disabled = true;
    // A form that ends its busy state leaves this control alone until the wait is over (see isWaiting).
    control.dataset.waiting = "true";
  }
  target.dataset.retryUntil = String(until);
  const tick = () => {
    const left = Math.ceil((until - now()) / 1000);
    if (left <= 0 || !target.isConnected) {
      stopCountdown(target);
      if (target.isConnected) target.textContent = t("tryAgainNow");
      return;
    }
    const text = errorText(info, left);
    // Only when the words change: the live region then announces a new wait, not the same one every second.
    if (target.textContent !== text) target.textContent = text;
  };
  running.set(target, { timer: setInterval(tick, 1000), lock });
  return info;
}

/**
 * Stops a countdown (the form is being reused for a new attempt, or another error takes its place) and gives
 * its controls back: with the timer gone, nothing else would (several buttons can share one alert).
 */
export function stopCountdown(target: HTMLElement): void {
  const countdown = running.get(target);
  if (countdown) {
    clearInterval(countdown.timer);
    release(countdown.lock);
  }
  running.delete(target);
  delete target.dataset.retryUntil;
  delete target.dataset.code;
}

/** A control kept disabled by a countdown: re-enabling a form must skip it. */
export function isWaiting(control: HTMLElement): boolean {
  return control.dataset.waiting === "true";
}
