import type { z } from "zod";
import { SealError } from "./errors.js";
import { openPayload, sealPayload } from "./seal.js";

/** Client-side wrappers: a node without a cluster secret cannot take part in sealed exchanges. */
export function seal(secret: string | null, value: unknown): string {
  if (!secret) throw new SealError("UPTOP_CLUSTER_SECRET is not set, so sealed cluster payloads cannot be exchanged");
  return sealPayload(secret, value);
}

export function open<T>(secret: string | null, sealed: string, schema: z.ZodType<T>): T {
  if (!secret) throw new SealError("UPTOP_CLUSTER_SECRET is not set, so sealed cluster payloads cannot be opened");
  return openPayload(secret, sealed, schema);
}
