/** How much of a provider's answer is kept with a delivery attempt. */
export const ANSWER_MAX_CHARS = 500;

/** Shortens a provider's answer for storage and error messages. */
export function truncateAnswer(text: string, max = ANSWER_MAX_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max)}…` : trimmed;
}
