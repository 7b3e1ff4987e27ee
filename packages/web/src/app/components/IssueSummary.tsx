import { useEffect, useRef } from "react";
import { ApiError, messageOf } from "../api";
import "./forms.css";

/** The server's field names, as a person reads them above the form. */
function fieldLabel(field: string, labels: Record<string, string>): string {
  const top = field.split(".")[0] ?? field;
  return labels[field] ?? labels[top] ?? field;
}

interface IssueSummaryProps {
  error: unknown;
  /** Server field name → the label the form shows for it. */
  labels?: Record<string, string>;
}

/**
 * What was wrong with a submitted form, at its top: the message and every field issue. It takes
 * the focus when it appears, so a keyboard or screen-reader user lands on it after a refusal.
 */
export function IssueSummary({ error, labels = {} }: IssueSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="notice error issue-summary" role="alert" tabIndex={-1} ref={ref}>
      <p>
        {issues.length
          ? `The server refused ${issues.length === 1 ? "1 field" : `${issues.length} fields`}; nothing was saved.`
          : messageOf(error)}
      </p>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={`${i.field}:${i.message}`}>
              {fieldLabel(i.field, labels)}: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The messages of one field (and its nested fields) in an error, for `<Field errors>`. */
export function issuesFor(error: unknown, ...fields: string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return fields.flatMap((f) => error.issuesOf(f).map((i) => i.message));
}
