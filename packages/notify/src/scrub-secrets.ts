export const REDACTED = "********";

/**
 * Secrets shorter than this are not scrubbed from text: replacing a two-character password
 * everywhere would mangle the message ("HTTP 500") without hiding anything worth hiding.
 */
const MIN_SCRUB_LENGTH = 4;

/** Every string inside the settings' secret fields, plus the forms a URL secret takes in errors. */
export function secretValues(settings: Record<string, unknown>, secretFields: readonly string[]): string[] {
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") {
      values.push(value, encodeURIComponent(value));
      // Webhook URLs carry their token in the path; an error may quote the path alone.
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (url && url.pathname.length > 1) values.push(url.pathname + url.search);
    } else if (value && typeof value === "object") {
      for (const v of Object.values(value)) collect(v);
    }
  };
  for (const field of secretFields) collect(settings[field]);
  // Longest first, so a URL is replaced whole before its path would be.
  return [...new Set(values)].filter((v) => v.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
}

/** Replaces every secret in `text` with the redaction marker. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
