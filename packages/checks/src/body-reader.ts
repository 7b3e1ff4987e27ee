import type { Readable } from "node:stream";

/** Responses are read up to this many bytes, then the connection is dropped. */
export const BODY_CAP_BYTES = 1024 * 1024;

export interface BodyRead {
  bytes: number;
  truncated: boolean;
  /** The text read, when the caller asked to keep it. */
  text: string | null;
}

/**
 * Reads a response body up to `cap` bytes and destroys the stream there, so a huge or endless
 * body costs at most the cap. Chunks are kept only when a keyword or JSON check needs them.
 */
export async function readBodyCapped(stream: Readable, cap: number, keep: boolean, signal: AbortSignal): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  const onAbort = () => stream.destroy(signal.reason as Error);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = cap - bytes;
      if (chunk.length > room) {
        if (keep && room > 0) chunks.push(chunk.subarray(0, room));
        bytes = cap;
        truncated = true;
        break;
      }
      if (keep) chunks.push(chunk);
      bytes += chunk.length;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!stream.destroyed) stream.destroy();
  }
  if (signal.aborted) throw signal.reason as Error;
  return { bytes, truncated, text: keep ? Buffer.concat(chunks).toString("utf8") : null };
}
