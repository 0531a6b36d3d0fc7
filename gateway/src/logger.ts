/**
 * The one way the gateway writes logs. Every line is an event name plus
 * fields that are counts, durations or error classes — never a destination
 * host, URL, port-qualified address or client address (DESIGN.md, "Gateway
 * safety"). Callers pass only values they computed themselves; nothing taken
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
