/** An ISO timestamp from the wire as the Date every timestamp column takes (see schema.ts). */
export function dateOf(iso: string | Date): Date {
  return new Date(iso);
}

export function dateOrNull(iso: string | Date | null): Date | null {
  return iso === null ? null : new Date(iso);
}
