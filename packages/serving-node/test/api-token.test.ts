import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusedToRunError } from "@uptop/core";
import { quietLogger } from "@uptop/test-kit";
import { ensureApiToken } from "../src/index.js";

const GENERATED = "Qm9vdHN0cmFwLXRva2VuLTAxMjM0NTY3"; // 32 base64url characters, as the generator writes

function dataDirWith(content: string | Buffer | null): string {
  const dir = mkdtempSync(join(tmpdir(), "uptop-token-"));
  if (content !== null) writeFileSync(join(dir, "api-token"), content);
  return dir;
}

function refusal(dir: string): RefusedToRunError {
  try {
    ensureApiToken(null, dir, quietLogger());
  } catch (err) {
    if (err instanceof RefusedToRunError) return err;
    throw err;
  }
  throw new Error("the token file was adopted");
}

describe("ensureApiToken", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["what the generator writes", `${GENERATED}\n`, GENERATED],
    ["a token without a newline", GENERATED, GENERATED],
    ["a token with a Windows line end", `${GENERATED}\r\n`, GENERATED],
    ["an operator's own hex token", "3f9a1c0e7b2d4a6f8e1c3b5d7f9a0c2e\n", "3f9a1c0e7b2d4a6f8e1c3b5d7f9a0c2e"],
    ["a token with punctuation a bearer header carries", "abc.def~ghi+jkl/mno=\n", "abc.def~ghi+jkl/mno="],
  ])("adopts %s", (_what, content, token) => {
    expect(ensureApiToken(null, dataDirWith(content), quietLogger())).toBe(token);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["an empty file", "", "is empty"],
    ["a token with a space inside", "correct horse battery staple\n", "holds spaces, line breaks, control or non-ASCII characters"],
    ["two lines", `${GENERATED}\n${GENERATED}\n`, "holds spaces, line breaks, control or non-ASCII characters"],
    ["binary garbage", Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x80, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c]), "holds spaces, line breaks, control or non-ASCII characters"],
    ["non-ASCII text", "jeton-d’administration-secret\n", "holds spaces, line breaks, control or non-ASCII characters"],
    ["a short token", "short\n", "holds a 5-character token; it needs 16 to 1024"],
    ["a token too long for a header", `${"a".repeat(2000)}\n`, "holds a 2000-character token"],
  ])("refuses %s with one line naming the file, for exit code 2", (_what, content, problem) => {
    const dir = dataDirWith(content);
    const err = refusal(dir);
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe("API_TOKEN_FILE");
    expect(err.message).toContain(`${join(dir, "api-token")} ${problem}`);
    expect(err.message).toContain("delete the file to have a new one generated, or set UPTOP_API_TOKEN");
    expect(err.message).not.toContain("\n");
    // The file is the operator's: it is never replaced behind their back.
    expect(readFileSync(join(dir, "api-token"))).toEqual(Buffer.from(content));
  });

  it("refuses a token file it cannot read", () => {
    const dir = dataDirWith(null);
    mkdirSync(join(dir, "api-token"));
    expect(refusal(dir).message).toContain("cannot be read (EISDIR)");
  });

  it("prefers UPTOP_API_TOKEN over any file", () => {
    expect(ensureApiToken("configured-token-0123456789", dataDirWith("garbage with spaces"), quietLogger())).toBe(
      "configured-token-0123456789",
    );
  });

  it("generates a token into a new owner-only data folder, as a 0600 file", () => {
    const dir = join(dataDirWith(null), "data");
    const token = ensureApiToken(null, dir, quietLogger());
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(join(dir, "api-token"), "utf8")).toBe(`${token}\n`);
    expect(statSync(join(dir, "api-token")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ensureApiToken(null, dir, quietLogger())).toBe(token);
  });

  it("keeps an existing data folder's contents when it generates", () => {
    const dir = dataDirWith(null);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "keep"), "x");
    ensureApiToken(null, dir, quietLogger());
    expect(readFileSync(join(dir, "keep"), "utf8")).toBe("x");
  });
});
