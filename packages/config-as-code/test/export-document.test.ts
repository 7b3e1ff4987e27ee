import { parse } from "yaml";
import {
  exportConfig,
  exportConfigYaml,
  loadConfigSources,
  normalizeDocument,
  planConfig,
  type CurrentState,
} from "../src/index.js";

const doc = {
  channels: [
    {
      name: "ops-hook",
      type: "webhook",
      settings: { url: "https://hooks.example.com/a", secret: "hook-secret", headers: { "X-Key": "k1" } },
      default: true,
    },
    {
      name: "ops slack",
      type: "slack",
      settings: { webhookUrl: "https://hooks.slack.com/services/T/B/X" },
      enabled: false,
      reminderInterval: 3600,
    },
  ],
  monitors: [
    {
      name: "shop",
      type: "group",
      channels: ["ops-hook"],
      monitors: [
        {
          name: "checkout-api",
          type: "http",
          url: "https://shop.example.com/health",
          interval: 30,
          retries: 2,
          headers: { Authorization: "Bearer t0k", "X-Env": "prod" },
          auth: { type: "basic", username: "u", password: "pw" },
          regions: ["eu-west"],
        },
        { name: "db", type: "tcp", hostname: "db.example.com", port: 5432, paused: true },
      ],
    },
    { name: "heartbeat", type: "push", token: "push-token-0123456789abcdef", interval: 300 },
    { name: "mx", type: "dns", hostname: "example.com", recordType: "MX", expected: ["mx.example.com"] },
  ],
  maintenance: [
    {
      title: "weekly",
      start: "2026-05-01T02:00:00Z",
      recurrence: { frequency: "weekly", daysOfWeek: [0], startTime: "02:00", durationMinutes: 60 },
    },
  ],
};

function serverHolding(d: unknown): CurrentState {
  const { state } = normalizeDocument(d);
  let id = 1;
  return {
    channels: state.channels.map((c) => ({ ...c, id: id++ })),
    monitors: state.monitors.map((m) => ({ ...m, id: id++ })),
    maintenance: state.maintenance.map((w) => ({ ...w, id: id++ })),
  };
}

