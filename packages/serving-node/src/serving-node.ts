import type { RequestHandler } from "express";
import { LiveEventHub, VERSION, type Config, type Logger, type SecretBox } from "@uptop/core";
import type { Store } from "@uptop/store";
import {
  CallerAuth,
  SessionTokens,
  channelsRouter,
  createApp,
  errorBody,
  eventsRouter,
  healthRouter,
  historyRouter,
  maintenanceRouter,
  metricsRouter,
  monitorSummaryRouter,
  monitorsRouter,
  notificationsRouter,
  nodesRouter,
  probeRouter,
  pushRouter,
  readinessRouter,
  signInRouter,
  startServer,
  statusPageRouter,
  webDashboardRouter,
  statusPageSettingsRouter,
  StatusPageSettingsSource,
  type EventRoutesDeps,
  usersRouter,
  type NodeRuntime,
  type RunningServer,
} from "@uptop/api";
import { Dispatcher, Engine, EngineMetrics, HistoryJobs, type ReplicationFeed } from "@uptop/engine";
import { authenticatePublicKey, configRouter } from "@uptop/api";
import type { EpochHolder } from "./epoch.js";
import { dashboardHooks, localApiUrl, type LoadDashboard } from "./ssh/dashboard-session.js";
import { ensureHostKey } from "./ssh/host-key.js";
import { SshServer } from "./ssh/ssh-server.js";
import type { SshHooks } from "./ssh/types.js";

export interface ServingNodeOptions {
  config: Config;
  logger: Logger;
  store: Store;
  box: SecretBox;
  apiToken: string;
  role: "leader" | "follower";
  epoch: EpochHolder;
  /** Routers only this kind of node serves (cluster routes of the leader, for instance). */
  extraRouters?: { open?: RequestHandler[]; cluster?: RequestHandler[]; admin?: RequestHandler[] };
  /**
   * Extra fields for /api/health (a follower's view of its leader, for instance), read from
   * memory on every poll: never a database call, or load on the database would delay health.
   */
  healthDetails?: () => { awaitingHandback?: boolean; [key: string]: unknown };
  /** The leader's change feed: what it commits and sends, its follower holds first. */
  replication?: ReplicationFeed;
  /** Who may sign in over SSH and what they see; SSH is served while active, when UPTOP_SSH_PORT is set. */
  ssh?: SshHooks;
  /** The terminal dashboard SSH sessions get (the apps pass @uptop/tui's); without it SSH is not served. */
  dashboard?: LoadDashboard;
  /** The built web dashboard's folder (the apps pass @uptop/web's); without it `/` serves nothing. */
  webRoot?: string | null;
  /** Tunes the event stream (tests); the defaults suit production. */
  eventStream?: Omit<EventRoutesDeps, "hub">;
}

/**
 * What every serving node is: the HTTP API, and — while active — the engine and its jobs. The
 * leader is active from start to finish; a follower is created standby and activated when it
 * takes over, so both run the very same code.
 */
