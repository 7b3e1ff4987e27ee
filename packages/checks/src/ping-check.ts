import { spawn } from "node:child_process";
import { truncateText, type CheckError } from "@uptop/core";
import { Deadline, timeoutMessage } from "./deadline.js";
import { parsePingOutput } from "./ping-output.js";
import { vetTarget } from "@uptop/ssrf-guard";
import type { CheckOptions, PingCheckResult, PingCheckSpec, PingDetails } from "./types.js";

const OUTPUT_CAP = 64 * 1024;

export async function runPingCheck(spec: PingCheckSpec, options: CheckOptions): Promise<PingCheckResult> {
  const timeoutS = spec.timeoutS ?? 10;
  // Grace past ping's own deadline (-w) so ping prints its summary before we give up on it.
  const deadline = new Deadline(timeoutS * 1000 + 1000, options.signal);
  const count = spec.pingCount ?? 3;
  const details: PingDetails = { address: null, sent: 0, received: 0, lossPercent: null, avgRttMs: null };
  let latencyMs: number | null = null;
  let warning: string | null = null;
  const finish = (error: CheckError | null): PingCheckResult => ({
    type: "ping",
    ok: error === null,
    latencyMs,
    checkedAt: new Date().toISOString(),
    error,
    warning,
    details,
  });
  try {
    const vetted = await deadline.race(vetTarget(spec.hostname, options));
    if (!vetted.ok) return finish(vetted.error);
    const { address, family } = vetted.target;
    details.address = address;
    // The vetted IP, never the name: ping must not resolve it again (and a name starting with
    // "-" can never reach ping's option parser).
    const args = [
      family === 6 ? "-6" : "-4",
      "-n",
      "-q",
      "-c",
      String(count),
      "-i",
      "0.2",
      "-W",
      String(Math.max(1, Math.ceil(timeoutS))),
      "-w",
      String(Math.max(1, Math.ceil(timeoutS))),
      address,
    ];
    const run = await deadline.race(runPing(args, deadline.signal));
    const summary = parsePingOutput(run.stdout);
    if (!summary) {
      const why = (run.stderr || run.stdout).trim().split("\n")[0] || `ping exited with code ${run.code}`;
      return finish({ code: "PING", message: truncateText(why, 300) });
    }
    details.sent = summary.sent;
    details.received = summary.received;
    details.lossPercent = summary.lossPercent;
    details.avgRttMs = summary.avgRttMs;
    if (summary.received === 0)
      return finish({ code: "PING", message: `no reply from ${address} (${summary.sent} sent)` });
    latencyMs = summary.avgRttMs;
    if (summary.lossPercent > 0) warning = `${summary.lossPercent}% packet loss`;
    return finish(null);
  } catch (err) {
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    const code = (err as NodeJS.ErrnoException).code;
    return finish({
      code: "PING",
      message: code === "ENOENT" ? "the ping binary is not installed" : String((err as Error).message),
    });
  } finally {
    deadline.dispose();
  }
}

interface PingRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runPing(args: string[], signal: AbortSignal): Promise<PingRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("ping", args, {
      stdio: ["ignore", "pipe", "pipe"],
      signal,
      env: { ...process.env, LC_ALL: "C" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < OUTPUT_CAP) stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < OUTPUT_CAP) stderr += d.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
