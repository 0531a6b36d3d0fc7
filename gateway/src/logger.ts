/**
 * The one way the gateway writes logs. Every line is an event name plus
 * fields that are counts, durations or error classes — never a destination
 * host, URL, port-qualified address or client address (README.md,
 * "Privacy"). Callers pass only values they computed themselves; nothing taken
 * from a request goes in here.
 *
 *   const log = createLogger();                 // JSON lines on stderr
 *   const { logger, lines } = memoryLogger();   // tests read `lines`
 *   log.info("usage_flushed", { reports: 3 });
 */

export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, number | boolean | string>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type LogSink = (line: string) => void;

export function createLogger(sink: LogSink = (line) => process.stderr.write(`${line}\n`)): Logger {
  const write = (level: LogLevel, event: string, fields?: LogFields) =>
    sink(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }));
  return {
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
  };
}

/** A logger that keeps its lines in memory, for tests that inspect what was logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger((line) => lines.push(line)), lines };
}

export const silentLogger: Logger = createLogger(() => {});

/**
 * The class of an error for logs: its code (ECONNREFUSED, ERR_JWT_EXPIRED…)
 * or constructor name. Messages are left out because Node puts addresses and
 * hostnames in them ("connect ECONNREFUSED 10.0.0.1:80").
 */
export function errorClass(error: unknown): string {
  if (error && typeof error === "object") {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]{1,64}$/i.test(code)) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === "string" && /^[A-Za-z0-9_]{1,64}$/.test(name)) return name;
  }
  return "unknown";
}

/**
 * Events one client can cause once per request it sends (a refused or
 * malformed request, a destination that would not answer). Written one line
 * each, a client that sends them, or connects and drops, in a loop could grow
 * the log without bound, so `SummarizingLogger` writes the first of each
 * class per window at once and the rest as one line with a count when the
 * window closes.
 */
const PER_REQUEST_EVENTS: ReadonlySet<string> = new Set(["request_refused", "tunnel_failed", "forward_failed", "proxy_internal_error"]);

export interface SummarizingLoggerOptions {
  /** Length of one summary window; default one minute. */
  intervalMs?: number;
  /** Distinct classes kept per window; events of further classes are only counted as suppressed. */
  maxClasses?: number;
  /** Told about every per-request event, written or not (the metrics count refusals here). */
  onEvent?: (event: string, fields: LogFields) => void;
}

interface Tally {
  level: LogLevel;
  event: string;
  fields: LogFields;
  repeats: number;
}

/**
 * A logger in front of another that rate-limits PER_REQUEST_EVENTS: per
 * window at most one immediate line and one summary line (`repeats: n`) per
 * class — event plus its fields, which are classes and status codes only —
 * and one `log_lines_suppressed` line for classes beyond `maxClasses`. Other
 * events pass straight through.
 *
 *   const logger = new SummarizingLogger(createLogger(), { onEvent: (e, f) => metrics.count(e, f) });
 *   logger.start();   // window timer (unref'd)
 *   logger.flush();   // writes pending summaries now (at shutdown)
 */
export class SummarizingLogger implements Logger {
  private readonly tallies = new Map<string, Tally>();
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly maxClasses: number;
  /** Lines held back since start, for the metrics. */
  suppressedTotal = 0;

  constructor(
    private readonly inner: Logger,
    private readonly options: SummarizingLoggerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxClasses = options.maxClasses ?? 64;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }

  info(event: string, fields?: LogFields): void {
    this.write("info", event, fields);
  }

  warn(event: string, fields?: LogFields): void {
    this.write("warn", event, fields);
  }

  error(event: string, fields?: LogFields): void {
    this.write("error", event, fields);
  }

  /** Ends the window: one line per class that repeated, then one for classes over the limit. */
  flush(): void {
    const windowSec = Math.round(this.intervalMs / 1000);
    for (const tally of this.tallies.values()) {
      if (tally.repeats > 0) this.inner[tally.level](tally.event, { ...tally.fields, repeats: tally.repeats, windowSec });
    }
    this.tallies.clear();
    if (this.suppressed > 0) this.inner.warn("log_lines_suppressed", { count: this.suppressed, windowSec });
    this.suppressed = 0;
  }

  private write(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (!PER_REQUEST_EVENTS.has(event)) {
      this.inner[level](event, fields);
      return;
    }
    this.options.onEvent?.(event, fields);
    const key = `${level} ${event} ${JSON.stringify(fields)}`;
    const tally = this.tallies.get(key);
    if (tally) {
      tally.repeats++;
      this.suppressedTotal++;
      return;
    }
    if (this.tallies.size >= this.maxClasses) {
      this.suppressed++;
      this.suppressedTotal++;
      return;
    }
    this.tallies.set(key, { level, event, fields, repeats: 0 });
    this.inner[level](event, fields);
  }
}

/** A logger that adds fixed fields to every line (a cluster worker's number). */
export function withFields(inner: Logger, fixed: LogFields): Logger {
  return {
    info: (event, fields) => inner.info(event, { ...fixed, ...fields }),
    warn: (event, fields) => inner.warn(event, { ...fixed, ...fields }),
    error: (event, fields) => inner.error(event, { ...fixed, ...fields }),
  };
}
