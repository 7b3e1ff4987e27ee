/**
 * Reads an IPv4 address in every notation the C resolver (inet_aton) accepts: `127.0.0.1`,
 * `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `0`, and mixes of them. Returns the address
 * as an unsigned 32-bit number, or undefined when the text is not an IPv4 literal.
 *
 * The SSRF guard must see these as addresses, not names: getaddrinfo would quietly turn
 * `0x7f.1` into 127.0.0.1.
 */
export function parseIPv4Loose(text: string): number | undefined {
  // URL parsers and resolvers tolerate one trailing dot on a literal.
  const body = text.endsWith(".") ? text.slice(0, -1) : text;
  if (body === "") return undefined;
  const parts = body.split(".");
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const v = parsePart(part);
    if (v === undefined) return undefined;
    values.push(v);
  }
  let result = 0;
  const last = values.length - 1;
  for (let i = 0; i < last; i++) {
    const v = values[i]!;
    if (v > 255) return undefined;
    result += v * 2 ** (8 * (3 - i));
  }
  const tail = values[last]!;
  if (tail >= 2 ** (8 * (4 - last))) return undefined;
  return result + tail;
}

function parsePart(part: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return Number(part);
  return undefined;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
