import { docBlocks, DocMarkerError, variablesIn } from "../src/index.js";

const doc = (...lines: string[]) => lines.join("\n");

describe("docBlocks", () => {
  it("finds yaml and shell blocks with their line and marker, and ignores other languages", () => {
    const text = doc(
      "# title",
      "```yaml",
      "monitors: []",
      "```",
      "<!-- docs-test: skip (docker-compose) -->",
      "```sh",
      "docker-compose up",
      "```",
      "```json",
      "{}",
      "```",
      "<!-- docs-test: stream (stays open) -->",
      "```bash",
      "curl -N localhost:8080/api/events",
      "```",
      "```shell",
      "echo ```yaml is text here",
      "```",
    );
    expect(docBlocks("a.md", text)).toEqual([
      { file: "a.md", line: 2, kind: "yaml", code: "monitors: []", mode: { run: "run" } },
      {
        file: "a.md",
        line: 6,
        kind: "shell",
        code: "docker-compose up",
        mode: { run: "skip", reason: "docker-compose" },
      },
      {
        file: "a.md",
        line: 13,
        kind: "shell",
        code: "curl -N localhost:8080/api/events",
        mode: { run: "stream", reason: "stays open" },
      },
      { file: "a.md", line: 16, kind: "shell", code: "echo ```yaml is text here", mode: { run: "run" } },
    ]);
  });

  it.each([
    ["a skip without a reason", "<!-- docs-test: skip -->"],
    ["an empty reason", "<!-- docs-test: skip () -->"],
    ["an unknown instruction", "<!-- docs-test: ignore (why) -->"],
  ])("refuses %s, naming the place", (_what, marker) => {
    expect(() => docBlocks("b.md", doc("text", marker, "```sh", "true", "```"))).toThrow(DocMarkerError);
    expect(() => docBlocks("b.md", doc("text", marker, "```sh", "true", "```"))).toThrow(/^b\.md:2: /);
  });

  it("refuses a block that is never closed", () => {
    expect(() => docBlocks("c.md", doc("```yaml", "a: 1"))).toThrow("c.md:1: a code block is never closed");
  });
});

describe("variablesIn", () => {
  it("names each ${VAR} once and leaves $${ literals out", () => {
    expect(variablesIn("a: ${A}\nb: x${B}y ${A}\nc: $${NOT}\nd: ${lower_1}")).toEqual(["A", "B", "lower_1"]);
  });
});