export class ServingNode {
  readonly metrics = new EngineMetrics();
  /**
   * The live event stream (GET /api/events): the engine publishes what it commits and the API
   * routes what they change. It lives as long as the process, across take-overs and stand-downs.
   */
  readonly events = new LiveEventHub();
  /** Tokens this node mints for the interfaces it serves itself (the dashboard over SSH). */
  readonly sessions = new SessionTokens();
  /** Who a bearer token stands for; shared by the request gate and the users routes. */
  readonly auth: CallerAuth;
  private engineRef: Engine | null = null;
  private jobs: HistoryJobs | null = null;
  private dispatcher: Dispatcher | null = null;
  private server: RunningServer | null = null;
  private sshHooks: SshHooks | null = null;
  private sshHostKey: string | null = null;
  private ssh: SshServer | null = null;
  private stopping = false;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly o: ServingNodeOptions) {
    this.auth = new CallerAuth({ apiToken: o.apiToken, db: o.store.db, sessions: this.sessions, logger: o.logger });
    this.metrics.bindRole(() => ({ role: o.role, state: this.active ? "active" : "standby", epoch: o.epoch.get() }));
    this.metrics.bindEventStream(() => this.events.subscriberCount);
  }

  get engine(): Engine | null {
    return this.engineRef;
  }

  get active(): boolean {
    return this.engineRef !== null;
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  /** The SSH port while SSH is served (active, configured), otherwise 0. */
  get sshPort(): number {
    return this.ssh?.port ?? 0;
  }

  private runtime(): NodeRuntime {
    const { config } = this.o;
    return {
      role: this.o.role,
      nodeId: config.cluster.nodeId,
      state: () => (this.active ? "active" : "standby"),
      epoch: () => this.o.epoch.get(),
      healthDetails: () => {
        const w = this.engineRef?.writeStats();
        // As the probe reports it: a node too busy to keep up starts checks late, and says how late.
        const scheduler = this.engineRef?.schedulerStats();
        return {
          ...(this.stopping ? { unavailable: true } : {}),
          ...(w?.failing ? { degraded: true, database: "unreachable" } : {}),
          ...(w ? { writeBacklog: w.results + w.critical + w.states, droppedResults: w.droppedResults } : {}),
          ...(scheduler ? { scheduler } : {}),
          ...this.o.healthDetails?.(),
        };
      },
    };
  }

  async listen(): Promise<number> {
    const { config, logger, store, box } = this.o;
    const db = store.db;
    // The dashboard on this node's own API, as the user whose key signed in.
    const load = this.o.dashboard;
    this.sshHooks =
      this.o.ssh ??
      (load === undefined
        ? null
        : dashboardHooks({
            authenticate: (key) => authenticatePublicKey(db, key),
            tokens: {
              mint: (user) => {
                if (user.id === null) throw new Error("an SSH session belongs to a user");
                return this.sessions.mint({ id: user.id });
              },
              revoke: (token) => this.sessions.revoke(token),
            },
            baseUrl: () => localApiUrl(config, this.port),
            load,
          }));
    // Read (or made) at start even on a standby follower: a host key file that is not one stops
    // the start here, not a take-over hours later.
    if (config.ssh.port !== null) {
      if (this.sshHooks) this.sshHostKey = ensureHostKey(config.dataDir, logger);
      else logger.warn("UPTOP_SSH_PORT is set, but this node has no dashboard to serve over SSH");
    }
    const events = this.events;
    const onChange = () => {
      this.engineRef?.notifyChange();
      // The follower copies the configuration at once rather than at its next periodic mirror.
      this.o.replication?.append([{ kind: "config" }]);
    };
    // The environment's settings apply until the dashboard saves some (then mirrored to a follower).
    const statusSettings = new StatusPageSettingsSource({
      db,
      defaults: { enabled: config.status.enabled, title: config.status.title, description: null, monitorIds: null },
    });
    const metrics = metricsRouter(this.metrics.registry);
    const runtime = this.runtime();
    const extra = this.o.extraRouters ?? {};
    // A follower's configuration is a mirror of the leader's: it may be read, never edited,
    // or the next mirror would silently undo the edit.
    const readOnly: RequestHandler = (req, res, next) => {
      if (this.o.role !== "follower" || req.method === "GET" || req.method === "HEAD") return next();
      if (req.path.includes("/check-now")) return next();
      res
        .status(503)
        .json(errorBody("READ_ONLY", "this follower mirrors the leader's configuration; make changes on the leader"));
    };
    const app = createApp({
      config,
      logger,
      apiToken: this.o.apiToken,
      auth: this.auth,
      routers: {
        health: [healthRouter(runtime), readinessRouter(runtime)],
        open: [
          pushRouter({ push: (token, report) => this.engineRef?.push(token, report) ?? null }),
          signInRouter({ db, auth: this.auth, logger, readOnly: this.o.role === "follower" }),
          statusPageRouter({ db, logger, settings: statusSettings, config: { corsOrigin: config.http.corsOrigin } }),
          ...(config.metricsPublic ? [metrics] : []),
          ...(extra.open ?? []),
          ...(this.o.webRoot ? [webDashboardRouter({ root: this.o.webRoot })] : []),
        ],
        cluster: [
          // Mounted on both roles: a standby answers 503 so probes fail over along their peer list.
          probeRouter({
            db,
            box,
            secret: config.cluster.secret,
            getEngine: () => this.engineRef,
            epoch: () => this.o.epoch.get(),
            leaderId: config.cluster.nodeId,
            events,
          }),
          ...(extra.cluster ?? []),
        ],
        admin: [
          ...(config.metricsPublic ? [] : [metrics]),
          readOnly,
          eventsRouter({ hub: events, ...this.o.eventStream }),
          monitorSummaryRouter({ db }),
          monitorsRouter({
            db,
            box,
            onChange,
            events,
            checkNow: async (id) => this.engineRef?.checkNow(id) ?? false,
          }),
          maintenanceRouter({ db, onChange, events }),
          configRouter({ db, box, onChange, events }),
          historyRouter({ db }),
          channelsRouter({
            db,
            box,
            epoch: () => this.o.epoch.get(),
            nodeId: config.cluster.nodeId,
            allowPrivateTargets: config.security.allowPrivateTargets,
          }),
          notificationsRouter({ db, box }),
          nodesRouter({ db }),
          statusPageSettingsRouter({
            db,
            settings: statusSettings,
            onChange: () => this.o.replication?.append([{ kind: "config" }]),
          }),
          usersRouter({ db, auth: this.auth, onChange: () => this.o.replication?.append([{ kind: "config" }]) }),
          ...(extra.admin ?? []),
        ],
      },
    });
    this.server = await startServer(app, config);
    logger.info("listening", {
      host: config.http.host,
      port: this.server.port,
      role: this.o.role,
      nodeId: config.cluster.nodeId,
    });
    return this.server.port;
  }

  /** Starts the engine and the history jobs (idempotent). */
  activate(reason: string): Promise<void> {
    this.transition = this.transition.then(async () => {
      if (this.engineRef || this.stopping) return;
      const { config, logger, store, box } = this.o;
      const engine = new Engine({
        db: store.db,
        box,
        logger,
        metrics: this.metrics,
        node: {
          id: config.cluster.nodeId,
          name: config.cluster.nodeName,
          region: config.cluster.region,
          role: this.o.role,
          version: VERSION,
        },
        strategy: config.cluster.aggStrategy,
        localChecks: config.cluster.leaderChecks,
        concurrency: config.cluster.checkConcurrency,
        ...(this.o.replication ? { replication: this.o.replication } : {}),
        events: this.events,
        checkOverdueOnStart: this.o.role === "follower",
        checkOptions: {
          allowPrivateTargets: config.security.allowPrivateTargets,
          insecureSkipVerify: config.security.insecureSkipVerify,
        },
        epoch: () => this.o.epoch.get(),
      });
      await engine.start();
      this.engineRef = engine;
      this.jobs = new HistoryJobs({ db: store.db, logger, retention: config.retention });
      this.jobs.start();
      // The outbox is sent only while this node is active and under its current epoch.
      this.dispatcher = new Dispatcher({
        db: store.db,
        box,
        logger,
        metrics: this.metrics,
        nodeId: config.cluster.nodeId,
        epoch: () => this.o.epoch.get(),
        isActive: () => this.active,
        allowPrivateTargets: config.security.allowPrivateTargets,
        ...(this.o.replication ? { replication: this.o.replication } : {}),
      });
      this.dispatcher.start();
      await this.startSsh();
      this.metrics.clusterTransitions.inc({ to: "active" });
      logger.info("engine active", {
        reason,
        epoch: this.o.epoch.get(),
        role: this.o.role,
        transition: "standby->active",
      });
    });
    return this.transition;
  }

  /** Stops the engine, flushing what it holds; the HTTP API keeps answering. */
  deactivate(reason: string): Promise<void> {
    this.transition = this.transition.then(async () => {
      const engine = this.engineRef;
      if (!engine) return;
      this.engineRef = null;
      await this.stopSsh();
      await this.dispatcher?.stop();
      this.dispatcher = null;
      await this.jobs?.stop();
      this.jobs = null;
      await engine.stop();
      this.metrics.clusterTransitions.inc({ to: "standby" });
      this.o.logger.info("engine stopped", {
        reason,
        epoch: this.o.epoch.get(),
        role: this.o.role,
        transition: "active->standby",
      });
    });
    return this.transition;
  }

  /**
   * Serves the dashboard over SSH, from the active node only: a standby follower's database is a
   * mirror that its dashboard could not act on. A port that cannot be bound is logged and the
   * engine goes on: monitoring matters more than one of the ways to look at it.
   */
  private async startSsh(): Promise<void> {
    const { config, logger } = this.o;
    if (config.ssh.port === null || !this.sshHooks || !this.sshHostKey || this.ssh) return;
    const ssh = new SshServer({
      host: config.ssh.host,
      port: config.ssh.port,
      hostKey: this.sshHostKey,
      idleTimeoutMs: config.ssh.idleTimeoutMs,
      hooks: this.sshHooks,
      logger,
    });
    try {
      const port = await ssh.listen();
      this.ssh = ssh;
      logger.info("ssh listening", { host: config.ssh.host, port, role: this.o.role });
    } catch (err) {
      logger.error("ssh could not listen; the dashboard is not served over SSH", {
        host: config.ssh.host,
        port: config.ssh.port,
        error: (err as Error).message,
      });
    }
  }

  private async stopSsh(): Promise<void> {
    const ssh = this.ssh;
    if (!ssh) return;
    this.ssh = null;
    await ssh.close();
    this.o.logger.info("ssh stopped", { role: this.o.role });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.o.replication?.close();
    // Sessions first, while the API their dashboards read is still up to show the goodbye.
    await this.stopSsh();
    this.events.close();
    await this.server?.close();
    await this.deactivate("shutdown");
  }
}
