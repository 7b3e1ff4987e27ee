import { useEffect, useRef, useState } from "react";
import "./forms.css";

interface CopyOnceProps {
  label: string;
  value: string;
  onDismiss: () => void;
}

/** A secret the server shows once (a new API token): readable, copyable, gone when dismissed. */
export function CopyOnce({ label, value, onDismiss }: CopyOnceProps) {
  const [copied, setCopied] = useState<string>("");
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("Copied.");
    } catch {
      setCopied("Copying failed: select the text and copy it.");
    }
  };
  return (
    <section className="notice copy-once" ref={ref} tabIndex={-1} aria-labelledby="copy-once-label">
      <p id="copy-once-label">
        <strong>{label}</strong>: shown only now. Copy it; it cannot be shown again.
      </p>
      <p>
        <code className="secret-once" data-testid="secret-once">
          {value}
        </code>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDismiss}>
          Done
        </button>
        <span role="status">{copied}</span>
      </div>
    </section>
  );
}
