import { UptopError, type FieldIssue } from "@uptop/core";

/** A spec `runCheck` cannot run: a bug or unvalidated input, never a target failure. */
export class InvalidCheckSpecError extends UptopError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    const first = issues[0];
    const summary = first ? `${first.field}: ${first.message}` : "invalid check spec";
    super("INVALID_CHECK_SPEC", issues.length > 1 ? `${summary} (and ${issues.length - 1} more)` : summary, 400, {
      issues,
    });
    this.issues = issues;
  }
}
