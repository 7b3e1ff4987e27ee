import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export interface RecordedRequest {
  method: string;
  /** Path with query string, as the client sent it. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

export type Answer = { status: number; body?: string; contentType?: string; location?: string } | "hang";

/** A stand-in for a provider's API on loopback: records every request, answers as told. */
export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  answer(answer: Answer): void;
  /** Answers the next request this way, then falls back to `answer`. */
  answerNext(answer: Answer): void;
  close(): Promise<void>;
}

export async function startFakeApi(initial: Answer = { status: 200, body: '{"ok":true}' }): Promise<FakeApi> {
  let current: Answer = initial;
  const queued: Answer[] = [];
  const requests: RecordedRequest[] = [];
  const app = express();
  app.use(express.text({ type: () => true, limit: "2mb" }));
  app.use((req, res) => {
    const body = typeof req.body === "string" ? req.body : "";
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    requests.push({ method: req.method, path: req.originalUrl, headers: req.headers, body, json });
    const answer = queued.shift() ?? current;
    if (answer === "hang") return;
    if (answer.location) res.setHeader("Location", answer.location);
    res
      .status(answer.status)
      .type(answer.contentType ?? "application/json")
      .send(answer.body ?? "");
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(answer) {
      current = answer;
      queued.length = 0;
    },
    answerNext(answer) {
      queued.push(answer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
