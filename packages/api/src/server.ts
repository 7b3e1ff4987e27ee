import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { Express } from "express";
import type { Config } from "@uptop/core";

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** Listens with timeouts that shed slow clients; HTTPS when a certificate is configured. */
export async function startServer(app: Express, config: Config): Promise<RunningServer> {
  // Node enforces the header and request timeouts only when it sweeps its connections, every 30 s
  // by default: a slow client would be cut at up to 40 s and 60 s instead of 10 s and 30 s.
  const timeouts = { requestTimeout: 30_000, headersTimeout: 10_000, connectionsCheckingInterval: 1_000 };
  const server = config.http.tlsCert
    ? https.createServer(
        { ...timeouts, cert: readFileSync(config.http.tlsCert), key: readFileSync(config.http.tlsKey!) },
        app,
      )
    : http.createServer(timeouts, app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.http.port, config.http.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.http.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running after 5 s are cut so shutdown finishes within the 10 s budget.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      }),
  };
}
