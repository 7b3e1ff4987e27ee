import dgram from "node:dgram";
import { getServers } from "node:dns";
import net from "node:net";
import { randomInt } from "node:crypto";
import * as dnsPacket from "dns-packet";
import type { CheckError, DnsRecordType } from "@uptop/core";
import { Deadline, timeoutMessage, type AbortSource } from "./deadline.js";
import { formatAnswer, matchExpected, reverseName } from "./dns-records.js";
import { networkError } from "./network-error.js";
import { ipLiteral, vetTarget } from "@uptop/ssrf-guard";
import type { CheckOptions, DnsCheckResult, DnsCheckSpec, DnsDetails, ResolvedAddress } from "./types.js";

export async function runDnsCheck(spec: DnsCheckSpec, options: CheckOptions): Promise<DnsCheckResult> {
  const deadline = new Deadline((spec.timeoutS ?? 10) * 1000, options.signal);
  const recordType: DnsRecordType = spec.recordType ?? "A";
  const details: DnsDetails = { resolver: null, rcode: null, answers: [] };
  let latencyMs: number | null = null;
  const finish = (error: CheckError | null): DnsCheckResult => ({
    type: "dns",
    ok: error === null,
    latencyMs,
    checkedAt: new Date().toISOString(),
    error,
    warning: null,
    details,
  });
  try {
    const server = await pickResolver(spec.resolver ?? null, options, deadline);
    if ("error" in server) return finish(server.error);
    details.resolver =
      server.target.family === 6
        ? `[${server.target.address}]:${server.port}`
        : `${server.target.address}:${server.port}`;

    const literal = ipLiteral(spec.hostname);
    const name =
      recordType === "PTR" && literal ? reverseName(literal.address, literal.family) : spec.hostname.replace(/\.$/, "");
    const start = performance.now();
    let response = await queryUdp(server.target, server.port, name, recordType, deadline);
    // A truncated UDP answer is only a prefix; the full answer needs TCP.
    if (response.flag_tc) {
      response = await queryTcp(server.target, server.port, name, recordType, deadline);
    }
    latencyMs = Math.round((performance.now() - start) * 100) / 100;
    details.rcode = response.rcode ?? "NOERROR";
    const records = (response.answers ?? []).filter((a) => a.type === recordType).map(formatAnswer);
    details.answers = records.map((r) => r.text);
    if (details.rcode !== "NOERROR") return finish({ code: "DNS", message: `${name} ${recordType}: ${details.rcode}` });
    if (records.length === 0) return finish({ code: "DNS", message: `${name} has no ${recordType} records` });
    const expected = spec.expected ?? [];
    if (expected.length) {
      const mode = spec.expectedMode ?? "any";
      const missing = matchExpected(records, expected, mode);
      if (missing.length) {
        const what = mode === "any" ? `none of ${expected.join(", ")}` : `missing ${missing.join(", ")}`;
        return finish({
          code: "ASSERTION",
          message: `${name} ${recordType} answer has ${what} (got ${details.answers.slice(0, 10).join(", ")})`,
        });
      }
    }
    return finish(null);
  } catch (err) {
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    if (err instanceof DnsProtocolError) return finish({ code: "PROTOCOL", message: err.message });
    return finish(networkError(err));
  } finally {
    deadline.dispose();
  }
}

class DnsProtocolError extends Error {}

/** dns-packet decodes `rcode` but its types leave it out. */
type DnsReply = dnsPacket.DecodedPacket & { rcode?: string };

type PickedResolver = { target: ResolvedAddress; port: number } | { error: CheckError };

/**
 * A resolver the user names is a target like any other and goes through the SSRF guard; the
 * system's own resolver (often 127.0.0.53) is trusted, since every lookup already uses it.
 */
async function pickResolver(
  configured: string | null,
  options: CheckOptions,
  deadline: Deadline,
): Promise<PickedResolver> {
  if (configured) {
    const { host, port } = splitHostPort(configured);
    const vetted = await deadline.race(vetTarget(host, options));
    if (!vetted.ok) return { error: vetted.error };
    return { target: vetted.target, port };
  }
  const first = getServers()[0];
  if (!first) return { error: { code: "DNS", message: "the system has no DNS resolver configured" } };
  const { host, port } = splitHostPort(first);
  const target = ipLiteral(host);
  if (!target) return { error: { code: "DNS", message: `system resolver "${first}" is not an address` } };
  return { target, port };
}

/** `1.1.1.1`, `1.1.1.1:5353`, `[::1]:53`, `::1`, `dns.example`. */
export function splitHostPort(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : 53 };
  const colons = text.split(":").length - 1;
  if (colons === 1) {
    const [host = "", port = "53"] = text.split(":");
    return { host, port: Number(port) };
  }
  return { host: text, port: 53 };
}

function buildQuery(name: string, type: DnsRecordType): { id: number; packet: dnsPacket.Packet } {
  const id = randomInt(0, 65536);
  return {
    id,
    packet: { type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: "IN" }] },
  };
}

function checkReply(reply: DnsReply, id: number, name: string): boolean {
  const q = reply.questions?.[0];
  return reply.id === id && reply.type === "response" && (!q || q.name.toLowerCase() === name.toLowerCase());
}

function queryUdp(
  server: ResolvedAddress,
  port: number,
  name: string,
  type: DnsRecordType,
  signal: AbortSource,
): Promise<DnsReply> {
  return new Promise((resolve, reject) => {
    const { id, packet } = buildQuery(name, type);
    const socket = dgram.createSocket(server.family === 6 ? "udp6" : "udp4");
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      socket.close();
      fn();
    };
    const onAbort = () => done(() => reject(signal.reason as Error));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("message", (msg, rinfo) => {
      // Only the server we asked may answer; anything else is ignored, not trusted.
      if (rinfo.port !== port || rinfo.address !== server.address) return;
      let reply: DnsReply;
      try {
        reply = dnsPacket.decode(msg) as DnsReply;
      } catch {
        return done(() => reject(new DnsProtocolError(`malformed DNS response from ${server.address}`)));
      }
      if (checkReply(reply, id, name)) done(() => resolve(reply));
    });
    socket.once("error", (err) => done(() => reject(err)));
    socket.send(dnsPacket.encode(packet), port, server.address, (err) => {
      if (err) done(() => reject(err));
    });
  });
}

function queryTcp(
  server: ResolvedAddress,
  port: number,
  name: string,
  type: DnsRecordType,
  signal: AbortSource,
): Promise<DnsReply> {
  return new Promise((resolve, reject) => {
    const { id, packet } = buildQuery(name, type);
    const socket = net.connect({ host: server.address, port });
    let buffered = Buffer.alloc(0);
    const done = (fn: () => void) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      fn();
    };
    const onAbort = () => done(() => reject(signal.reason as Error));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => socket.write(dnsPacket.streamEncode(packet)));
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > 70_000)
        return done(() => reject(new DnsProtocolError("DNS response over TCP is too long")));
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      try {
        const reply = dnsPacket.streamDecode(buffered) as DnsReply;
        if (!checkReply(reply, id, name))
          return done(() => reject(new DnsProtocolError("DNS response over TCP does not match the query")));
        done(() => resolve(reply));
      } catch {
        done(() => reject(new DnsProtocolError(`malformed DNS response from ${server.address}`)));
      }
    });
    socket.once("error", (err) => done(() => reject(err)));
    socket.once("end", () =>
      done(() => reject(new DnsProtocolError("DNS server closed the TCP connection without an answer"))),
    );
  });
}
