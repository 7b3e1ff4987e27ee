import type { Readable, Writable } from "node:stream";
import type { Config } from "@uptop/core";
import type { Authenticate, SshHooks, SshUser, StartSession } from "./types.js";

/**
 * The part of @uptop/api's SessionTokens an SSH session uses: a token that acts as the signed-in
 * user on the API, minted when the session starts and revoked when it ends.
 */
export interface SessionTokenIssuer {
  mint(user: SshUser): string;
  revoke(token: string): void;
}

/** @uptop/tui's runDashboard, as the dashboard's contract states it. */
export type RunDashboard = (options: {
  baseUrl: string;
  token: string;
  stdin: Readable;
  stdout: Writable;
  onExit?: () => void;
}) => { waitUntilExit(): Promise<void>; unmount(): void };

/**
 * Gives the dashboard when the first session starts: the apps pass `import("@uptop/tui")`, so a
 * node that never serves SSH never loads React and Ink (and this package does not depend on it).
 */
export type LoadDashboard = () => Promise<RunDashboard>;

/**
 * Runs the Ink dashboard on an SSH session, acting as the signed-in user on this node's own API
 * (the same routes, roles and refusals as any other client), with a token that lives only as
 * long as the session.
 */
export function dashboardSession(deps: {
  baseUrl: () => string;
  tokens: SessionTokenIssuer;
  load: LoadDashboard;
}): StartSession {
  return ({ user, stdin, stdout }) => {
    let closed = false;
    let unmount: (() => void) | null = null;
    const done = (async () => {
      const token = deps.tokens.mint(user);
      try {
        const runDashboard = await deps.load();
        if (closed) return;
        const app = runDashboard({ baseUrl: deps.baseUrl(), token, stdin, stdout });
        unmount = () => app.unmount();
        await app.waitUntilExit();
      } finally {
        deps.tokens.revoke(token);
      }
    })();
    return {
      close() {
        closed = true;
        unmount?.();
      },
      done,
    };
  };
}

/** What a leader or an active follower serves over SSH: the users' keys, and the dashboard on its own API. */
export function dashboardHooks(deps: {
  authenticate: Authenticate;
  tokens: SessionTokenIssuer;
  baseUrl: () => string;
  load: LoadDashboard;
}): SshHooks {
  return { authenticate: deps.authenticate, startSession: dashboardSession(deps) };
}

/**
 * This node's API as seen from the node itself: a wildcard bind address is reached on loopback,
 * any other on the address it is bound to.
 */
export function localApiUrl(config: Config, port: number): string {
  const { host, tlsCert } = config.http;
  const reach = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `${tlsCert ? "https" : "http"}://${reach.includes(":") ? `[${reach}]` : reach}:${port}`;
}
