import type { Readable } from "node:stream";
import type { AbortSource } from "./deadline.js";

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
 * Plain listeners rather than `for await`: this runs once per check and the iterator's
 * promise per chunk shows up in profiles.
 */
export function readBodyCapped(stream: Readable, cap: number, keep: boolean, signal: AbortSource): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (truncated: boolean, err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      stream.off("data", onData);
      if (!stream.destroyed) stream.destroy();
      if (err) reject(err);
      else resolve({ bytes, truncated, text: keep ? Buffer.concat(chunks).toString("utf8") : null });
    };
    const onAbort = () => settle(false, signal.reason as Error);
    const onData = (chunk: Buffer) => {
      const room = cap - bytes;
      if (chunk.length > room) {
        if (keep && room > 0) chunks.push(chunk.subarray(0, room));
        bytes = cap;
        settle(true);
        return;
      }
      if (keep) chunks.push(chunk);
      bytes += chunk.length;
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", onData);
    stream.once("end", () => settle(false));
    stream.once("error", (err) => settle(false, err));
    // Our own destroy() closes the stream too: build the error (a stack trace) only when it is news.
    stream.once("close", () => {
      if (!settled)
        settle(false, Object.assign(new Error("connection closed before the body ended"), { code: "ECONNRESET" }));
    });
  });
}
