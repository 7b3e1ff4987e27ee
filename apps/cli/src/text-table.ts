/** A column of a plain-text table. */
export interface Column<T> {
  head: string;
  cell(row: T): string;
  align?: "left" | "right";
  /** The one column that shrinks (its cells cut with "…") so the table fits the width. */
  flex?: boolean;
  /** Colours a cell after padding, so escape codes do not count towards its width. */
  paint?(row: T, padded: string): string;
}

const GAP = "  ";

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text;
}

/**
 * Rows as lines no wider than `width`: every column as wide as its widest cell, and the flexible
 * column cut down when the rest leave it less room. Trailing spaces are trimmed.
 */
export function textTable<T>(rows: readonly T[], columns: readonly Column<T>[], width = 80): string[] {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.head.length, ...cells.map((row) => row[i]!.length)));
  const flex = columns.findIndex((c) => c.flex);
  if (flex >= 0) {
    const others = widths.reduce((sum, w, i) => (i === flex ? sum : sum + w), 0) + GAP.length * (columns.length - 1);
    widths[flex] = Math.max(columns[flex]!.head.length, Math.min(widths[flex]!, width - others));
  }
  const line = (values: string[], row: T | undefined) =>
    columns
      .map((c, i) => {
        const w = widths[i]!;
        const text = fit(values[i]!, w);
        const padded = c.align === "right" ? text.padStart(w) : text.padEnd(w);
        return row !== undefined && c.paint ? c.paint(row, padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.head),
      undefined,
    ),
    ...rows.map((r, i) => line(cells[i]!, r)),
  ];
}
