#!/usr/bin/env node
// What making outside text storable costs on the hot paths: wellFormed on clean and damaged
// strings of the sizes the engine sees (an error message, a push message, a body excerpt), and
// the deep check every check result passes. Build first (`pnpm build`), then
//   node bench/text.mjs [--iterations 200000]
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { iterations: { type: "string", default: "200000" } } });
const n = Number(args.iterations);
const core = await import(new URL("../packages/core/dist/index.js", import.meta.url).href);

function ns(fn) {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(); // warm up
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += fn().length ?? 1;
  const per = Number(process.hrtime.bigint() - start) / n;
  return { per, sink };
}

const cases = [
  ["wellFormed, 40 ASCII chars (clean)", "connect ECONNREFUSED 192.0.2.1:443 (tcp)"],
  ["wellFormed, 500 ASCII chars (clean)", "a".repeat(500)],
  ["wellFormed, 500 chars with emoji (clean)", "ok \u{1F600} ".repeat(71).slice(0, 500)],
  ["wellFormed, 500 chars, one lone surrogate", `${"a".repeat(250)}\uD83D${"b".repeat(249)}`],
  ["wellFormed, 500 chars, one NUL", `${"a".repeat(250)}\u0000${"b".repeat(249)}`],
];
console.log(`${n} calls each`);
for (const [name, text] of cases) {
  const { per } = ns(() => core.wellFormed(text));
  console.log(`  ${name.padEnd(44)} ${per.toFixed(1).padStart(8)} ns/call`);
}
const result = {
  ok: false,
  latencyMs: 12.5,
  checkedAt: new Date().toISOString(),
  error: { code: "HTTP_STATUS", message: "status 503 is not in 200-299" },
  details: { statusCode: 503, finalUrl: "https://shop.example.com/health", redirects: 0, timings: { dns: 1 } },
};
const { per } = ns(() => core.wellFormedDeep(result).details.finalUrl);
console.log(`  ${"wellFormedDeep, an http check result (clean)".padEnd(44)} ${per.toFixed(1).padStart(8)} ns/call`);
