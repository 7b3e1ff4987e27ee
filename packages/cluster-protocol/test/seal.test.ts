import { z } from "zod";
import { ValidationError } from "@uptop/core";
import { configMirrorSchema, openPayload, sealPayload, SealError } from "../src/index.js";
import { monitor, SECRET } from "./fixtures.js";

const mirror = {
  epoch: 1,
  exportedAt: "2030-01-01T00:00:00.000Z",
  monitors: [monitor()],
  channels: [],
  maintenance: [],
  states: [],
  delivered: [],
  outbox: [],
  feed: null,
};

describe("sealPayload / openPayload", () => {
  it("round-trips a config mirror and keeps its credentials out of the sealed text", () => {
    const sealed = sealPayload(SECRET, mirror);
    expect(sealed).not.toContain("tok-123");
    expect(Buffer.from(sealed, "base64").toString("latin1")).not.toContain("tok-123");
    expect(openPayload(SECRET, sealed, configMirrorSchema)).toEqual(mirror);
  });

  it("uses a fresh nonce each time", () => {
    expect(sealPayload(SECRET, mirror)).not.toBe(sealPayload(SECRET, mirror));
  });

  it("refuses to open with a different secret, with a typed error", () => {
    const sealed = sealPayload(SECRET, mirror);
    expect(() => openPayload("another-long-shared-secret-999", sealed, configMirrorSchema)).toThrow(SealError);
  });

  it("refuses a tampered payload", () => {
    const raw = Buffer.from(sealPayload(SECRET, mirror), "base64");
    raw[20] = (raw[20] as number) ^ 1;
    expect(() => openPayload(SECRET, raw.toString("base64"), configMirrorSchema)).toThrow(SealError);
  });

  it("refuses a payload that opens but does not match the schema", () => {
    const sealed = sealPayload(SECRET, { hello: "world" });
    expect(() => openPayload(SECRET, sealed, z.object({ epoch: z.number() }))).toThrow(ValidationError);
  });
});
