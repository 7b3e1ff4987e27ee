import dgram from "node:dgram";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import * as dnsPacket from "dns-packet";
import { generate } from "selfsigned";

export interface Running {
  port: number;
  close(): Promise<void>;
}

export function listen(server: net.Server, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      (server as http.Server).closeAllConnections?.();
      server.close(() => resolve());
    });
}

export async function startHttp(handler: http.RequestListener): Promise<Running & { server: http.Server }> {
  const server = http.createServer(handler);
  const port = await listen(server);
  return { port, server, close: closer(server) };
}

export async function startHttps(pems: { key: string; cert: string }, handler: http.RequestListener): Promise<Running> {
  const server = https.createServer({ key: pems.key, cert: pems.cert }, handler);
  const port = await listen(server);
  return { port, close: closer(server) };
}

/** A TCP server that accepts and then says nothing: every read on it times out. */
export async function startSilent(): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const DAY = 86_400_000;

/** A self-signed certificate for localhost / 127.0.0.1 valid from `fromDays` to `toDays` from now. */
export async function makeCert(fromDays: number, toDays: number): Promise<{ key: string; cert: string }> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(now + fromDays * DAY),
    notAfterDate: new Date(now + toDays * DAY),
    extensions: [
      { name: "basicConstraints", cA: false },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export type Zone = Record<string, dnsPacket.Answer[] | "NXDOMAIN" | "SERVFAIL" | "TRUNCATE" | "SILENT">;

const RCODES = { NXDOMAIN: 3, SERVFAIL: 2 } as const;

/**
 * A small authoritative DNS server on UDP (and TCP on the same port, for truncated answers).
 * Keys are `name/TYPE`. "TRUNCATE" answers UDP with TC set and the records only over TCP.
 */
export async function startDns(
  zone: Zone,
  tcpZone: Record<string, dnsPacket.Answer[]> = {},
): Promise<Running & { queries(): number }> {
  let queries = 0;
  const udp = dgram.createSocket("udp4");
  const answerFor = (
    q: dnsPacket.Question,
    overTcp: boolean,
  ): { flags: number; answers: dnsPacket.Answer[] } | null => {
    const key = `${q.name.toLowerCase()}/${q.type}`;
    const entry = overTcp ? (tcpZone[key] ?? zone[key]) : zone[key];
    if (entry === "SILENT") return null;
    if (entry === "NXDOMAIN" || entry === "SERVFAIL") return { flags: RCODES[entry], answers: [] };
    if (entry === "TRUNCATE") return { flags: dnsPacket.TRUNCATED_RESPONSE, answers: [] };
    return { flags: 0, answers: entry ?? [] };
  };
  const reply = (msg: Buffer, overTcp: boolean): dnsPacket.Packet | null => {
    queries++;
    const query = dnsPacket.decode(msg);
    const q = query.questions?.[0];
    if (!q) return null;
    const a = answerFor(q, overTcp);
    if (!a) return null;
    return {
      type: "response",
      id: query.id,
      flags: a.flags | dnsPacket.RECURSION_AVAILABLE,
      questions: [q],
      answers: a.answers,
    };
  };
  udp.on("message", (msg, rinfo) => {
    const r = reply(msg, false);
    if (r) udp.send(dnsPacket.encode(r), rinfo.port, rinfo.address);
  });
  const port = await new Promise<number>((resolve) => udp.bind(0, "127.0.0.1", () => resolve(udp.address().port)));
  const tcp = net.createServer((s) => {
    s.on("error", () => undefined);
    s.once("data", (buf: Buffer) => {
      const r = reply(buf.subarray(2), true);
      if (r) s.end(dnsPacket.streamEncode(r));
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port,
    queries: () => queries,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
