import { spawnSync } from "node:child_process";

/**
 * What `promtool check metrics` says about a Prometheus text exposition: "" when clean, else its
 * lines. Null when promtool is not installed, which only a run outside CI may be: .ci/run
 * installs it, so there a missing promtool fails the test instead of skipping the lint.
 */
export function promtoolLint(exposition: string): string | null {
  const found = spawnSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" }).stdout.trim();
  if (!found) {
    if (process.env.CI) throw new Error("promtool is not installed (.ci/run installs Debian's prometheus package)");
    console.warn("promtool is not installed: the exposition lint is skipped (CI installs it)");
    return null;
  }
  const run = spawnSync(found, ["check", "metrics"], { input: exposition, encoding: "utf8" });
  const out = `${run.stdout}${run.stderr}`.trim();
  return run.status === 0 ? out : out || `promtool exited ${run.status}`;
}
