import type { CheckResult } from "../src/index.js";
import { storableResult } from "../src/storable-result.js";

function tcpResult(over: Partial<CheckResult>): CheckResult {
  return {
    type: "tcp",
    ok: false,
    latencyMs: null,
    checkedAt: "2026-05-01T10:00:00.000Z",
    error: null,
    warning: null,
    details: { address: "192.0.2.1", port: 80 },
    ...over,
  } as CheckResult;
}

describe("storableResult", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a lone surrogate in the error", { error: { code: "PROTOCOL", message: "half \uD83D" } }, "half \uFFFD", null],
    ["a NUL in the error", { error: { code: "PROTOCOL", message: "a\u0000b" } }, "ab", null],
    ["an error longer than 2000 characters", { error: { code: "PROTOCOL", message: `${"x".repeat(1999)}\u{1F600}` } }, `${"x".repeat(1999)}…`, null],
    ["a NUL in the warning", { warning: "cert for a\u0000.example" }, null, "cert for a.example"],
  ] as const)("cleans %s", (_name, over, message, warning) => {
    const r = storableResult(tcpResult(over as Partial<CheckResult>));
    expect(r.error?.message ?? null).toBe(message);
    expect(r.warning).toBe(warning);
  });

  it("cleans texts inside the details", () => {
    const r = storableResult({
      type: "dns",
      ok: true,
      latencyMs: 1,
      checkedAt: "2026-05-01T10:00:00.000Z",
      error: null,
      warning: null,
      details: { resolver: null, rcode: "NOERROR", answers: ["a\u0000b", "\uDE00"] },
    });
    expect(r.type === "dns" && r.details.answers).toEqual(["ab", "\uFFFD"]);
  });

  it("returns a clean result itself", () => {
    const r = tcpResult({ error: { code: "CONNECT", message: "connection refused" } });
    expect(storableResult(r)).toBe(r);
  });
});
