/**
 * Typed errors. Each carries a stable code and the HTTP status the API maps it to, so the HTTP
 * layer translates errors in one place instead of every route guessing.
 */
export class UptopError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details: unknown;

  constructor(code: string, message: string, httpStatus = 500, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = details;
  }
}

/** What to log for a caught value: an Error's message, anything else as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface FieldIssue {
  field: string;
  message: string;
}

const NUL_MESSAGE = "must not contain a NUL character (\\u0000)";
const SURROGATE_MESSAGE = "must be valid Unicode text: it holds half of a surrogate pair (half a character)";
/** Far beyond any real document, far below where JSON.stringify runs out of stack. */
const MAX_DEPTH = 64;

export interface UnstorableOptions {
  /**
   * Check strings and keys (default true). Off for data that comes from machines and is made
   * storable by its route instead of refused (a push message, a probe's error text).
   */
  text?: boolean;
}

/** Why a string cannot be stored, or null: U+0000 anywhere, or a lone surrogate (refused in jsonb). */
function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return NUL_MESSAGE;
  return text.isWellFormed() ? null : SURROGATE_MESSAGE;
}

/**
 * What input cannot be stored as it is, as issues named by dotted path (`root` names the value
 * itself, for a bare string): U+0000 in a string or a key, which Postgres refuses in text and
 * jsonb, half a surrogate pair, which it refuses in jsonb, and nesting deeper than 64 levels, on
 * which JSON.stringify overflows the stack. Any would be a 500 from the database layer; found at
 * the edge it is a 400. Breadth-first over a queue, so the walk itself never recurses.
 */
export function unstorableIssues(value: unknown, root = "", options: UnstorableOptions = {}): FieldIssue[] {
  const text = options.text ?? true;
  const issues: FieldIssue[] = [];
  const queue: Array<[unknown, string, number]> = [[value, root, 0]];
  const shown = (key: string) => key.replaceAll("\u0000", "\\u0000").toWellFormed();
  let tooDeep = false;
  for (let i = 0; i < queue.length; i++) {
    const [v, path, depth] = queue[i]!;
    if (typeof v === "string") {
      const problem = text ? textProblem(v) : null;
      if (problem) issues.push({ field: path, message: problem });
    } else if (v !== null && typeof v === "object") {
      if (depth === MAX_DEPTH) {
        if (!tooDeep) issues.push({ field: path, message: `is nested more than ${MAX_DEPTH} levels deep` });
        tooDeep = true;
        continue;
      }
      for (const [key, child] of Object.entries(v)) {
        const field = path ? `${path}.${shown(key)}` : shown(key);
        const problem = text ? textProblem(key) : null;
        if (problem) issues.push({ field, message: `field name ${problem}` });
        queue.push([child, field, depth + 1]);
      }
    }
  }
  return issues;
}

export class ValidationError extends UptopError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super("VALIDATION", message, 400, issues.length ? { issues } : undefined);
    this.issues = issues;
  }

  /** `first.field: first.message (and N more)`, the summary every validator prints; `whole` names an issue without a field. */
  static fromIssues(issues: FieldIssue[], fallback = "invalid input", whole = "body"): ValidationError {
    const first = issues[0];
    const summary = first ? `${first.field || whole}: ${first.message}` : fallback;
    return new ValidationError(issues.length > 1 ? `${summary} (and ${issues.length - 1} more)` : summary, issues);
  }
}

export class UnauthorizedError extends UptopError {
  constructor(message = "missing or invalid credentials") {
    super("UNAUTHORIZED", message, 401);
  }
}

export class ForbiddenError extends UptopError {
  constructor(message = "forbidden") {
    super("FORBIDDEN", message, 403);
  }
}

export class NotFoundError extends UptopError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`, 404);
  }
}

export class ConflictError extends UptopError {
  constructor(message: string, details?: unknown) {
    super("CONFLICT", message, 409, details);
  }
}

export class PayloadTooLargeError extends UptopError {
  constructor(limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", `request body is larger than ${limitBytes} bytes`, 413);
  }
}

export class UnavailableError extends UptopError {
  constructor(message: string) {
    super("UNAVAILABLE", message, 503);
  }
}

/** A bad environment variable: the process prints `message` as one line and exits with code 2. */
export class ConfigError extends UptopError {
  readonly variable: string;
  constructor(variable: string, problem: string, example: string) {
    super("CONFIG", `${variable}: ${problem} (example: ${variable}=${example})`, 500);
    this.variable = variable;
  }
}

/** A secret that cannot be decrypted with the configured key. */
export class SecretKeyError extends UptopError {
  constructor(message: string) {
    super("SECRET_KEY", message, 500);
  }
}

/**
 * The node must not run as it is set up — its database is led by another live node, say. The
 * service logs `message` as one line (it names the cause and what to do) and exits with code 2.
 */
export class RefusedToRunError extends UptopError {
  readonly exitCode = 2;
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 500, details);
  }
}
