import { PassThrough } from "node:stream";
import { createLogger, type Logger } from "@uptop/core";

/** A real logger whose lines go nowhere, for code under test that must be given one. */
export function quietLogger(): Logger {
  return createLogger({ level: "error", stream: new PassThrough() });
}
