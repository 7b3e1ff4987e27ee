import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The folder of the built dashboard (index.html and hashed assets), beside this module in dist/. */
export const WEB_ROOT = fileURLToPath(new URL("./app/", import.meta.url));

/** Whether the dashboard was built (a package built without `vite build` has only this module). */
export function webBuilt(): boolean {
  return existsSync(new URL("./app/index.html", import.meta.url));
}
