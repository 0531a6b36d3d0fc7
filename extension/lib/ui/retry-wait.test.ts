// @vitest-environment happy-dom
/**
 * The real wait of a 429/503 (Retry-After), in words, counted down, with the
 * controls that would only be refused again disabled until it is over.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installMessages } from "../../tests/support/popup-harness";
import { ApiError } from "../api/api-error";
import { errorText, isWaiting, showError, waitPhrase } from "./retry-wait";

beforeEach(() => {
  installMessages();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("waitPhrase", () => {
  it("rounds minutes up, so it never invites a try the API would still refuse", () => {
    expect(waitPhrase(899, "en")).toBe("in 15 minutes");
    expect(waitPhrase(61, "en")).toBe("in 2 minutes");
    expect(waitPhrase(60, "en")).toBe("in 60 seconds");
    expect(waitPhrase(41, "en")).toBe("in 50 seconds");
    expect(waitPhrase(7, "en")).toBe("in 7 seconds");
    expect(waitPhrase(1, "en")).toBe("in 1 second");
    expect(waitPhrase(3 * 3600, "en")).toBe("in 3 hours");
  });

  it("speaks the language shown, plurals included (Intl.RelativeTimeFormat)", () => {
    expect(waitPhrase(899, "de")).toBe("in 15 Minuten");
    expect(waitPhrase(120, "ru")).toBe("через 2 минуты");
    expect(waitPhrase(300, "ru")).toBe("через 5 минут");
  });
});

describe("showError", () => {
  it("a 429 with Retry-After: 899 says 15 minutes, counts down, and keeps the button disabled until then", () => {
    const alert = document.createElement("p");
    document.body.append(alert);
    const button = document.createElement("button");
    showError(alert, new ApiError({ code: "rate_limited", status: 429, retryAfter: 899 }), [button]);
    expect(alert.textContent).toBe("Too many attempts. Try again in 15 minutes.");
    expect(button.disabled).toBe(true);
    expect(isWaiting(button)).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(alert.textContent).toBe("Too many attempts. Try again in 14 minutes.");
    vi.advanceTimersByTime(14 * 60_000 - 30_000);
    expect(alert.textContent).toBe("Too many attempts. Try again in 30 seconds.");
    expect(button.disabled).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(alert.textContent).toBe("You can try again now.");
    expect(button.disabled).toBe(false);
    expect(isWaiting(button)).toBe(false);
  });

  it("a new error in the same place never leaves the controls of the countdown it replaces disabled", () => {
    // The device-limit view: one alert under several "Free slot for …" buttons.
    const alert = document.createElement("p");
    document.body.append(alert);
    const first = document.createElement("button");
    const second = document.createElement("button");
    showError(alert, new ApiError({ code: "rate_limited", status: 429, retryAfter: 600 }), [first]);
    expect(first.disabled).toBe(true);
    showError(alert, new ApiError({ code: "invalid_credentials", status: 401 }), [second]);
    expect(alert.textContent).toBe("Wrong username or password.");
    expect(first.disabled).toBe(false);
    expect(isWaiting(first)).toBe(false);
    vi.advanceTimersByTime(601_000);
    expect(first.disabled).toBe(false);
  });

  it("a 503 with Retry-After says the service is busy and for how long", () => {
    const alert = document.createElement("p");
    document.body.append(alert);
    showError(alert, new ApiError({ code: "unavailable", status: 503, retryAfter: 120 }));
    expect(alert.textContent).toBe("The Cargo VPN service is busy. Try again in 2 minutes.");
  });

  it("without Retry-After, the plain sentence and nothing disabled", () => {
    const alert = document.createElement("p");
    const button = document.createElement("button");
    showError(alert, new ApiError({ code: "invalid_credentials", status: 401 }), [button]);
    expect(alert.textContent).toBe("Wrong username or password.");
    expect(alert.dataset.code).toBe("invalid_credentials");
    expect(button.disabled).toBe(false);
    expect(errorText({ code: "rate_limited", status: 429 })).toBe("Too many attempts. Wait a little and try again.");
  });
});
