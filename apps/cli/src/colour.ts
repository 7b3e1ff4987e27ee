export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  grey(s: string): string;
  bold(s: string): string;
}

const code = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** Colours for a terminal (or when forced), and never when NO_COLOR is set. */
export function paintFor(isTty: boolean, noColor: boolean, forceColor = false): Paint {
  if (!(isTty || forceColor) || noColor) {
    const plain = (s: string) => s;
    return { red: plain, green: plain, yellow: plain, blue: plain, grey: plain, bold: plain };
  }
  return {
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    blue: code(34, 39),
    grey: code(90, 39),
    bold: code(1, 22),
  };
}
