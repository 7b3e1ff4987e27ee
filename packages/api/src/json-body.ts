import type { z } from "zod";
import { ValidationError, zodIssues } from "@uptop/core";

/** A JSON object body checked against a schema; a 400 naming each field otherwise. */
export function parseJsonBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body))
    throw ValidationError.fromIssues(
      [{ field: "body", message: "must be a JSON object (Content-Type: application/json)" }],
      `invalid ${what}`,
    );
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ValidationError.fromIssues(zodIssues(parsed.error), `invalid ${what}`);
  return parsed.data;
}
