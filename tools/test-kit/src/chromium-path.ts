import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * The Chromium the browser tests, the web bench and the screenshots drive: UPTOP_TEST_CHROMIUM, or
 * Debian's `chromium` on the PATH (playwright's own browser download is not used).
 */
export function chromiumPath(): string {
  const named = process.env.UPTOP_TEST_CHROMIUM;
  if (named) return named;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  throw new Error("no chromium on the PATH: install Debian's chromium package (or set UPTOP_TEST_CHROMIUM)");
}
