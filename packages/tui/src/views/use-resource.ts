import { useEffect, useState } from "react";
import type { DashboardApi } from "../data/api-client.js";

/** Reads `path` now and whenever `version` changes (a live event, an action); keeps the last good answer. */
export function useResource<T>(
  api: DashboardApi,
  path: string,
  version: number,
): { data: T | null; error: string | null; reload(): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and tick are the reasons to read again.
  useEffect(() => {
    let gone = false;
    api.get<T>(path).then(
      (d) => {
        if (gone) return;
        setData(d);
        setError(null);
      },
      (err: Error) => {
        if (!gone) setError(err.message);
      },
    );
    return () => {
      gone = true;
    };
  }, [api, path, version, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
