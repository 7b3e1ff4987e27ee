import { answerExcerpt } from "../src/answer-excerpt.js";

const R = "[redacted]";

describe("answerExcerpt", () => {
  it.each([
    ["plain text is kept", 'HTTP 200 {"ok":true}', 'HTTP 200 {"ok":true}'],
    [
      "control characters and newlines become one space",
      "HTTP 500 a\u0000b\r\n\tc\u001b[31md\u007f",
      "HTTP 500 a b c [31md",
    ],
    ["C1, zero-width and bidi controls go", "x\u0085y\u200bz\u202eevil\u2066", "x y z evil"],
    ["a lone surrogate goes, a whole emoji stays", "a\ud800b 🔴", "ab 🔴"],
    [
      "a URL is cut to its origin",
      "see https://hooks.internal:8443/T0/B0/abcdef?token=1",
      "see https://hooks.internal:8443/…",
    ],
    ["userinfo goes with the rest", "http://admin:hunter2@10.0.0.5/", "http://10.0.0.5/…"],
    [
      "a bare origin stays, trailing punctuation too",
      "webhook (http://127.0.0.1:9) answered",
      "webhook (http://127.0.0.1:9) answered",
    ],
    ["a URL without an origin is hidden", "file:///etc/passwd and redis://cache:6379/0", "[url] and [url]"],
    ["a bearer token", "Authorization: Bearer abc.def-ghi", `Authorization: ${R} ${R}`],
    [
      "JSON credentials",
      '{"token":"t0k","password":"p","user":"bob"}',
      `{"token":"${R}","password":"${R}","user":"bob"}`,
    ],
    ["form credentials", "api_key=k1&secret=s2&page=3", `api_key=${R}&secret=${R}&page=3`],
    ["a header-style key", "X-Api-Key: 12345 next", `X-Api-Key: ${R} next`],
    ["a session cookie", "Set-Cookie: sessionid=abc123; Path=/", `Set-Cookie: ${R}; Path=/`],
    ["a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature", `token ${R}`],
    ["an AWS access key id", "key AKIAIOSFODNN7EXAMPLE used", `key ${R} used`],
    ["a long opaque run", "id 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c", `id ${R}`],
    ["a long word without digits stays", "Internationalizationization ok", "Internationalizationization ok"],
    ["a private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- after", `${R} after`],
  ])("%s", (...[, input, expected]) => {
    expect(answerExcerpt(input)).toBe(expected);
  });

  it("keeps at most 200 characters, cut on a code point, and marks the cut", () => {
    const out = answerExcerpt(`${"a ".repeat(99)}🔴🔴🔴`);
    expect(Array.from(out)).toHaveLength(201);
    expect(out.endsWith("a 🔴🔴…")).toBe(true);
    expect(answerExcerpt("short")).toBe("short");
  });
});
