import type { ReactNode } from "react";

/*
 * A table made of grid rows with ARIA table roles, for long live lists: unlike a <table>, each row
 * lays out on its own, so a change in one row does not re-measure the others, and rows off
 * screen can be skipped by the browser (content-visibility). Screen readers read it as a table.
 */

export function GridTable({ label, className, children }: { label: string; className: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a <table> lays out all its rows together (see above)
    <div role="table" className={className} aria-label={label}>
      {children}
    </div>
  );
}

export function GridRowGroup({ className, children }: { className?: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: part of the grid table above
    <div role="rowgroup" className={className}>
      {children}
    </div>
  );
}

export function GridRow({ className, id, children }: { className: string; id?: number; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: part of the grid table above
    // biome-ignore lint/a11y/useFocusableInteractive: a row of a read-only table is not a control
    <div role="row" className={className} data-monitor-id={id}>
      {children}
    </div>
  );
}

export function GridCell({
  header,
  className,
  children,
}: {
  header?: boolean;
  className?: string;
  children: ReactNode;
}) {
  if (header) {
    return (
      // biome-ignore lint/a11y/useSemanticElements: part of the grid table above
      // biome-ignore lint/a11y/useFocusableInteractive: a column header of a read-only table is not a control
      <span role="columnheader" className={className}>
        {children}
      </span>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: part of the grid table above
    <div role="cell" className={className}>
      {children}
    </div>
  );
}
