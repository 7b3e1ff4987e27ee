import { Box, Text } from "ink";
import { fit } from "../format.js";
import { scrollOffset } from "../table/monitor-order.js";
import type { Theme } from "../theme.js";

export interface ListColumn<T> {
  title: string;
  width: number;
  text(row: T): string;
  colour?(row: T): string | undefined;
}

interface Props<T> {
  rows: readonly T[];
  columns: readonly ListColumn<T>[];
  selected: number;
  height: number;
  width: number;
  theme: Theme;
  empty: string;
}

/** A plain table with a selection, scrolled so the selection stays in view. */
export function ListView<T>({ rows, columns, selected, height, width, theme, empty }: Props<T>) {
  const offset = scrollOffset(0, selected, height - 1, rows.length);
  const last = columns.length - 1;
  const widthOf = (i: number, c: ListColumn<T>) =>
    i === last ? Math.max(4, width - columns.slice(0, last).reduce((s, x) => s + x.width + 1, 0)) : c.width;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold color={theme.accent}>
        {columns.map((c, i) => fit(c.title, widthOf(i, c))).join(" ")}
      </Text>
      {rows.length === 0 ? <Text color={theme.muted}>{empty}</Text> : null}
      {rows.slice(offset, offset + height - 1).map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are redrawn in place as the list scrolls.
        <Text key={i} wrap="truncate" inverse={offset + i === selected}>
          {columns.map((c, ci) => (
            <Text key={c.title} color={offset + i === selected ? undefined : c.colour?.(r)}>
              {fit(c.text(r), widthOf(ci, c)) + (ci < last ? " " : "")}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
