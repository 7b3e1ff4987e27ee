import { lookup as systemLookup } from "node:dns/promises";
import { ipLiteral, isBlockedAddress } from "./blocked-address.js";
import type { LookupFn, ResolvedAddress } from "./types.js";

export const defaultLookup: LookupFn = async (hostname) => {
  const found = await systemLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Why the guard said no: the name did not resolve to a usable address (`DNS`, worth another try
 * later), or an address it resolves to is private or reserved (`PRIVATE_TARGET`, final).
 */
export interface VetFailure {
  code: "DNS" | "PRIVATE_TARGET";
  message: string;
}

export type VetResult = { ok: true; target: ResolvedAddress } | { ok: false; error: VetFailure };

export interface VetOptions {
  allowPrivateTargets?: boolean | undefined;
  lookup?: LookupFn | undefined;
}

/**
 * The one gate every outbound connection (a check, a notification) passes before opening a
 * socket: resolve `host` once, refuse it if any address is blocked, and hand back the address
 * to connect to. Callers connect to that
 * address (or give it to the socket as a fixed lookup) and never resolve the name again, so a
 * second DNS answer cannot swap in a private address (DNS rebinding).
 */
export async function vetTarget(host: string, options: VetOptions): Promise<VetResult> {
  const literal = ipLiteral(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [literal];
  } else {
    if (host === "" || /[\s/\\@#?%]/.test(host)) return fail("DNS", `"${host}" is not a host name`);
    try {
      addresses = await (options.lookup ?? defaultLookup)(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "lookup failed";
      return fail("DNS", `cannot resolve ${host}: ${code}`);
    }
    if (addresses.length === 0) return fail("DNS", `${host} has no addresses`);
  }
  if (!options.allowPrivateTargets) {
    for (const a of addresses) {
      if (isBlockedAddress(a.address)) {
        const shown = literal ? a.address : `${host} (${a.address})`;
        return fail("PRIVATE_TARGET", `${shown} is a private or reserved address`);
      }
    }
  }
  // Only the vetted literal form is ever connected to; a resolver's odd spelling is normalized.
  const first = addresses[0]!;
  const pinned = ipLiteral(first.address);
  if (!pinned) return fail("DNS", `${host} resolved to "${first.address}", which is not an address`);
  return { ok: true, target: pinned };
}

function fail(code: VetFailure["code"], message: string): VetResult {
  return { ok: false, error: { code, message } };
}
