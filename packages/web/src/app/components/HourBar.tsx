import "./hourbar.css";
import type { Status } from "@uptop/core";
import { memo } from "react";

const HOUR_MS = 3_600_000;

function hourLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * One cell per hour coloured by the worst status of that hour. Each cell has a title, the whole bar
 * a spoken summary, and the cells differ in height too: status is never told by colour alone.
 */
export const HourBar = memo(function HourBar({
  hours,
  firstHour,
}: {
  hours: ReadonlyArray<Status | null>;
  firstHour: string;
}) {
  const start = Date.parse(firstHour);
  const counts = new Map<string, number>();
  for (const h of hours) {
    const k = h ?? "no data";
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const summary = [...counts].map(([k, n]) => `${n} h ${k.toLowerCase()}`).join(", ");
  return (
    <span className="hourbar" role="img" aria-label={`Last ${hours.length} hours: ${summary}`}>
      {hours.map((h, i) => {
        const from = start + i * HOUR_MS;
        return (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: the cells are positions in time
            key={i}
            className={`cell ${h ? `c-${h}` : "c-none"}`}
            title={`${hourLabel(from)}–${hourLabel(from + HOUR_MS)} UTC: ${h ? h.toLowerCase() : "no data"}`}
          />
        );
      })}
    </span>
  );
});