describe("exportConfig", () => {
  it("round-trips with secrets: the export applies back as nothing to do", () => {
    const server = serverHolding(doc);
    const yaml = exportConfigYaml(server, { includeSecrets: true });
    const reparsed = normalizeDocument(loadConfigSources([{ file: "export.yaml", text: yaml }], {}).document);
    expect(planConfig(server, reparsed.state, { prune: true })).toEqual([]);
    expect(reparsed.state).toEqual(normalizeDocument(doc).state);
  });

  it("nests children under their group and leaves defaults out", () => {
    const { document } = exportConfig(serverHolding(doc), { includeSecrets: true });
    const shop = (document.monitors as any[])[0];
    expect(shop.monitors.map((m: any) => m.name)).toEqual(["checkout-api", "db"]);
    expect(shop.monitors[1]).toEqual({ name: "db", type: "tcp", hostname: "db.example.com", port: 5432, paused: true });
    expect(shop.monitors[0].parent).toBeUndefined();
    expect((document.monitors as any[])[1]).toEqual({
      name: "heartbeat",
      type: "push",
      interval: 300,
      token: "push-token-0123456789abcdef",
    });
  });

  it("writes placeholders for every secret without includeSecrets", () => {
    const server = serverHolding(doc);
    const { secretVariables } = exportConfig(server, { includeSecrets: false });
    const yaml = exportConfigYaml(server, { includeSecrets: false });
    for (const secret of ["hook-secret", "k1", "t0k", "pw", "hooks.slack.com"]) expect(yaml).not.toContain(secret);
    expect(yaml).toContain("push-token-0123456789abcdef");
    expect(secretVariables).toEqual([
      "UPTOP_SECRET_OPS_HOOK_SECRET",
      "UPTOP_SECRET_OPS_HOOK_HEADERS_X_KEY",
      "UPTOP_SECRET_OPS_SLACK_WEBHOOKURL",
      "UPTOP_SECRET_MONITOR_CHECKOUT_API_PASSWORD",
      "UPTOP_SECRET_MONITOR_CHECKOUT_API_HEADER_AUTHORIZATION",
    ]);
    const env = {
      UPTOP_SECRET_OPS_HOOK_SECRET: "hook-secret",
      UPTOP_SECRET_OPS_HOOK_HEADERS_X_KEY: "k1",
      UPTOP_SECRET_OPS_SLACK_WEBHOOKURL: "https://hooks.slack.com/services/T/B/X",
      UPTOP_SECRET_MONITOR_CHECKOUT_API_PASSWORD: "pw",
      UPTOP_SECRET_MONITOR_CHECKOUT_API_HEADER_AUTHORIZATION: "Bearer t0k",
    };
    const back = normalizeDocument(loadConfigSources([{ file: "e.yaml", text: yaml }], env).document);
    expect(planConfig(server, back.state, { prune: true })).toEqual([]);
    expect(parse(yaml).channels[0].settings.secret).toBe("${UPTOP_SECRET_OPS_HOOK_SECRET}");
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a password in the URL", { url: "https://svc:s3cr%40t@api.example.com/health?x=${Q}" }, "s3cr%40t", { UPTOP_SECRET_MONITOR_API_URL_PASSWORD: "s3cr%40t" }, "url: https://svc:${UPTOP_SECRET_MONITOR_API_URL_PASSWORD}@api.example.com/health?x=$${Q}"],
    ["a token as the URL's user name", { url: "https://ghp_t0ken@api.example.com/" }, "ghp_t0ken", { UPTOP_SECRET_MONITOR_API_URL_USERNAME: "ghp_t0ken" }, "url: https://${UPTOP_SECRET_MONITOR_API_URL_USERNAME}@api.example.com/"],
    ["a body", { url: "https://api.example.com/login", method: "POST", body: '{"password":"hunter2"}' }, "hunter2", { UPTOP_SECRET_MONITOR_API_BODY: '{"password":"hunter2"}' }, "body: ${UPTOP_SECRET_MONITOR_API_BODY}"],
    ["a private token header", { url: "https://api.example.com/", headers: { "Private-Token": "glpat-xyz" } }, "glpat-xyz", { UPTOP_SECRET_MONITOR_API_HEADER_PRIVATE_TOKEN: "glpat-xyz" }, "Private-Token: ${UPTOP_SECRET_MONITOR_API_HEADER_PRIVATE_TOKEN}"],
  ])("writes %s as a placeholder that applies back", (_what, fields, secret, env, line) => {
    const server = serverHolding({ monitors: [{ name: "api", type: "http", ...fields }] });
    const yaml = exportConfigYaml(server, { includeSecrets: false });
    expect(yaml).not.toContain(secret);
    expect(yaml).toContain(line);
    expect(exportConfig(server, { includeSecrets: false }).secretVariables).toEqual(Object.keys(env));
    const back = normalizeDocument(loadConfigSources([{ file: "e.yaml", text: yaml }], env).document);
    expect(planConfig(server, back.state, { prune: true })).toEqual([]);
    expect(exportConfigYaml(server, { includeSecrets: true })).toContain(secret);
  });

  it("names the variables in the header comment", () => {
    const yaml = exportConfigYaml(serverHolding(doc), { includeSecrets: false });
    expect(yaml.split("\n").slice(0, 4).join("\n")).toContain("UPTOP_SECRET_OPS_HOOK_SECRET");
  });

  // Stored values are literal: a template body or a header that happens to contain `${NAME}`
  // must come back as written, not be substituted (or fail "not set") when the export is applied.
  const templated = {
    channels: [
      {
        name: "hook",
        type: "webhook",
        settings: { url: "https://hooks.example.com/a", secret: "s-${HOOK}", headers: { "X-Tpl": "$${RAW}" } },
      },
    ],
    monitors: [
      {
        name: "tmpl",
        type: "http",
        url: "https://a.example.com/",
        method: "POST",
        body: '{"user":"${USER}","raw":"$${HOME}","end":"$"}',
        headers: { "X-Tpl": "${X}", Authorization: "Bearer ${TOKEN}" },
        keyword: "$${X} and ${Y}",
        auth: { type: "basic", username: "${U}", password: "${P}" },
      },
    ],
    maintenance: [{ title: "deploy ${N}", description: "cost $$${M}", start: "2026-05-01T02:00:00Z" }],
  };

  it.each([
    ["with secrets", true],
    ["with placeholders", false],
  ])("escapes ${ in values so the export applies back literally (%s)", (_name, includeSecrets) => {
    const server = serverHolding(templated);
    const yaml = exportConfigYaml(server, { includeSecrets });
    const env: Record<string, string> = includeSecrets
      ? {}
      : {
          UPTOP_SECRET_HOOK_SECRET: "s-${HOOK}",
          UPTOP_SECRET_HOOK_HEADERS_X_TPL: "$${RAW}",
          UPTOP_SECRET_MONITOR_TMPL_PASSWORD: "${P}",
          UPTOP_SECRET_MONITOR_TMPL_HEADER_AUTHORIZATION: "Bearer ${TOKEN}",
          UPTOP_SECRET_MONITOR_TMPL_BODY: '{"user":"${USER}","raw":"$${HOME}","end":"$"}',
        };
    const back = normalizeDocument(loadConfigSources([{ file: "export.yaml", text: yaml }], env).document);
    expect(planConfig(server, back.state, { prune: true })).toEqual([]);
    expect(back.state.monitors[0]!.body).toBe('{"user":"${USER}","raw":"$${HOME}","end":"$"}');
    expect(back.state.maintenance[0]!.description).toBe("cost $$${M}");
  });

  it.each([
    [
      "a channel name that differs only in punctuation",
      [
        { name: "ops-hook", type: "webhook", settings: { url: "https://h.example.com/a", secret: "one" } },
        { name: "ops_hook", type: "webhook", settings: { url: "https://h.example.com/b", secret: "two" } },
      ],
      [],
    ],
    [
      "a channel named like a monitor's secret",
      [
        {
          name: "monitor-x",
          type: "email",
          settings: {
            host: "smtp.example.com",
            from: "a@example.com",
            to: "b@example.com",
            user: "u",
            password: "one",
          },
        },
      ],
      [
        {
          name: "x",
          type: "http",
          url: "https://x.example.com/",
          auth: { type: "basic", username: "u", password: "two" },
        },
      ],
    ],
  ])("gives every secret its own variable: %s", (_name, channels, monitors) => {
    const server = serverHolding({ channels, monitors });
    const { secretVariables } = exportConfig(server, { includeSecrets: false });
    expect(new Set(secretVariables).size).toBe(secretVariables.length);
    const yaml = exportConfigYaml(server, { includeSecrets: false });
    const env = Object.fromEntries(secretVariables.map((v, i) => [v, i === 0 ? "one" : "two"]));
    const back = normalizeDocument(loadConfigSources([{ file: "e.yaml", text: yaml }], env).document);
    expect(planConfig(server, back.state, { prune: true })).toEqual([]);
  });
});
