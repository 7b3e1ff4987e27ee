import { parseAcceptedCodes } from "@uptop/core";

export type StatusRanges = ReadonlyArray<readonly [number, number]>;

export const DEFAULT_RANGES: StatusRanges = [[200, 299]];
/** Parsed `acceptedCodes` texts. A probe sees the same few texts all day; bounded all the same. */
const parsed = new Map<string, StatusRanges | null>();
const PARSED_MAX = 1024;

/**
 * The status ranges a text such as `200-299,301` accepts, or undefined when it is not one.
 * Parsed once per distinct text rather than once per check (it showed up in check profiles).
 */
export function acceptedRanges(text: string | undefined): StatusRanges | undefined {
  if (text === undefined) return DEFAULT_RANGES;
  let ranges = parsed.get(text);
  if (ranges === undefined) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    ranges = parseAcceptedCodes(text) ?? null;
    parsed.set(text, ranges);
  }
  return ranges ?? undefined;
}
