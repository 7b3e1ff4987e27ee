import type { ReactNode } from "react";

/**
 * A table's sideways-scrolling frame on a phone. It takes focus so a keyboard can scroll it when
 * nothing inside can be focused (WCAG 2.1.1), and is named for the screen reader it stops at.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
