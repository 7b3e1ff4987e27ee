import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, ConfigError } from "../src/index.js";

// A throwaway self-signed P-256 certificate and its key, for the TLS start-up checks only
// (createSecureContext does not look at dates).
const CERT = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUNHj2zACmN5kJg+j/7ibE4thP7LAwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKdXB0b3AtdGVzdDAgFw0yNjEyMDIwNjQwMTBaGA8yMTI2MTEw
ODA2NDAxMFowFTETMBEGA1UEAwwKdXB0b3AtdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABKUMszPFfl+vwocYsJUAkClEz2xiUvAUhS9pD5YQB7LR80u4FldX
q276D3hkYrICBBXWTBMwBua7nltwqUf42pajUzBRMB0GA1UdDgQWBBS7X+ZzGbjb
Hfoovw4MEr3uVE5biTAfBgNVHSMEGDAWgBS7X+ZzGbjbHfoovw4MEr3uVE5biTAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCx+cmGC3l3K/nzJaXD
DQEi/l++0A7hEEHdFr/yiHrFIgIgGRoKMqHzKlgBjHi4IwYTJePGECaAWPqvQ+Nb
mxmkHXA=
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSUWRIaaTaAxFmKDe
L8UfsZWJMacKFaLMux/onp3rUouhRANCAASlDLMzxX5fr8KHGLCVAJApRM9sYlLw
FIUvaQ+WEAey0fNLuBZXV6tu+g94ZGKyAgQV1kwTMAbmu55bcKlH+NqW
-----END PRIVATE KEY-----
`;
const tls = mkdtempSync(join(tmpdir(), "uptop-config-tls-"));
const file = (name: string, text: string) => {
  writeFileSync(join(tls, name), text);
  return join(tls, name);
};
const cert = file("cert.pem", CERT);
const key = file("key.pem", KEY);
const otherKey = file(
  "other-key.pem",
  generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
);
const junk = file("junk.pem", "not a pem file\n");
const missing = join(tls, "missing.pem");

describe("loadConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    const c = loadConfig({});
    expect(c.mode).toBe("leader");
    expect(c.http).toMatchObject({ port: 8080, host: "0.0.0.0", tlsCert: null, trustedProxies: [] });
    expect(c.db).toEqual({ type: "sqlite", dsn: "./data/uptop.db", poolMax: 10 });
    expect(c.cluster).toMatchObject({
      nodeId: "leader",
      nodeName: "leader",
      region: "local",
      aggStrategy: "any-down",
      leaderChecks: true,
      probeConcurrency: 10,
      probeSyncIntervalMs: 30_000,
      failoverPollMs: 5_000,
      failoverThreshold: 3,
      peerUrls: [],
      secret: null,
    });
    expect(c.security).toEqual({ encryptionKey: null, allowPrivateTargets: false, insecureSkipVerify: false });
    expect(c.status).toEqual({ enabled: false, title: "System Status" });
    expect(c.retention).toEqual({ rawMs: 14 * 86_400_000, rollupMs: 400 * 86_400_000 });
    expect(c.logLevel).toBe("info");
    expect(c.metricsPublic).toBe(false);
  });

  it("returns a deeply frozen object", () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.cluster)).toBe(true);
  });

  it.each([
    [{ UPTOP_HTTP_PORT: "9090" }, (c: ReturnType<typeof loadConfig>) => c.http.port, 9090],
    [
      { UPTOP_DB_TYPE: "postgres", UPTOP_DB_DSN: "postgres://u@h/db" },
      (c: ReturnType<typeof loadConfig>) => c.db.dsn,
      "postgres://u@h/db",
    ],
    [{ UPTOP_DATA_DIR: "/var/lib/uptop/" }, (c: ReturnType<typeof loadConfig>) => c.db.dsn, "/var/lib/uptop/uptop.db"],
    [
      { UPTOP_AGG_STRATEGY: "majority-down" },
      (c: ReturnType<typeof loadConfig>) => c.cluster.aggStrategy,
      "majority-down",
    ],
    [{ UPTOP_LEADER_CHECKS: "false" }, (c: ReturnType<typeof loadConfig>) => c.cluster.leaderChecks, false],
    [{}, (c: ReturnType<typeof loadConfig>) => c.cluster.checkConcurrency, 100],
    [{ UPTOP_CHECK_CONCURRENCY: "250" }, (c: ReturnType<typeof loadConfig>) => c.cluster.checkConcurrency, 250],
    [
      { UPTOP_ALLOW_PRIVATE_TARGETS: "yes" },
      (c: ReturnType<typeof loadConfig>) => c.security.allowPrivateTargets,
      true,
    ],
    [{ UPTOP_PROBE_SYNC_INTERVAL: "2m" }, (c: ReturnType<typeof loadConfig>) => c.cluster.probeSyncIntervalMs, 120_000],
    [{ UPTOP_FAILOVER_POLL: "500ms" }, (c: ReturnType<typeof loadConfig>) => c.cluster.failoverPollMs, 500],
    [{ UPTOP_RETENTION_RAW: "30d" }, (c: ReturnType<typeof loadConfig>) => c.retention.rawMs, 30 * 86_400_000],
    [
      { UPTOP_TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.10" },
      (c: ReturnType<typeof loadConfig>) => c.http.trustedProxies,
      ["10.0.0.0/8", "192.168.1.10"],
    ],
    [
      { UPTOP_PEER_URL: "http://a:8080/,https://b:8443" },
      (c: ReturnType<typeof loadConfig>) => c.cluster.peerUrls,
      ["http://a:8080", "https://b:8443"],
    ],
    [{ UPTOP_NODE_NAME: "Main" }, (c: ReturnType<typeof loadConfig>) => c.cluster.nodeName, "Main"],
    [
      { UPTOP_STATUS_ENABLED: "true", UPTOP_STATUS_TITLE: "Acme" },
      (c: ReturnType<typeof loadConfig>) => c.status,
      { enabled: true, title: "Acme" },
    ],
    [{ UPTOP_LOG_LEVEL: "debug" }, (c: ReturnType<typeof loadConfig>) => c.logLevel, "debug"],
    [
      { UPTOP_CORS_ORIGIN: "https://status.example.com" },
      (c: ReturnType<typeof loadConfig>) => c.http.corsOrigin,
      "https://status.example.com",
    ],
    [
      { UPTOP_CORS_ORIGIN: "https://Status.Example.com:443/" },
      (c: ReturnType<typeof loadConfig>) => c.http.corsOrigin,
      "https://status.example.com",
    ],
    [
      { UPTOP_CORS_ORIGIN: "http://localhost:3000" },
      (c: ReturnType<typeof loadConfig>) => c.http.corsOrigin,
      "http://localhost:3000",
    ],
    [{ UPTOP_CORS_ORIGIN: "*" }, (c: ReturnType<typeof loadConfig>) => c.http.corsOrigin, "*"],
    [{ UPTOP_HTTP_HOST: "127.0.0.1" }, (c: ReturnType<typeof loadConfig>) => c.http.host, "127.0.0.1"],
    [{ UPTOP_HTTP_HOST: "[::1]" }, (c: ReturnType<typeof loadConfig>) => c.http.host, "::1"],
    [{ UPTOP_HTTP_HOST: "::" }, (c: ReturnType<typeof loadConfig>) => c.http.host, "::"],
    [{ UPTOP_HTTP_HOST: "uptop.internal" }, (c: ReturnType<typeof loadConfig>) => c.http.host, "uptop.internal"],
    [
      { UPTOP_TRUSTED_PROXIES: "fd00::/8,::1,0.0.0.0/1,10.1.2.3/32" },
      (c: ReturnType<typeof loadConfig>) => c.http.trustedProxies,
      ["fd00::/8", "::1", "0.0.0.0/1", "10.1.2.3/32"],
    ],
    [
      { UPTOP_TLS_CERT: cert, UPTOP_TLS_KEY: key },
      (c: ReturnType<typeof loadConfig>) => [c.http.tlsCert, c.http.tlsKey],
      [cert, key],
    ],
    // A probe serves plain HTTP and never reads the files.
    [
      {
        UPTOP_CLUSTER_MODE: "probe",
        UPTOP_PEER_URL: "http://l:8080",
        UPTOP_NODE_ID: "p1",
        UPTOP_NODE_REGION: "eu",
        UPTOP_TLS_CERT: missing,
        UPTOP_TLS_KEY: missing,
      },
      (c: ReturnType<typeof loadConfig>) => c.mode,
      "probe",
    ],
    [{ UPTOP_METRICS_PUBLIC: "1" }, (c: ReturnType<typeof loadConfig>) => c.metricsPublic, true],
    [{}, (c: ReturnType<typeof loadConfig>) => c.metricsToken, null],
    [
      { UPTOP_METRICS_TOKEN: "scrape-only-token-0001" },
      (c: ReturnType<typeof loadConfig>) => c.metricsToken,
      "scrape-only-token-0001",
    ],
    [{}, (c: ReturnType<typeof loadConfig>) => c.ssh, { port: null, host: "0.0.0.0", idleTimeoutMs: 900_000 }],
    [
      { UPTOP_SSH_PORT: "2222", UPTOP_HTTP_HOST: "127.0.0.1" },
      (c: ReturnType<typeof loadConfig>) => c.ssh,
      { port: 2222, host: "127.0.0.1", idleTimeoutMs: 900_000 },
    ],
    [
      { UPTOP_SSH_PORT: "0", UPTOP_SSH_HOST: "[::1]", UPTOP_SSH_IDLE_TIMEOUT: "90s" },
      (c: ReturnType<typeof loadConfig>) => c.ssh,
      { port: 0, host: "::1", idleTimeoutMs: 90_000 },
    ],
    [
      { UPTOP_ENCRYPTION_KEY: "ab".repeat(32) },
      (c: ReturnType<typeof loadConfig>) => c.security.encryptionKey?.length,
      32,
    ],
  ])("reads %j", (env, pick, expected) => {
    expect(pick(loadConfig(env))).toEqual(expected);
  });

  it.each([
    [{ UPTOP_HTTP_PORT: "eighty" }, "UPTOP_HTTP_PORT", "UPTOP_HTTP_PORT=8080"],
    [{ UPTOP_HTTP_PORT: "70000" }, "UPTOP_HTTP_PORT", "outside 0..65535"],
    [{ UPTOP_DB_TYPE: "mysql" }, "UPTOP_DB_TYPE", "sqlite, postgres"],
    [{ UPTOP_DB_TYPE: "pglite" }, "UPTOP_DB_TYPE", "uptop-admin db copy --from pglite:"],
    [{ UPTOP_DB_TYPE: "postgres" }, "UPTOP_DB_DSN", "is required"],
    [{ UPTOP_DB_TYPE: "postgres", UPTOP_DB_DSN: "./data" }, "UPTOP_DB_DSN", "postgres://"],
    [{ UPTOP_DB_DSN: "postgres://x/y" }, "UPTOP_DB_DSN", "file path"],
    [{ UPTOP_DB_POOL_MAX: "0" }, "UPTOP_DB_POOL_MAX", "outside"],
    [{ UPTOP_API_TOKEN: "short" }, "UPTOP_API_TOKEN", "16 characters"],
    [{ UPTOP_METRICS_TOKEN: "short" }, "UPTOP_METRICS_TOKEN", "16 characters"],
    [
      { UPTOP_API_TOKEN: "same-token-for-both-0001", UPTOP_METRICS_TOKEN: "same-token-for-both-0001" },
      "UPTOP_METRICS_TOKEN",
      "must differ from UPTOP_API_TOKEN",
    ],
    [{ UPTOP_CLUSTER_MODE: "boss" }, "UPTOP_CLUSTER_MODE", "leader, follower, probe"],
    [{ UPTOP_CLUSTER_SECRET: "tiny" }, "UPTOP_CLUSTER_SECRET", "16 characters"],
    [{ UPTOP_PEER_URL: "ftp://x" }, "UPTOP_PEER_URL", "http:// or https://"],
    [{ UPTOP_PEER_URL: "not a url" }, "UPTOP_PEER_URL", "not a URL"],
    [{ UPTOP_NODE_ID: "bad id!" }, "UPTOP_NODE_ID", "letters, digits"],
    [{ UPTOP_AGG_STRATEGY: "some-down" }, "UPTOP_AGG_STRATEGY", "any-down"],
    [{ UPTOP_LEADER_CHECKS: "maybe" }, "UPTOP_LEADER_CHECKS", "not a boolean"],
    [{ UPTOP_PROBE_CONCURRENCY: "-1" }, "UPTOP_PROBE_CONCURRENCY", "whole number"],
    [{ UPTOP_CHECK_CONCURRENCY: "0" }, "UPTOP_CHECK_CONCURRENCY", "outside 1..10000"],
    [{ UPTOP_PROBE_SYNC_INTERVAL: "soon" }, "UPTOP_PROBE_SYNC_INTERVAL", "not a duration"],
    [{ UPTOP_FAILOVER_THRESHOLD: "0" }, "UPTOP_FAILOVER_THRESHOLD", "outside"],
    [{ UPTOP_ENCRYPTION_KEY: "abc" }, "UPTOP_ENCRYPTION_KEY", "64 hex"],
    [{ UPTOP_TLS_CERT: "/x.pem" }, "UPTOP_TLS_KEY", "together"],
    [{ UPTOP_TRUSTED_PROXIES: "everyone" }, "UPTOP_TRUSTED_PROXIES", "CIDR"],
    [
      { UPTOP_TRUSTED_PROXIES: "10.0.0.0/8,999.1.1.1" },
      "UPTOP_TRUSTED_PROXIES",
      '"999.1.1.1" is not an IP address or CIDR',
    ],
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/99" }, "UPTOP_TRUSTED_PROXIES", '"10.0.0.0/99" has a prefix outside 1..32'],
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/33" }, "UPTOP_TRUSTED_PROXIES", "outside 1..32"],
    [{ UPTOP_TRUSTED_PROXIES: "fd00::/129" }, "UPTOP_TRUSTED_PROXIES", '"fd00::/129" has a prefix outside 1..128'],
    // proxy-addr refuses /0; "every address" would be "trust proxy" true, which is not offered.
    [{ UPTOP_TRUSTED_PROXIES: "0.0.0.0/0" }, "UPTOP_TRUSTED_PROXIES", "outside 1..32"],
    [{ UPTOP_TRUSTED_PROXIES: "::/0" }, "UPTOP_TRUSTED_PROXIES", "outside 1..128"],
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/255.0.0.0" }, "UPTOP_TRUSTED_PROXIES", "not an IP address or CIDR"],
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/" }, "UPTOP_TRUSTED_PROXIES", '"10.0.0.0/"'],
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/8/8" }, "UPTOP_TRUSTED_PROXIES", '"10.0.0.0/8/8"'],
    [{ UPTOP_HTTP_HOST: "999.1.1.1" }, "UPTOP_HTTP_HOST", "not an IP address or host name"],
    [{ UPTOP_HTTP_HOST: "http://0.0.0.0" }, "UPTOP_HTTP_HOST", "not an IP address or host name"],
    [{ UPTOP_HTTP_HOST: "bad_host" }, "UPTOP_HTTP_HOST", "not an IP address or host name"],
    [{ UPTOP_HTTP_HOST: "[10.0.0.1]" }, "UPTOP_HTTP_HOST", "not an IP address or host name"],
    [{ UPTOP_CORS_ORIGIN: "https://a.example,https://b.example" }, "UPTOP_CORS_ORIGIN", "takes one origin"],
    [{ UPTOP_CORS_ORIGIN: "https://a.example/status" }, "UPTOP_CORS_ORIGIN", "no path"],
    [{ UPTOP_CORS_ORIGIN: "status.example.com" }, "UPTOP_CORS_ORIGIN", "not an origin URL"],
    [{ UPTOP_CORS_ORIGIN: "ftp://a.example" }, "UPTOP_CORS_ORIGIN", "http:// or https://"],
    [{ UPTOP_TLS_CERT: missing, UPTOP_TLS_KEY: key }, "UPTOP_TLS_CERT", "ENOENT"],
    [{ UPTOP_TLS_CERT: cert, UPTOP_TLS_KEY: missing }, "UPTOP_TLS_KEY", "ENOENT"],
    [{ UPTOP_TLS_CERT: tls, UPTOP_TLS_KEY: key }, "UPTOP_TLS_CERT", "EISDIR"],
    [{ UPTOP_TLS_CERT: junk, UPTOP_TLS_KEY: key }, "UPTOP_TLS_CERT", "not a PEM certificate"],
    [{ UPTOP_TLS_CERT: cert, UPTOP_TLS_KEY: junk }, "UPTOP_TLS_KEY", "not a PEM private key"],
    [{ UPTOP_TLS_CERT: cert, UPTOP_TLS_KEY: otherKey }, "UPTOP_TLS_KEY", "not the key of the certificate"],
    [{ UPTOP_RETENTION_RAW: "1h" }, "UPTOP_RETENTION_RAW", "shorter than"],
    [{ UPTOP_LOG_LEVEL: "loud" }, "UPTOP_LOG_LEVEL", "not one of"],
    [{ UPTOP_STATUS_ENABLED: "2" }, "UPTOP_STATUS_ENABLED", "not a boolean"],
    [{ UPTOP_SSH_PORT: "ssh" }, "UPTOP_SSH_PORT", "not a whole number"],
    [{ UPTOP_SSH_PORT: "65536" }, "UPTOP_SSH_PORT", "outside 0..65535"],
    [{ UPTOP_SSH_PORT: "2222", UPTOP_SSH_HOST: "bad_host" }, "UPTOP_SSH_HOST", "not an IP address or host name"],
    [{ UPTOP_SSH_IDLE_TIMEOUT: "forever" }, "UPTOP_SSH_IDLE_TIMEOUT", "not a duration"],
    [{ UPTOP_SSH_IDLE_TIMEOUT: "5s" }, "UPTOP_SSH_IDLE_TIMEOUT", "shorter than 10000ms"],
  ])("rejects %j naming %s", (env, variable, fragment) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.variable).toBe(variable);
    expect(ce.message).toContain(fragment);
    expect(ce.message).toMatch(/\(example: UPTOP_[A-Z_]+=.+\)$/);
    expect(ce.message).not.toContain("\n");
  });

  it("requires peer, node id and region in probe mode", () => {
    expect(() => loadConfig({ UPTOP_CLUSTER_MODE: "probe" })).toThrow(/UPTOP_PEER_URL/);
    expect(() => loadConfig({ UPTOP_CLUSTER_MODE: "probe", UPTOP_PEER_URL: "http://l:8080" })).toThrow(/UPTOP_NODE_ID/);
    expect(() =>
      loadConfig({ UPTOP_CLUSTER_MODE: "probe", UPTOP_PEER_URL: "http://l:8080", UPTOP_NODE_ID: "p1" }),
    ).toThrow(/UPTOP_NODE_REGION/);
    const c = loadConfig({
      UPTOP_CLUSTER_MODE: "probe",
      UPTOP_PEER_URL: "http://l:8080",
      UPTOP_NODE_ID: "p1",
      UPTOP_NODE_REGION: "eu",
    });
    expect(c.cluster).toMatchObject({ nodeId: "p1", region: "eu" });
  });

  it("refuses a mode that does not match the app", () => {
    expect(() => loadConfig({ UPTOP_CLUSTER_MODE: "probe" }, { expectedMode: "leader" })).toThrow(
      /this is the leader app/,
    );
  });

  it("defaults the follower's node id to follower", () => {
    expect(
      loadConfig({ UPTOP_CLUSTER_MODE: "follower", UPTOP_PEER_URL: "http://l:8080" }, { expectedMode: "follower" })
        .cluster.nodeId,
    ).toBe("follower");
  });
});
