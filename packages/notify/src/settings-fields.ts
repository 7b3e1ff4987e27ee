import { z } from "zod";

/** Zod words a missing field as a type mismatch; users want to hear that it is required. */
const requiredMessage = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? "is required" : `must be ${what}`;

export function requiredString(max = 10_000) {
  return z
    .string({ error: requiredMessage("a string") })
    .trim()
    .min(1, "is required")
    .max(max);
}

export function optionalString(max = 10_000) {
  return z.string({ error: "must be a string" }).trim().max(max).optional();
}

/** An http(s) URL: every provider's base URL can point at a self-hosted instance or a proxy. */
export function httpUrl() {
  return z
    .string({ error: requiredMessage("an http(s) URL") })
    .trim()
    .max(4096)
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http(s) URL");
}

export function httpUrlWithDefault(defaultUrl: string) {
  return httpUrl().default(defaultUrl);
}

export function intInRange(min: number, max: number) {
  return z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Extra HTTP headers: valid names, values without line breaks (no header injection). */
export function headerMap() {
  return z.record(
    z.string().regex(HEADER_NAME, "is not a valid header name"),
    z
      .string({ error: "must be a string" })
      .max(8192)
      .refine((v) => !/[\r\n]/.test(v), "must not contain line breaks"),
  );
}
