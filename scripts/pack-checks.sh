#!/usr/bin/env bash
# Proves @uptop/checks installs and works in a project that is not this workspace: `pnpm pack`
# the package and the two it depends on (core, ssrf-guard), `npm install` the tarballs into a
# scratch project outside the repository (third-party dependencies come from the npm registry),
# run the README's ES module and CommonJS examples there, and type-check an ES module and a
# CommonJS TypeScript consumer with the repository's TypeScript.
# Run from anywhere after `pnpm install` and `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PACKAGES=(core ssrf-guard checks)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf 'pack-checks: %s\n' "$*"; }
fail() { printf 'pack-checks: FAIL: %s\n' "$*" >&2; exit 1; }

mkdir -p "$work/packs" "$work/consumer"
for p in "${PACKAGES[@]}"; do
  [ -f "packages/$p/dist/index.js" ] || fail "packages/$p/dist is missing: run pnpm build first"
  (cd "packages/$p" && pnpm pack --pack-destination "$work/packs" >/dev/null)
done
tarballs=("$work"/packs/*.tgz)
[ ${#tarballs[@]} -eq ${#PACKAGES[@]} ] || fail "expected ${#PACKAGES[@]} tarballs, got ${#tarballs[@]}"

# What a registry would receive: no private flag, no workspace link, every @uptop dependency packed.
for t in "${tarballs[@]}"; do
  tar -xOzf "$t" package/package.json | node -e '
    const pkg = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const packed = new Set(process.argv.slice(1).map((p) => `@uptop/${p}`));
    const problems = [];
    if (pkg.private) problems.push("is private");
    for (const f of ["license", "engines"]) if (!pkg[f]) problems.push(`has no ${f}`);
    if (!pkg.exports?.["."]?.require) problems.push("has no require export condition");
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`depends on ${name}@${range}`);
      if (name.startsWith("@uptop/") && !packed.has(name)) problems.push(`depends on unpacked ${name}`);
    }
    if (problems.length) { console.error(`${pkg.name} ${problems.join(", ")}`); process.exit(1); }
  ' "${PACKAGES[@]}" || fail "$(basename "$t") is not publishable"
done
say "packed $(cd "$work/packs" && echo *.tgz)"

cd "$work/consumer"
printf '{ "name": "checks-consumer", "version": "0.0.0", "private": true }\n' >package.json
npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}" "@types/node@20" >"$work/npm.log" 2>&1 ||
  { cat "$work/npm.log" >&2; fail "npm install of the tarballs failed"; }
for p in "${PACKAGES[@]}"; do
  [ -f "node_modules/@uptop/$p/package.json" ] || fail "@uptop/$p was not installed"
  [ -L "node_modules/@uptop/$p" ] && fail "@uptop/$p is a link, not an installed copy"
done

# The README's examples, each after its `<!-- pack-checks: FILE -->` marker, run as written.
node -e '
  const fs = require("fs");
  const text = fs.readFileSync(process.argv[1], "utf8");
  const re = /<!-- pack-checks: (\S+) -->\n```js\n([\s\S]*?)\n```/g;
  let n = 0;
  for (const [, file, code] of text.matchAll(re)) { fs.writeFileSync(file, code + "\n"); n++; }
  if (n !== 2) { console.error(`expected 2 marked examples, found ${n}`); process.exit(1); }
' "$ROOT/packages/checks/README.md" || fail "README examples not found"

out=$(timeout 30 node check.mjs) || fail "check.mjs exited non-zero: $out"
[[ "$out" =~ ^true\ [0-9.]+\ null\ 200$ ]] || fail "check.mjs printed '$out', expected 'true <ms> null 200'"
say "ES module example: $out"
out=$(timeout 30 node check.cjs 2>&1) || fail "check.cjs exited non-zero: $out"
[ "$out" = "false CONNECT" ] || fail "check.cjs printed '$out', expected 'false CONNECT'"
say "CommonJS example: $out"

# Type-check consumers of both module kinds. skipLibCheck stays off, so the shipped declarations
# (and the ones they import from @uptop/core) are checked too; @ts-expect-error proves the types
# are real rather than `any`.
mkdir esm cjs
printf '{ "type": "module" }\n' >esm/package.json
printf '{ "type": "commonjs" }\n' >cjs/package.json
cat >esm/consumer.ts <<'TS'
import { type CheckResult, type HttpCheckSpec, InvalidCheckSpecError, runCheck } from "@uptop/checks";

const spec: HttpCheckSpec = { type: "http", url: "http://127.0.0.1:9/", acceptedCodes: "200-299" };
const result: CheckResult = await runCheck(spec, { allowPrivateTargets: true });
const code: string | undefined = result.error?.code;
console.log(result.ok, code, new InvalidCheckSpecError([]).code);
// @ts-expect-error an unknown check type is refused
await runCheck({ type: "smtp", hostname: "mail.example.com" });
TS
cat >cjs/consumer.ts <<'TS'
import { type CheckResult, isBlockedAddress, runCheck, validateSpec } from "@uptop/checks";

validateSpec({ type: "tcp", hostname: "127.0.0.1", port: 9 });
const blocked: boolean = isBlockedAddress("10.0.0.1");
void runCheck({ type: "tcp", hostname: "127.0.0.1", port: 9 }).then((r: CheckResult) => console.log(blocked, r.ok));
// @ts-expect-error latencyMs is a number or null, not a string
const latency: string = ({} as CheckResult).latencyMs;
TS
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "strict": true,
    "noEmit": true,
    "types": ["node"]
  },
  "include": ["esm", "cjs"]
}
JSON
"$ROOT/node_modules/.bin/tsc" -p tsconfig.json || fail "the TypeScript consumers do not type-check"
say "TypeScript consumers (ES module and CommonJS) type-check"
say "ok"
