import { type ReactElement, cloneElement, useId } from "react";

interface FieldProps {
  label: string;
  /** The server's (or the form's) messages for this field; shown under it and announced. */
  errors?: readonly string[];
  hint?: string;
  /** One input, select or textarea: it gets the id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
}

/** A labelled form control with its hint and errors tied to it for screen readers. */
export function Field({ label, errors = [], hint, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={errors.length ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        "aria-invalid": errors.length ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {errorId && (
        <p className="error" id={errorId}>
          {errors.join("; ")}
        </p>
      )}
    </div>
  );
}
