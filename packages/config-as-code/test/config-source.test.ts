import { ConfigFileError, loadConfigSources, normalizeDocument, type LocatedIssue } from "../src/index.js";

function load(text: string, env: Record<string, string> = {}) {
  return loadConfigSources([{ file: "monitors.yaml", text }], env);
}

function locatedErrors(text: string, env: Record<string, string> = {}): LocatedIssue[] {
  try {
    const loaded = load(text, env);
    try {
      normalizeDocument(loaded.document);
    } catch (err) {
      return loaded.locateIssues((err as ConfigFileError).issues);
    }
  } catch (err) {
    if (err instanceof ConfigFileError) return err.located;
    throw err;
  }
  return [];
}

const at = (i: LocatedIssue) => `${i.file}:${i.line}:${i.col} ${i.field}`;

describe("YAML error positions", () => {
  it.each([
    [
      "an unknown monitor field points at the key",
      "monitors:\n  - name: a\n    type: http\n    url: https://a.example\n    intervall: 30\n",
      "monitors.yaml:5:5 monitors.0.intervall",
      "unknown field",
    ],
    [
      "a bad value points at its field",
      "monitors:\n  - name: a\n    type: http\n    url: https://a.example\n    interval: soon\n",
      "monitors.yaml:5:5 monitors.0.interval",
      "is not a duration",
    ],
    [
      "a nested child's field is found under its group",
      "monitors:\n  - name: shop\n    type: group\n    monitors:\n      - name: api\n        type: tcp\n        hostname: db.example\n",
      "monitors.yaml:5:9 monitors.0.monitors.0.port",
      "is required for tcp monitors",
    ],
    ["an unknown top-level key", "monitor:\n  - name: a\n", "monitors.yaml:1:1 monitor", "unknown field"],
    [
      "an unknown channel setting",
      "channels:\n  - name: hook\n    type: webhook\n    settings:\n      url: https://hooks.example.com/x\n      colour: red\n",
      "monitors.yaml:6:7 channels.0.settings.colour",
      "unknown field",
    ],
    [
      "a duplicate monitor name points at the second one",
      "monitors:\n  - name: a\n    type: push\n  - name: a\n    type: push\n",
      "monitors.yaml:4:5 monitors.1.name",
      "also named",
    ],
    [
      "a maintenance end before start",
      "maintenance:\n  - title: db\n    start: 2026-05-01T02:00:00Z\n    end: 2026-05-01T01:00:00Z\n",
      "monitors.yaml:4:5 maintenance.0.end",
      "must be after start",
    ],
    [
      "a maintenance start in year 0000, which the database refuses",
      "maintenance:\n  - title: db\n    start: 0000-05-01T02:00:00Z\n",
      "monitors.yaml:3:5 maintenance.0.start",
      "must be between 1970-01-01 and 9999-12-31",
    ],
  ])("%s", (_name, text, where, message) => {
    const errors = locatedErrors(text);
    expect(errors.map(at)).toContain(where);
    expect(errors.find((e) => at(e) === where)?.message).toContain(message);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["bad indentation", "monitors:\n  - name: a\n    type: http\n   url: http://x\n", "4:4", "Sequence item without - indicator (check the indentation"],
    ["a key out-dented from its mapping", "monitors:\n  - name: a\n  type: http\n", "3:3", "All mapping items must start at the same column"],
    ["an unclosed double quote", 'monitors:\n  - name: "a\n    type: http\n', "2:11", 'this " is never closed'],
    ["an unclosed single quote", "monitors:\n  - name: 'it''s\n    type: http\n", "2:11", "this ' is never closed"],
    ["a tab as indentation", "monitors:\n\t- name: a\n", "2:1", "tabs are not allowed as indentation"],
    ["a duplicate key", "monitors:\n  - name: a\n    name: b\n    type: http\n", "3:5", 'duplicate key "name"'],
    ["an unquoted ${VAR} in a flow map", "channels:\n  - { name: s, type: slack, settings: { webhookUrl: ${URL} } }\n  - name: x\n", "2:53", 'must be quoted: write "${VARIABLE}"'],
    ["an unclosed flow sequence", "monitors:\n  - name: a\n    regions: [eu, us\n    type: http\n", "3:14", "this [ is never closed with ]"],
    ["a key indented deeper than the one above", "monitors:\n  - name: a\n     type: http\n", "3:6", "indented deeper than the key above it"],
    ["a missing colon", "monitors:\n  - name: a\n    type http\n    url: x\n", "3:5", 'expected "key: value" here'],
    ["two documents in one file", "monitors: []\n---\nchannels: []\n", "2:1", "remove the --- separator"],
    ["an unclosed flow map", "monitors:\n  - name: a\n    headers: {a: 1\n", "3:14", "this { is never closed with }"],
  ])("reports %s as one located line", (_what, text, where, message) => {
    const errors = locatedErrors(text);
    expect(errors.map((e) => `${e.line}:${e.col}`)).toEqual([where]);
    expect(errors[0]!.message).toContain(message);
    expect(errors[0]!.message).not.toContain("\n");
    try {
      load(text);
    } catch (err) {
      expect((err as Error).message).toBe(`monitors.yaml:${where}: ${errors[0]!.message}`);
    }
  });

  it("reports a YAML syntax error with its line", () => {
    const errors = locatedErrors("monitors:\n  - name: a\n   type: http\n");
    expect(errors[0]?.file).toBe("monitors.yaml");
    expect(errors[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("formats an error as file:line:col field: message", () => {
    expect(() => normalizeDocument(load("monitors:\n  - name: a\n    type: nope\n").document)).toThrow(
      /monitors\.0\.type/,
    );
    try {
      load("x: 1\n");
    } catch (err) {
      expect((err as Error).message).toBe(
        "monitors.yaml:1:1: x: unknown field (expected channels, monitors or maintenance)",
      );
    }
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a channel setting", 'channels:\n  - name: hook\n    type: webhook\n    settings:\n      url: "https://h.example.com/\\0"\n', "channels.0.settings.url"],
    ["a maintenance title", 'maintenance:\n  - title: "db\\0"\n    start: 2030-01-01T00:00:00Z\n', "maintenance.0.title"],
  ])("refuses a NUL in %s, naming the field and its line", (_what, text, field) => {
    const errors = locatedErrors(text);
    expect(errors.map((e) => e.field)).toEqual([field]);
    expect(errors[0]?.line).toBeGreaterThan(1);
  });

  const aliasBomb = [
    "x-a: &a [v, v, v, v, v, v, v, v, v, v]",
    "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "monitors: []",
    "",
  ].join("\n");
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["aliases past the limit (an alias bomb)", aliasBomb, "monitors.yaml:2:10", /aliases .* expand to more than 100 copies/],
    ["an alias before its anchor", "monitors:\n  - *early\n", "monitors.yaml:2:5", /Unresolved alias .*early/],
  ])("refuses %s as the file's fault, at its first alias", (_what, text, where, message) => {
    let caught: unknown;
    try {
      load(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigFileError);
    const [issue] = (caught as ConfigFileError).located;
    expect(`${issue?.file}:${issue?.line}:${issue?.col}`).toBe(where);
    expect(issue?.message).toMatch(message);
  });

  it("locates fields in the right file when several files are merged", () => {
    const loaded = loadConfigSources(
      [
        { file: "a.yaml", text: "monitors:\n  - name: a\n    type: push\n" },
        { file: "b.yaml", text: "# b\nmonitors:\n  - name: b\n    type: push\n    bogus: 1\n" },
      ],
      {},
    );
    expect(() => normalizeDocument(loaded.document)).toThrow();
    try {
      normalizeDocument(loaded.document);
    } catch (err) {
      expect(loaded.locateIssues((err as ConfigFileError).issues).map(at)).toEqual(["b.yaml:5:5 monitors.1.bogus"]);
    }
  });

  it("reads JSON with positions too", () => {
    const errors = loadConfigSources(
      [{ file: "m.json", text: '{\n  "monitors": [\n    { "name": "a", "type": "push", "oops": true }\n  ]\n}\n' }],
      {},
    );
    try {
      normalizeDocument(errors.document);
      throw new Error("should fail");
    } catch (err) {
      expect(errors.locateIssues((err as ConfigFileError).issues).map(at)).toEqual(["m.json:3:36 monitors.0.oops"]);
    }
  });
});

describe("environment substitution", () => {
  const doc = (url: string) => `channels:\n  - name: hook\n    type: webhook\n    settings:\n      url: "${url}"\n`;

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a whole value", "${HOOK_URL}", { HOOK_URL: "https://hooks.example.com/a" }, "https://hooks.example.com/a"],
    ["inside a value", "https://hooks.example.com/${HOOK_PATH}", { HOOK_PATH: "b" }, "https://hooks.example.com/b"],
    ["two variables", "https://${HOST}/${HOOK_PATH}", { HOST: "h.example.com", HOOK_PATH: "c" }, "https://h.example.com/c"],
    ["$${ is a literal ${", "https://h.example.com/$${x}", {}, "https://h.example.com/${x}"],
  ])("%s", (_name, value, env, expected) => {
    const loaded = load(doc(value), env);
    expect((loaded.document.channels as Array<{ settings: { url: string } }>)[0]!.settings.url).toBe(expected);
  });

  it("names a missing variable with file, line and column", () => {
    try {
      load(doc("${HOOK_URL}"), {});
      throw new Error("should fail");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigFileError);
      expect((err as Error).message).toBe(
        "monitors.yaml:5:12: channels.0.settings.url: environment variable HOOK_URL is not set",
      );
    }
  });

  it.each([["constructor"], ["toString"], ["__proto__"]])(
    "takes ${%s}, a name objects inherit, as a variable that is not set",
    (name) => {
      expect(() => load(doc(`\${${name}}`), {})).toThrow(`environment variable ${name} is not set`);
    },
  );

  it("names the field of a missing variable by its path in the merged document", () => {
    try {
      loadConfigSources(
        [
          { file: "a.yaml", text: "monitors:\n  - name: a\n    type: push\n" },
          {
            file: "b.yaml",
            text: "monitors:\n  - name: b\n    type: http\n    url: https://b.example\n    headers:\n      X-Key: ${KEY}\n",
          },
        ],
        {},
      );
      throw new Error("should fail");
    } catch (err) {
      expect((err as ConfigFileError).located.map(at)).toEqual(["b.yaml:6:14 monitors.1.headers.X-Key"]);
    }
  });

  it("does not substitute keys", () => {
    const loaded = load(
      "monitors:\n  - name: a\n    type: http\n    url: https://a.example\n    headers:\n      ${H}: v\n",
      { H: "X-Test" },
    );
    expect((loaded.document.monitors as Array<{ headers: Record<string, string> }>)[0]!.headers).toEqual({
      "${H}": "v",
    });
  });
});
