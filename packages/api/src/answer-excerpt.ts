/** How much of a receiver's answer a channel test shows. */
export const EXCERPT_MAX_CHARS = 200;
export const EXCERPT_REDACTED = "[redacted]";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** C0, DEL, C1, format characters (zero-width, bidi overrides, BOM), line and paragraph separators. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const TRAILING_PUNCTUATION = /[)\]}>.,;:!?'"]+$/;
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token)\s+[\w.~+/=-]+/gi;
/** `"token": "v"`, `password=v`, `X-Api-Key: v`: the value after a credential-sounding key. */
const CREDENTIAL_VALUE =
  /(["']?[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|auth[\w-]*|session[\w-]*|cookie|credentials?|private[_-]?key|signature)[\w.-]*["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}\]]+)/gi;
const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
/** An opaque run of 24+ characters mixing letters and digits: a key, a hash, a session id. */
const OPAQUE = /[A-Za-z0-9_+/=-]{24,}/g;

/**
 * A receiver's answer (or an error quoting it) as a channel test may show it to the API caller.
 * A channel URL is text anyone with the admin token can type, so the answer may come from any
 * service a send can reach; the caller gets evidence, not a proxy. Control and bidi characters
 * go, URLs are cut to their origin (tokens ride in userinfo, paths and queries), values that
 * look like credentials are replaced, and at most `maxChars` characters remain.
 */
export function answerExcerpt(text: string, maxChars = EXCERPT_MAX_CHARS): string {
  const scrubbed = text
    .replace(LONE_SURROGATE, "")
    .replace(PRIVATE_KEY, EXCERPT_REDACTED)
    .replace(CONTROL, " ")
    .replace(/\s+/g, " ")
    .replace(URL_LIKE, originOnly)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${EXCERPT_REDACTED}`)
    .replace(CREDENTIAL_VALUE, (_m, key: string, value: string) => key + quoted(value))
    .replace(JWT, EXCERPT_REDACTED)
    .replace(AWS_KEY_ID, EXCERPT_REDACTED)
    .replace(OPAQUE, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? EXCERPT_REDACTED : run))
    .trim();
  const chars = Array.from(scrubbed);
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join("")}…` : scrubbed;
}

function originOnly(match: string): string {
  const tail = TRAILING_PUNCTUATION.exec(match)?.[0] ?? "";
  const url = match.slice(0, match.length - tail.length);
  if (!URL.canParse(url)) return `[url]${tail}`;
  const parsed = new URL(url);
  if (parsed.origin === "null") return `[url]${tail}`;
  const more = parsed.username || parsed.password || parsed.pathname.length > 1 || parsed.search || parsed.hash;
  return `${parsed.origin}${more ? "/…" : ""}${tail}`;
}

function quoted(value: string): string {
  const q = value[0];
  return q === '"' || q === "'" ? `${q}${EXCERPT_REDACTED}${q}` : EXCERPT_REDACTED;
}
