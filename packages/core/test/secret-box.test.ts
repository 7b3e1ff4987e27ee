import { randomBytes } from "node:crypto";
import { SecretBox, SecretKeyError, safeEqual } from "../src/index.js";

describe("SecretBox", () => {
  const key = randomBytes(32);

  it("round-trips and never stores the plaintext", () => {
    const box = new SecretBox(key);
    const sealed = box.encrypt("hunter2-very-secret");
    expect(sealed.startsWith("enc:")).toBe(true);
    expect(sealed).not.toContain("hunter2");
    expect(box.decrypt(sealed)).toBe("hunter2-very-secret");
    expect(box.encrypt("same")).not.toBe(box.encrypt("same"));
  });

  it("reads plaintext written before a key existed", () => {
    expect(new SecretBox(key).decrypt("plain value")).toBe("plain value");
  });

  it("fails loudly with the wrong key", () => {
    const sealed = new SecretBox(key).encrypt("x");
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow(SecretKeyError);
    expect(() => new SecretBox(null).decrypt(sealed)).toThrow(/UPTOP_ENCRYPTION_KEY is not set/);
  });

  it("does not encrypt twice and passes through without a key", () => {
    const box = new SecretBox(key);
    const sealed = box.encrypt("x");
    expect(box.encrypt(sealed)).toBe(sealed);
    expect(new SecretBox(null).encrypt("x")).toBe("x");
  });

  it("compares secrets", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
