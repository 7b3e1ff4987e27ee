import http from "node:http";
import type { AddressInfo } from "node:net";
import { SecretBox } from "@uptop/core";
import { createChannel, type Db } from "@uptop/store";
import type { NotificationMessage } from "@uptop/notify";

export interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, any>;
}

/**
 * A provider's API on loopback: records each request, answers from a script of statuses
 * (then `status`), or never answers while `hang` is set; `delays` holds the answer to each
 * request in turn back by that many milliseconds (a stalled send).
 */
export class FakeProvider {
  hits: Hit[] = [];
  status = 200;
  script: number[] = [];
  hang = false;
  delays: number[] = [];
  onHit: ((hit: Hit) => void) | null = null;
  url = "";
  private server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c));
    req.on("end", () => {
      const hit = {
        path: req.url ?? "",
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as Record<string, any>) : {},
      };
      this.hits.push(hit);
      this.onHit?.(hit);
      if (this.hang) return;
      const answer = () => {
        res.statusCode = this.script.shift() ?? this.status;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ status: res.statusCode < 300 ? "success" : "error", dedup_key: hit.body.dedup_key }));
      };
      const delay = this.delays.shift() ?? 0;
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export const keyedBox = () => new SecretBox(Buffer.alloc(32, 7));

export async function addChannel(
  db: Db,
  box: SecretBox,
  name: string,
  type: string,
  settings: Record<string, unknown>,
  secretFields: string[],
  isDefault = false,
): Promise<number> {
  return (
    await createChannel(db, box, {
      name,
      type,
      settings,
      secretFields,
      isDefault,
      enabled: true,
      reminderIntervalS: null,
    })
  ).id;
}

export function message(key: string, over: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    event: "test",
    monitor: null,
    status: null,
    previousStatus: null,
    reason: `outbox test ${key}`,
    votes: [],
    at: new Date().toISOString(),
    downSince: null,
    outageDurationS: null,
    epoch: 1,
    incidentKey: key,
    ...over,
  };
}

/** An outbox row as the engine writes it. */
export async function enqueue(
  db: Db,
  channelId: number,
  key: string,
  epoch = 1,
  over: Partial<NotificationMessage> = {},
): Promise<number> {
  const row = await db
    .insertInto("notifications")
    .values({
      channel_id: channelId,
      monitor_id: null,
      event: over.event ?? "test",
      payload: JSON.stringify(message(key, { ...over, epoch })),
      dedupe_key: `${key}:c${channelId}`,
      state: "pending",
      attempts: 0,
      next_attempt_at: new Date(),
      epoch,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function rowOf(db: Db, id: number) {
  return db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
