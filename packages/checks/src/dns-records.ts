import type { Answer } from "dns-packet";

/**
 * One answer record as text, plus the short forms an `expected` value may use for it (the MX
 * exchange alone, the SRV target alone, the CAA value alone).
 */
export function formatAnswer(a: Answer): { text: string; aliases: string[] } {
  const data = (a as { data?: unknown }).data;
  switch (a.type) {
    case "A":
    case "AAAA":
    case "CNAME":
    case "NS":
    case "PTR":
      return { text: String(data), aliases: [] };
    case "MX": {
      const mx = data as { preference: number; exchange: string };
      return { text: `${mx.preference} ${mx.exchange}`, aliases: [mx.exchange] };
    }
    case "TXT": {
      const parts = Array.isArray(data) ? data : [data];
      return { text: parts.map((p) => (Buffer.isBuffer(p) ? p.toString("utf8") : String(p))).join(""), aliases: [] };
    }
    case "SOA": {
      const s = data as {
        mname: string;
        rname: string;
        serial: number;
        refresh: number;
        retry: number;
        expire: number;
        minimum: number;
      };
      return {
        text: `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`,
        aliases: [s.mname],
      };
    }
    case "SRV": {
      const s = data as { priority?: number; weight?: number; port: number; target: string };
      return {
        text: `${s.priority ?? 0} ${s.weight ?? 0} ${s.port} ${s.target}`,
        aliases: [s.target, `${s.target}:${s.port}`],
      };
    }
    case "CAA": {
      const c = data as { flags?: number; tag: string; value: string };
      return { text: `${c.flags ?? 0} ${c.tag} "${c.value}"`, aliases: [c.value] };
    }
    default:
      return { text: JSON.stringify(data), aliases: [] };
  }
}

/** Case and trailing dots do not matter when comparing names. */
export function normalizeDnsValue(v: string): string {
  return v.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * Whether the answers satisfy the expected values: `any` needs one of them present, `all`
 * needs every one. Returns the expected values that are missing (empty when it holds).
 */
export function matchExpected(
  answers: Array<{ text: string; aliases: string[] }>,
  expected: string[],
  mode: "any" | "all",
): string[] {
  const have = new Set<string>();
  for (const a of answers) {
    have.add(normalizeDnsValue(a.text));
    for (const alias of a.aliases) have.add(normalizeDnsValue(alias));
  }
  const missing = expected.filter((e) => !have.has(normalizeDnsValue(e)));
  if (mode === "any") return missing.length < expected.length ? [] : missing;
  return missing;
}

/** `192.0.2.1` → `1.2.0.192.in-addr.arpa`, IPv6 to ip6.arpa nibbles; names pass through. */
export function reverseName(address: string, family: 4 | 6): string {
  if (family === 4) return `${address.split(".").reverse().join(".")}.in-addr.arpa`;
  const hex = address.includes("::")
    ? expandIPv6(address)
    : address
        .split(":")
        .map((g) => g.padStart(4, "0"))
        .join("");
  return `${hex.split("").reverse().join(".")}.ip6.arpa`;
}

function expandIPv6(address: string): string {
  const [head = "", tail = ""] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => g.padStart(4, "0")).join("");
}
