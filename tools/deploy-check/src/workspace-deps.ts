import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
}

/** Every workspace package.json by name, for the folders pnpm-workspace.yaml globs ("dir/*"). */
export function workspacePackages(
  root: string,
  globs: readonly string[] = ["packages", "apps", "tools"],
): Map<string, PackageJson> {
  const out = new Map<string, PackageJson>();
  for (const g of globs) {
    const dir = join(root, g);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, e.name, "package.json");
      if (!e.isDirectory() || !existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
      out.set(pkg.name, pkg);
    }
  }
  return out;
}

/**
 * The production dependency closure of a workspace package as far as package.json files tell:
 * the workspace packages it pulls in and the registry packages they name directly. What
 * `pnpm deploy --prod` must ship, before transitive registry dependencies.
 */
export function productionClosure(
  pkgs: ReadonlyMap<string, PackageJson>,
  name: string,
): { workspace: Set<string>; external: Set<string> } {
  const workspace = new Set<string>();
  const external = new Set<string>();
  const visit = (n: string) => {
    if (workspace.has(n)) return;
    workspace.add(n);
    for (const [dep, range] of Object.entries(pkgs.get(n)?.dependencies ?? {})) {
      if (range.startsWith("workspace:")) visit(dep);
      else external.add(dep);
    }
  };
  visit(name);
  workspace.delete(name);
  return { workspace, external };
}
