import { parse } from "yaml";

interface Service {
  image?: string;
  build?: { dockerfile?: string } | string;
  restart?: string;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  read_only?: boolean;
  tmpfs?: string[] | string;
  volumes?: (string | { target?: string })[];
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: Record<string, string> | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
  depends_on?: string[] | Record<string, unknown>;
}

export interface ComposeFile {
  services: Record<string, Service>;
}

/** Parses a compose file with YAML merge keys (`<<: *anchor`) resolved, as compose does. */
export function parseCompose(text: string): ComposeFile {
  const doc = parse(text, { merge: true }) as Partial<ComposeFile> | null;
  if (!doc?.services || typeof doc.services !== "object") throw new Error("no services");
  return doc as ComposeFile;
}

/** Variable names that hold credentials: their values must come from the .env file. */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|ENCRYPTION_KEY|DSN)$/;
/**
 * Secrets without which a stack must refuse to start (`${VAR:?message}`), not run weakly. The API
 * token too: left to each node to generate, a leader and its follower would hold different
 * tokens, and the CLI in the image (which reads only UPTOP_API_TOKEN) would get 401.
 */
export const REQUIRED_SECRETS = [
  "POSTGRES_PASSWORD",
  "UPTOP_ENCRYPTION_KEY",
  "UPTOP_CLUSTER_SECRET",
  "UPTOP_API_TOKEN",
] as const;

export function isUptopService(s: Service): boolean {
  const dockerfile = typeof s.build === "object" ? s.build.dockerfile : undefined;
  return (
    /(^|\/)uptop-(leader|follower|probe)(:|$)/.test(s.image ?? "") ||
    /deploy\/docker\/\w+\.Dockerfile$/.test(dockerfile ?? "")
  );
}

function envEntries(s: Service): [string, string][] {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return env.map((e) => {
      const i = e.indexOf("=");
      return i < 0 ? [e, ""] : [e.slice(0, i), e.slice(i + 1)];
    });
  }
  return Object.entries(env).map(([k, v]) => [k, v === null ? "" : String(v)]);
}

function list(x: string[] | string | undefined): string[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

function pingAllowed(s: Service): boolean {
  const sysctls = s.sysctls ?? {};
  const ranged = Array.isArray(sysctls)
    ? sysctls.some((x) => x.startsWith("net.ipv4.ping_group_range="))
    : "net.ipv4.ping_group_range" in sysctls;
  return ranged || (s.cap_add ?? []).includes("NET_RAW");
}

/**
 * The invariants of deploy/docker-compose*.yml (see deploy/README.md): one line per
 * violation, empty when the file holds. `text` is the raw file, for checks on interpolation
 * that parsing would hide.
 */
export function checkCompose(text: string, knownEnv: ReadonlySet<string>): string[] {
  const { services } = parseCompose(text);
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    const here = `service ${name}`;
    if (!s.restart || s.restart === "no") problems.push(`${here}: no restart policy`);
    if (!s.healthcheck?.test || s.healthcheck.disable) problems.push(`${here}: no healthcheck`);
    if (s.read_only !== true) problems.push(`${here}: root filesystem is not read_only`);
    if (!list(s.tmpfs).includes("/tmp")) problems.push(`${here}: no tmpfs at /tmp`);
    for (const dep of Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {})) {
      if (!(dep in services)) problems.push(`${here}: depends on unknown service ${dep}`);
    }
    for (const [k, v] of envEntries(s)) {
      if (SECRET_NAME.test(k) && v !== "" && !v.includes("${"))
        problems.push(`${here}: ${k} is a literal; take it from .env`);
    }
    if (!isUptopService(s)) continue;
    if (!pingAllowed(s)) problems.push(`${here}: ICMP checks need net.ipv4.ping_group_range or cap_add NET_RAW`);
    if (!(s.cap_drop ?? []).includes("ALL")) problems.push(`${here}: cap_drop does not include ALL`);
    const hasData =
      list(s.tmpfs).includes("/data") ||
      (s.volumes ?? []).some((v) => (typeof v === "string" ? v.split(":")[1] === "/data" : v.target === "/data"));
    if (!hasData) problems.push(`${here}: /data is neither a volume nor a tmpfs`);
    if (list(s.env_file).length === 0) {
      for (const [k] of envEntries(s)) {
        if (k.startsWith("UPTOP_") && !knownEnv.has(k))
          problems.push(`${here}: ${k} is not a variable uptop reads (.env.example)`);
      }
    }
  }
  // A credential inside a URL hides from the name check above.
  for (const m of text.matchAll(/[a-z]+:\/\/[^:/\s]+:([^@\s]+)@/g)) {
    if (!m[1]?.startsWith("${")) problems.push(`a URL carries a literal password: ${m[0]}`);
  }
  for (const secret of REQUIRED_SECRETS) {
    const uses = [...text.matchAll(new RegExp(`\\$\\{${secret}(:?[-?+])?[^}]*\\}`, "g"))];
    for (const u of uses) if (u[1] !== ":?") problems.push(`${u[0]} must be required: \${${secret}:?message}`);
  }
  return problems;
}
