const NAMED: Record<string, number> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
  grey: 90,
};

/**
 * Colours text with SGR codes. A table line is built as one string this way rather than as a
 * tree of styled nodes: one node per line keeps a frame's layout cheap at 48 lines × 10 columns.
 */
export function paint(text: string, colour: string | undefined): string {
  if (!colour || !text) return text;
  const named = NAMED[colour];
  if (named !== undefined) return `\u001b[${named}m${text}\u001b[39m`;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!hex) return text;
  const [r, g, b] = [hex[1]!, hex[2]!, hex[3]!].map((h) => Number.parseInt(h, 16));
  return `\u001b[38;2;${r};${g};${b}m${text}\u001b[39m`;
}
