import { TerminalOutputStream } from "../src/ssh/terminal-streams.js";

function screen() {
  const written: Buffer[] = [];
  const out = new TerminalOutputStream(
    { write: (b: Buffer) => written.push(Buffer.from(b)) > 0 },
    80,
    24,
    "xterm-256color",
  );
  const text = () => Buffer.concat(written).toString("utf8");
  const write = (chunk: string) => new Promise<void>((r) => out.write(chunk, () => r()));
  return { out, text, write };
}

describe("the terminal output of an SSH session", () => {
  it("turns a lone newline into CR LF, as a pty would, and leaves CR LF alone across writes", async () => {
    const { text, write } = screen();
    await write("a\nb\r\nc\r");
    await write("\nd\n\n");
    expect(text()).toBe("a\r\nb\r\nc\r\nd\r\n\r\n");
  });

  it("emits resize only when the size changes", () => {
    const { out } = screen();
    let resizes = 0;
    out.on("resize", () => resizes++);
    out.resize(80, 24);
    out.resize(120, 40);
    expect([resizes, out.columns, out.rows]).toEqual([1, 120, 40]);
  });

  it("answers colour depth from the client's TERM", () => {
    const depth = (term: string) => new TerminalOutputStream({ write: () => true }, 80, 24, term).getColorDepth();
    expect([depth("xterm-256color"), depth("xterm"), depth("dumb"), depth("xterm-direct")]).toEqual([8, 4, 1, 24]);
  });
});
