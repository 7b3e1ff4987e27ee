import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makePrivateDir, restrictPermissions, writePrivateFile } from "../src/index.js";

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe("private files", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "uptop-private-"));
  });

  it("writes a new file 0600 and replaces an existing world-readable one with a 0600 one", () => {
    const file = join(root, "token");
    writeFileSync(file, "old\n", { mode: 0o644 });
    chmodSync(file, 0o644);
    writePrivateFile(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(modeOf(file)).toBe(0o600);
  });

  it("creates a folder and its missing parents 0700", () => {
    const dir = join(root, "a", "b");
    makePrivateDir(dir);
    expect(modeOf(join(root, "a"))).toBe(0o700);
    expect(modeOf(dir)).toBe(0o700);
  });

  it("takes group and other permissions from a tree, keeping the owner's", () => {
    const dir = join(root, "db");
    mkdirSync(join(dir, "base", "1"), { recursive: true });
    writeFileSync(join(dir, "PG_VERSION"), "17", { mode: 0o644 });
    writeFileSync(join(dir, "base", "1", "1259"), "x", { mode: 0o664 });
    writeFileSync(join(dir, "run.sh"), "x", { mode: 0o755 });
    for (const d of [dir, join(dir, "base"), join(dir, "base", "1")]) chmodSync(d, 0o755);
    const changed = restrictPermissions(dir, { tree: true });
    expect(changed).toHaveLength(6);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, "base", "1"))).toBe(0o700);
    expect(modeOf(join(dir, "PG_VERSION"))).toBe(0o600);
    expect(modeOf(join(dir, "base", "1", "1259"))).toBe(0o600);
    expect(modeOf(join(dir, "run.sh"))).toBe(0o700);
    expect(restrictPermissions(dir, { tree: true })).toEqual([]);
  });

  it("does not follow a symbolic link out of the tree", () => {
    const outside = join(root, "outside");
    writeFileSync(outside, "x", { mode: 0o644 });
    chmodSync(outside, 0o644);
    const dir = join(root, "db");
    mkdirSync(dir, { mode: 0o755 });
    symlinkSync(outside, join(dir, "link"));
    restrictPermissions(dir, { tree: true });
    expect(modeOf(outside)).toBe(0o644);
  });

  it("leaves a shared folder with the sticky bit, like /tmp, as it is", () => {
    const shared = join(root, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(restrictPermissions(shared)).toEqual([]);
    expect(modeOf(shared)).toBe(0o1777);
  });
});
