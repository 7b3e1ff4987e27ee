import { formatIPv4, parseIPv4Loose } from "../src/ipv4-literal.js";

describe("parseIPv4Loose", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["0177.0.0.01", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["10.1.258", "10.1.1.2"],
    ["0", "0.0.0.0"],
    ["0x", "0.0.0.0"],
    ["1.2.3.4.", "1.2.3.4"],
    ["256.0.0.1", undefined],
    ["08.0.0.1", undefined],
    ["1.2.3.4.5", undefined],
    ["4294967296", undefined],
    ["example.com", undefined],
    ["1..2", undefined],
  ])("%s → %s", (text, ip) => {
    const n = parseIPv4Loose(text);
    expect(n === undefined ? undefined : formatIPv4(n)).toBe(ip);
  });
});
