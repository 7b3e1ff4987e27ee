import winston from "winston";

export type Logger = winston.Logger;

/** Field names whose values never reach a log line. */
const SECRET_KEY =
  /(secret|token|password|passwd|authorization|api[-_]?key|private[-_]?key|encryption[-_]?key|cookie|dsn)$/i;
const REDACTED = "[redacted]";

/** Credentials embedded in URLs (`https://user:pass@host`) are masked wherever they appear. */
function scrubString(s: string): string {
  return s.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+):([^/@\s]+)@/gi, `$1$2:${REDACTED}@`);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return value;
  if (typeof value === "string") return scrubString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: scrubString(value.message), stack: value.stack && scrubString(value.stack) };
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== "" ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === "level" || key === "timestamp") continue;
    const v = info[key];
    info[key] = SECRET_KEY.test(key) && v ? REDACTED : redact(v);
  }
  return info;
});

export interface LoggerOptions {
  level?: string;
  /** Fixed fields on every line, e.g. { node: "leader", role: "leader" }. */
  defaultMeta?: Record<string, unknown>;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  stream?: NodeJS.WritableStream;
}

/** JSON lines on stdout: `{"level":"info","message":"monitor down","monitorId":7,...}`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: options.level ?? "info",
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [
      options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console(),
    ],
  });
}
