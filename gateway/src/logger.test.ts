/**
 * SummarizingLogger: per-request events are one immediate line per class
 * and one summary line with the count per window; classes past the limit and
 * other events behave as documented.
 */
import { describe, expect, it } from "vitest";
import { memoryLogger, SummarizingLogger } from "./logger";

const parse = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("SummarizingLogger", () => {
  it("writes the first line of each class at once and the rest as one line with the count", () => {
    const { logger, lines } = memoryLogger();
    const counted: string[] = [];
    const log = new SummarizingLogger(logger, { intervalMs: 60_000, onEvent: (event) => counted.push(event) });
    for (let i = 0; i < 500; i++) log.info("request_refused", { reason: "auth_missing", status: 407 });
    for (let i = 0; i < 300; i++) log.warn("tunnel_failed", { error: "ECONNREFUSED" });
    log.info("usage_batch_sent", { reports: 1 });
    log.info("usage_batch_sent", { reports: 1 });
    expect(parse(lines).map((l) => l.event)).toEqual(["request_refused", "tunnel_failed", "usage_batch_sent", "usage_batch_sent"]);
    expect(counted).toHaveLength(800);
    expect(log.suppressedTotal).toBe(798);

    log.flush();
    const summaries = parse(lines.slice(4));
    expect(summaries).toEqual([
      expect.objectContaining({
        level: "info",
        event: "request_refused",
        reason: "auth_missing",
        status: 407,
        repeats: 499,
        windowSec: 60,
      }),
      expect.objectContaining({ level: "warn", event: "tunnel_failed", error: "ECONNREFUSED", repeats: 300 - 1, windowSec: 60 }),
    ]);
    // A new window starts afresh: its first line is written at once again; a quiet window writes nothing.
    log.flush();
    expect(lines).toHaveLength(6);
    log.info("request_refused", { reason: "auth_missing", status: 407 });
    expect(lines).toHaveLength(7);
  });

  it("keeps at most maxClasses classes per window and counts the rest in one line", () => {
    const { logger, lines } = memoryLogger();
    const log = new SummarizingLogger(logger, { maxClasses: 3 });
    for (let i = 0; i < 100; i++) log.warn("tunnel_failed", { error: `E${i}` });
    expect(lines).toHaveLength(3);
    log.stop();
    expect(parse(lines.slice(3))).toEqual([expect.objectContaining({ event: "log_lines_suppressed", count: 97 })]);
  });
});
