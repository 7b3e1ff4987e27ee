import net from "node:net";
import type { CheckError } from "@uptop/core";
import { Deadline, timeoutMessage, type AbortSource } from "./deadline.js";
import { networkError } from "./network-error.js";
import { vetTarget } from "@uptop/ssrf-guard";
import type { CheckOptions, TcpCheckResult, TcpCheckSpec } from "./types.js";

export async function runTcpCheck(spec: TcpCheckSpec, options: CheckOptions): Promise<TcpCheckResult> {
  const deadline = new Deadline((spec.timeoutS ?? 10) * 1000, options.signal);
  let latencyMs: number | null = null;
  let address: string | null = null;
  const finish = (error: CheckError | null): TcpCheckResult => ({
    type: "tcp",
    ok: error === null,
    latencyMs,
    checkedAt: new Date().toISOString(),
    error,
    warning: null,
    details: { address, port: spec.port },
  });
  try {
    // An address literal needs no lookup, so its vetting cannot hang: no race to build for it.
    const vetted = net.isIP(spec.hostname)
      ? await vetTarget(spec.hostname, options)
      : await deadline.race(vetTarget(spec.hostname, options));
    if (!vetted.ok) return finish(vetted.error);
    address = vetted.target.address;
    latencyMs = await connectOnce(address, spec.port, deadline);
    return finish(null);
  } catch (err) {
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    return finish(networkError(err));
  } finally {
    deadline.dispose();
  }
}

/** Opens and closes one connection; resolves to the connect time in ms. */
function connectOnce(host: string, port: number, signal: AbortSource): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = net.connect({ host, port });
    const onAbort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      const ms = Math.round((performance.now() - start) * 100) / 100;
      signal.removeEventListener("abort", onAbort);
      // A reset, not a FIN: the target sees one connection and the port is freed at once.
      socket.resetAndDestroy();
      resolve(ms);
    });
    socket.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
}
