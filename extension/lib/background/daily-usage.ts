/**
 * Traffic per day over the last days (the popup's bar chart), from the
 * sessions `GET /v1/usage` lists newest first. A session counts on the day it
 * started (the API keeps no finer record, by design). Pages are fetched until
 * a session older than the window shows up, at most `maxPages` of them.
 *
 *   const days = await dailyUsage((cursor) => api.usage(cursor, 100), Date.now(), 30);
 */
import type { UsageResponse } from "@cargo-vpn/shared/schemas";

export interface DailyUsage {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  bytesUp: number;
  bytesDown: number;
}

/** The local calendar day of an instant, as YYYY-MM-DD. */
function localDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export async function dailyUsage(
  page: (cursor: string | null) => Promise<UsageResponse>,
  now: number,
  days: number,
  maxPages = 10,
): Promise<DailyUsage[]> {
  const window: DailyUsage[] = [];
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (days - 1));
  for (let i = 0; i < days; i++) {
    const day = new Date(start);
    day.setDate(start.getDate() + i);
    window.push({ day: localDay(day.getTime()), bytesUp: 0, bytesDown: 0 });
  }
  const byDay = new Map(window.map((d) => [d.day, d]));
  let cursor: string | null = null;
  for (let n = 0; n < maxPages; n++) {
    const answer = await page(cursor);
    let older = false;
    for (const session of answer.sessions) {
      const at = Date.parse(session.startedAt);
      if (at < start.getTime()) {
        older = true;
        continue;
      }
      const entry = byDay.get(localDay(at));
      if (entry) {
        entry.bytesUp += session.bytesUp;
        entry.bytesDown += session.bytesDown;
      }
    }
    cursor = answer.nextCursor;
    if (older || !cursor) break;
  }
  return window;
}
