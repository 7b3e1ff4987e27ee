import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SourceInput } from "@uptop/config-as-code";
import { CliExit, EXIT } from "./exit-codes.js";

const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** A file, or every .yaml/.yml/.json file directly in a directory, in name order. */
export function readConfigFiles(paths: readonly string[]): SourceInput[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new CliExit(EXIT.usage, `${p}: no such file or directory`);
    }
    if (!isDir) files.push(p);
    else {
      const found = readdirSync(p)
        .filter((f) => CONFIG_FILE.test(f))
        .sort();
      if (found.length === 0) throw new CliExit(EXIT.usage, `${p}: no .yaml, .yml or .json files in this directory`);
      files.push(...found.map((f) => join(p, f)));
    }
  }
  return files.map((file) => ({ file, text: readFileSync(file, "utf8") }));
}
