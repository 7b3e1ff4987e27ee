import {
  isSecretHeader,
  MASK,
  maskMonitorSecrets,
  normalizeMonitor,
  restoreMaskedSecrets,
  urlHasCredentials,
  urlWithCredentialAs,
  withoutCredentials,
} from "../src/index.js";

describe("monitor credentials", () => {
  it.each([
    ["Authorization", true],
    ["Proxy-Authorization", true],
    ["Cookie", true],
    ["X-Api-Key", true],
    ["Api-Key", true],
    ["apikey", true],
    ["X-Auth-Token", true],
    ["Private-Token", true],
    ["X-Vault-Token", true],
    ["Ocp-Apim-Subscription-Key", true],
    ["X-Goog-Api-Key", true],
    ["X-Session-Id", true],
    ["X-Client-Secret", true],
    ["X-Signature", true],
    ["X-Password", true],
    ["Accept", false],
    ["Content-Type", false],
    ["User-Agent", false],
    ["Keep-Alive", false],
    ["X-Request-Id", false],
    ["X-Env", false],
    ["Monkey", false],
  ])("header %s carries a credential: %s", (name, secret) => {
    expect(isSecretHeader(name)).toBe(secret);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a user and a password", "https://svc:s3cr%40t@api.example.com/h?q=1#f", true, "https://api.example.com/h?q=1#f", "https://svc:********@api.example.com/h?q=1#f"],
    ["a token as the user name", "https://ghp_t0ken@api.example.com/", true, "https://api.example.com/", "https://********@api.example.com/"],
    ["no credentials", "https://api.example.com:8443/h", false, "https://api.example.com:8443/h", "https://api.example.com:8443/h"],
  ])("a URL with %s", (_what, url, has, stripped, masked) => {
    expect(urlHasCredentials(url)).toBe(has);
    expect(withoutCredentials(url)).toBe(stripped);
    expect(urlWithCredentialAs(url, MASK)).toBe(masked);
  });

  const stored = normalizeMonitor({
    name: "api",
    type: "http",
    url: "https://svc:s3cr%40t@api.example.com/login",
    method: "POST",
    headers: { Authorization: "Bearer abc", "Private-Token": "glpat-1", "X-Env": "prod" },
    body: '{"password":"hunter2"}',
    auth: { type: "basic", username: "u", password: "pw" },
  });

  it("masks every credential and nothing else", () => {
    const masked = maskMonitorSecrets(stored);
    expect(masked).toMatchObject({
      url: "https://svc:********@api.example.com/login",
      headers: { Authorization: MASK, "Private-Token": MASK, "X-Env": "prod" },
      body: MASK,
      auth: { type: "basic", username: "u", password: MASK },
    });
    const text = JSON.stringify(masked);
    for (const secret of ["s3cr", "abc", "glpat", "hunter2", '"pw"']) expect(text).not.toContain(secret);
  });

  it("puts the stored credentials back where the mask is sent unchanged", () => {
    const back = normalizeMonitor(restoreMaskedSecrets({ ...maskMonitorSecrets(stored) }, stored));
    expect(back).toEqual(stored);
  });

  it("keeps the stored URL password when the rest of the URL changes", () => {
    const back = restoreMaskedSecrets({ url: "https://svc:********@api2.example.com/login" }, stored);
    expect(back.url).toBe("https://svc:s3cr%40t@api2.example.com/login");
  });

  it("takes new values as sent, and a header named like an inherited key as a plain value", () => {
    const sent = {
      url: "https://svc:new@api.example.com/login",
      body: "new body",
      headers: { Authorization: "Bearer new", constructor: MASK },
    };
    expect(restoreMaskedSecrets(sent, stored)).toEqual(sent);
  });
});
