import { messageOf } from "../api";

/** An error a person can act on, announced when it appears. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      {messageOf(error)}
    </p>
  );
}
