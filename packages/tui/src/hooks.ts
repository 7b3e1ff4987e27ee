import { useEffect, useState, useSyncExternalStore } from "react";
import { useInput } from "ink";
import type { DashboardModel, DashboardState } from "./data/dashboard-model.js";

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The size of the given output (a local terminal or an SSH channel), following its `resize` events. */
export function useTerminalSize(stdout: NodeJS.WriteStream | undefined, fixed?: TerminalSize): TerminalSize {
  const [size, setSize] = useState<TerminalSize>(
    () => fixed ?? { columns: stdout?.columns || 80, rows: stdout?.rows || 24 },
  );
  useEffect(() => {
    if (fixed || !stdout) return;
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

export function useModel(model: DashboardModel): DashboardState {
  return useSyncExternalStore(model.subscribe, model.getState, model.getState);
}

/** Up/down (and j/k, page keys, g/G) over a list of `length`, while `active`. */
export function useListNav(length: number, page: number, active: boolean): [number, (i: number) => void] {
  const [index, setIndex] = useState(0);
  const clamp = (i: number) => Math.max(0, Math.min(length - 1, i));
  useInput(
    (input, key) => {
      if (key.upArrow || input === "k") setIndex((i) => clamp(i - 1));
      else if (key.downArrow || input === "j") setIndex((i) => clamp(i + 1));
      else if (key.pageUp) setIndex((i) => clamp(i - page));
      else if (key.pageDown) setIndex((i) => clamp(i + page));
      else if (key.home || input === "g") setIndex(0);
      else if (key.end || input === "G") setIndex(clamp(length - 1));
    },
    { isActive: active },
  );
  return [Math.max(0, Math.min(index, length - 1)), setIndex];
}
