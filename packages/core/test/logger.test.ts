import { PassThrough } from "node:stream";
import { createLogger, redact } from "../src/index.js";

describe("logger", () => {
  it("writes JSON lines with secrets redacted by field name and in URLs", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on("data", (b: Buffer) => lines.push(...b.toString().split("\n").filter(Boolean)));
    const log = createLogger({ stream, defaultMeta: { node: "leader" } });
    log.info("channel saved", {
      settings: { url: "https://user:pa55@hooks.example.com/x", token: "tok-123", routingKey: "rk", password: "pw" },
      apiToken: "abc",
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: "info", message: "channel saved", node: "leader", apiToken: "[redacted]" });
    expect(entry.settings.token).toBe("[redacted]");
    expect(entry.settings.password).toBe("[redacted]");
    expect(entry.settings.url).toBe("https://user:[redacted]@hooks.example.com/x");
    expect(lines[0]).not.toMatch(/pa55|tok-123|"pw"/);
  });

  it.each([
    [{ secret: "s" }, { secret: "[redacted]" }],
    [{ nested: { authorization: "Bearer x" } }, { nested: { authorization: "[redacted]" } }],
    [{ list: [{ password: "p" }] }, { list: [{ password: "[redacted]" }] }],
    [{ token: "" }, { token: "" }],
    [{ name: "public" }, { name: "public" }],
  ])("redact(%j)", (input, expected) => {
    expect(redact(input)).toEqual(expected);
  });
});
