import pg from "pg";
import type { DatabaseLock, DatabaseLockOptions } from "./database-lock.js";
import { DatabaseLockedError, describeHolder, fullIdentity, type LockHolder } from "./database-locked-error.js";

// The two-key advisory lock every serving node of a database takes: "uptp", 1. Advisory locks are
// per database, so nodes on other databases of the same server never meet it.
const KEY_A = 0x75707470;
const KEY_B = 1;

/** A session of the server: its pid and when it began tell it apart from any other, ever. */
interface Session {
  pid: number;
  start: Date;
}

/** Where a DSN points, without its credentials: `database "uptop" on db.internal:5432`. */
export function describeDatabase(dsn: string): string {
  try {
    const url = new URL(dsn);
    const name = decodeURIComponent(url.pathname.replace(/^\//, "")) || url.username || "postgres";
    return `database "${name}" on ${url.host || "localhost"}`;
  } catch {
    return "the database";
  }
}

async function connect(dsn: string, me: LockHolder): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: dsn,
    // Shown in pg_stat_activity: an operator, or a refused node, can tell whose session it is.
    application_name: `uptop ${me.role} ${me.nodeId}`.slice(0, 63),
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A dropped connection is handled by whoever owns the client; never crash the process.
  client.on("error", () => {});
  await client.connect();
  // The server frees the lock when it sees the session die. A process that dies closes its socket,
  // but a host that vanishes says nothing: these make the server notice within ~30 s, not hours.
  for (const setting of [
    "set tcp_keepalives_idle = 10",
    "set tcp_keepalives_interval = 5",
    "set tcp_keepalives_count = 3",
    "set tcp_user_timeout = 30000",
  ])
    await client.query(setting).catch(() => {});
  return client;
}

async function tryLock(client: pg.Client): Promise<Session | null> {
  const r = await client.query<{ ok: boolean; pid: number; start: Date }>(
    `select pg_try_advisory_lock($1, $2) as ok, pg_backend_pid() as pid,
       (select backend_start from pg_stat_activity where pid = pg_backend_pid()) as start`,
    [KEY_A, KEY_B],
  );
  const row = r.rows[0]!;
  return row.ok ? { pid: row.pid, start: row.start } : null;
}

interface Holder {
  session: Session;
  /** The holder record, when it describes this very session. */
  holder: LockHolder | null;
  /** What the server knows of the session, for when there is no record. */
  who: string;
}

/** The session holding the lock now, or null if nobody does (it was just let go). */
async function findHolder(client: pg.Client): Promise<Holder | null> {
  const s = await client.query<{ pid: number; start: Date | null; app: string | null; addr: string | null }>(
    `select l.pid, a.backend_start as start, a.application_name as app, host(a.client_addr) as addr
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.objsubid = 2 and l.granted
        and l.database = (select oid from pg_database where datname = current_database())`,
    [KEY_A, KEY_B],
  );
  const row = s.rows[0];
  if (!row) return null;
  const session = { pid: row.pid, start: row.start ?? new Date(0) };
  const who =
    `another session (${row.app ? `"${row.app}"` : "unnamed"}, server pid ${row.pid}` +
    `${row.addr ? ` from ${row.addr}` : ""}${row.start ? `, since ${row.start.toISOString()}` : ""})`;
  const table = await client.query<{ t: string | null }>("select to_regclass('node_lease')::text as t");
  if (!table.rows[0]?.t) return { session, holder: null, who };
  const lease = await client.query<{
    node_id: string;
    role: string;
    pid: number;
    host: string;
    started_at: Date;
    backend_pid: number;
    backend_start: Date;
  }>("select node_id, role, pid, host, started_at, backend_pid, backend_start from node_lease where id = 1");
  const l = lease.rows[0];
  if (!l || l.backend_pid !== row.pid || (row.start && l.backend_start.getTime() !== row.start.getTime()))
    return { session, holder: null, who };
  const holder = { nodeId: l.node_id, role: l.role, pid: l.pid, host: l.host, startedAt: l.started_at };
  return { session, holder, who: describeHolder(holder) };
}

async function writeHolder(client: pg.Client, me: LockHolder, session: Session): Promise<void> {
  await client.query(
    `insert into node_lease (id, node_id, role, pid, host, started_at, backend_pid, backend_start, acquired_at)
     values (1, $1, $2, $3, $4, $5, $6, $7, now())
     on conflict (id) do update set node_id = excluded.node_id, role = excluded.role, pid = excluded.pid,
       host = excluded.host, started_at = excluded.started_at, backend_pid = excluded.backend_pid,
       backend_start = excluded.backend_start, acquired_at = excluded.acquired_at`,
    [me.nodeId, me.role, me.pid, me.host, me.startedAt, session.pid, session.start],
  );
}

async function endQuietly(client: pg.Client): Promise<void> {
  await client.end().catch(() => {});
}

/**
 * Holds the lock on a connection of its own for the life of the process. When that connection
 * drops (a Postgres restart), the node goes on — its writes wait in memory anyway — and the lock
 * is taken again as soon as the server answers; if another node took it meanwhile, `onLost`.
 */
class PostgresLock implements DatabaseLock {
  private client: pg.Client | null = null;
  private session: Session | null = null;
  private releasing = false;
  private gone = false;
  private checking = false;
  private recorded = false;
  private checkTimer: NodeJS.Timeout;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly where: string;

  constructor(
    private readonly o: DatabaseLockOptions,
    private readonly me: LockHolder,
    client: pg.Client,
    session: Session,
  ) {
    this.where = describeDatabase(o.dsn);
    this.adopt(client, session);
    // A dead socket is only noticed when something is sent on it: a query every few seconds
    // finds out, so the lock is re-taken (or found taken) soon after the server is back.
    this.checkTimer = setInterval(() => void this.check(), o.checkIntervalMs ?? 2000);
    this.checkTimer.unref();
  }

  get held(): boolean {
    return this.client !== null;
  }

  async record(): Promise<void> {
    this.recorded = true;
    if (this.client && this.session) await writeHolder(this.client, this.me, this.session);
  }

  async release(): Promise<void> {
    this.releasing = true;
    clearInterval(this.checkTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    // Ending the session lets the lock go.
    if (client) await endQuietly(client);
  }

  private adopt(client: pg.Client, session: Session): void {
    this.client = client;
    this.session = session;
    const dropped = () => this.dropped(client);
    client.on("error", dropped);
    client.on("end", dropped);
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client || this.checking) return;
    this.checking = true;
    try {
      await client.query("select 1");
    } catch {
      this.dropped(client);
    } finally {
      this.checking = false;
    }
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client || this.releasing || this.gone) return;
    this.client = null;
    void endQuietly(client);
    this.o.logger?.warn("database lock connection lost; taking the lock again once the database answers", {
      database: this.where,
    });
    this.retrySoon();
  }

  private retrySoon(): void {
    if (this.releasing || this.gone) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.retake(), this.o.retryIntervalMs ?? 1000);
    this.retryTimer.unref();
  }

  private async retake(): Promise<void> {
    let client: pg.Client | null = null;
    try {
      client = await connect(this.o.dsn, this.me);
      const session = await tryLock(client);
      if (this.releasing) return void (await endQuietly(client));
      if (session) {
        this.adopt(client, session);
        // The record only names the holder; should its write fail, the connection's own events say so.
        if (this.recorded) await writeHolder(client, this.me, session).catch(() => {});
        this.o.logger?.info("database lock taken again", { database: this.where });
        return;
      }
      const h = await findHolder(client);
      const previous = this.session;
      if (h && previous && h.session.pid === previous.pid && h.session.start.getTime() === previous.start.getTime()) {
        // Our own previous session, which the server has not yet seen die (a proxy in between
        // dropped our end): end it so the lock is free for us.
        await client.query("select pg_terminate_backend($1)", [previous.pid]).catch(() => {});
      } else if (h) {
        this.gone = true;
        clearInterval(this.checkTimer);
        await endQuietly(client);
        this.o.onLost?.(new DatabaseLockedError({ where: this.where, who: h.who, holder: h.holder, lost: true }));
        return;
      }
      await endQuietly(client);
    } catch {
      if (client) await endQuietly(client);
    }
    this.retrySoon();
  }
}

export async function acquirePostgresLock(o: DatabaseLockOptions): Promise<DatabaseLock> {
  const me = fullIdentity(o.holder);
  const client = await connect(o.dsn, me);
  try {
    // Twice: a holder that lets go between our try and our look is no reason to refuse.
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await tryLock(client);
      if (session) return new PostgresLock(o, me, client, session);
      const h = await findHolder(client);
      if (h) throw new DatabaseLockedError({ where: describeDatabase(o.dsn), who: h.who, holder: h.holder });
    }
    throw new DatabaseLockedError({ where: describeDatabase(o.dsn), who: "another session", holder: null });
  } catch (err) {
    await endQuietly(client);
    throw err;
  }
}
