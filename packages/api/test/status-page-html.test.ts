import { PALETTE, TEXT_PAIRS, timeRange } from "../src/status-page-html.js";

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe("status page HTML", () => {
  it.each(TEXT_PAIRS)("%s meets WCAG AA (4.5:1)", (_name, text, background) => {
    expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
  });

  it("checks every text colour of both schemes and every badge colour", () => {
    const names = TEXT_PAIRS.map(([name]) => name);
    for (const scheme of ["light", "dark"]) expect(names).toContain(`${scheme} muted on card`);
    expect(names.filter((n) => n.startsWith("white on "))).toHaveLength(Object.keys(PALETTE.solid).length);
  });

  it.each([
    ["an open end", "2026-05-01T11:00:00.000Z", null, "from 2026-05-01 11:00 UTC until further notice"],
    [
      "a set end",
      "2026-05-02T01:00:00.000Z",
      "2026-05-02T02:00:00.000Z",
      "2026-05-02 01:00 UTC – 2026-05-02 02:00 UTC",
    ],
  ])("words a range with %s", (_what, start, end, text) => {
    expect(timeRange(start, end).replace(/<\/?time[^>]*>/g, "")).toBe(text);
  });
});
