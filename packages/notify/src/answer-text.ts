import { storableText } from "@uptop/core";

/** How much of a provider's answer is kept with a delivery attempt. */
export const ANSWER_MAX_CHARS = 500;

/**
 * Shortens a provider's answer for storage and error messages, made storable on the way: it is
 * whatever the receiver sent, and a NUL or half an emoji would make the database refuse the row.
 */
export function truncateAnswer(text: string, max = ANSWER_MAX_CHARS): string {
  return storableText(text.trim(), max, "…");
}
