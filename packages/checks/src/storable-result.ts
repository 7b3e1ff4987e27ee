import { CHECK_MESSAGE_MAX_CHARS, isWellFormedText, storableText, wellFormedDeep } from "@uptop/core";
import type { CheckResult } from "./types.js";

/** The longest warning kept (a certificate's subject can be long). */
const WARNING_MAX_CHARS = 500;

function clean(text: string, max: number): string {
  return text.length <= max && isWellFormedText(text) ? text : storableText(text, max, "…");
}

/**
 * A result whose every text is storable: error messages, warnings and details quote what the
 * target sent (a JSON value, a redirect, a TXT record, a certificate subject), and a NUL or
 * half an emoji there would make the database refuse the row. Clean results, nearly all of
 * them, come back as they are.
 */
export function storableResult<R extends CheckResult>(r: R): R {
  const message = r.error ? clean(r.error.message, CHECK_MESSAGE_MAX_CHARS) : null;
  const warning = r.warning === null ? null : clean(r.warning, WARNING_MAX_CHARS);
  const details = wellFormedDeep(r.details);
  if (message === (r.error?.message ?? null) && warning === r.warning && details === r.details) return r;
  return {
    ...r,
    error: r.error && message !== null ? { ...r.error, message } : r.error,
    warning,
    details,
  };
}
