import { errorMessage, type Logger, type ReplicaEntry, type Status, type Vote } from "@uptop/core";
import {
  existingMonitorIds,
  inTransaction,
  insertResults,
  insertStateChanges,
  replicaOfOutboxRow,
  saveMonitorStates,
  type OutboxRow,
  type Db,
  type MonitorStateRecord,
  type ResultRow,
} from "@uptop/store";
import type { PlannedAlert } from "./alert-messages.js";
import { enqueueAlert } from "./outbox-writer.js";
import { writeIsolated, type RefusedOutcome } from "./row-isolation.js";
import { repairMonitorState, repairResult, repairStateChange } from "./write-repair.js";

/** A transition to record (or none, for alerts that change no status: reminders, certificates). */
export interface StateChangeWrite {
  monitorId: number;
  change: { from: Status; to: Status; reason: string; votes: Vote[]; at: Date } | null;
  alerts: PlannedAlert[];
}

export interface WriteQueueOptions {
  db: Db;
  logger: Logger;
  nodeId: string;
  epoch: () => number;
  now?: () => number;
  /** Raw results held while the database is away; beyond it the oldest are dropped and counted. */
  maxResults?: number;
  flushMs?: number;
  batchSize?: number;
  onBatch?: (kind: "results" | "critical", size: number) => void;
  /** Raw results just dropped because the bound was reached (for the metrics counter). */
  onDrop?: (count: number) => void;
  /** What each critical transaction wrote, once it has committed (the follower's change feed). */
  onCommitted?: (entries: ReplicaEntry[]) => void;
  /** A row the database refused as it was, then written repaired or dropped (for the metrics counter). */
  onRejected?: (kind: RejectedKind, outcome: RefusedOutcome) => void;
}

/** What a refused row was. */
export type RejectedKind = "result" | "state_change" | "monitor_state";

type CriticalItem = { kind: "change"; write: StateChangeWrite } | { kind: "state"; state: MonitorStateRecord };

export interface WriteQueueStats {
  results: number;
  critical: number;
  states: number;
  droppedResults: number;
  /** Rows the database refused as they were (then repaired or dropped), since start. */
  rejected: number;
  failing: boolean;
  lastError: string | null;
}

/**
 * The engine's only path to the database. Raw results go in multi-row batches and may be
 * dropped (oldest first, counted) when the database is away for long; state changes, their
 * notifications and monitor states are never dropped: they wait, retried with backoff, and are
 * written together in one transaction. A row the database refuses for what it holds (bad text,
 * a number out of range) is not a database outage: it is set apart from the batch, repaired or
 * dropped, logged and counted, and everything else is written.
 */
export class WriteQueue {
  private results: ResultRow[] = [];
  private critical: StateChangeWrite[] = [];
  private states = new Map<number, MonitorStateRecord>();
  private dropped = 0;
  private rejected = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private nextTryAt = 0;
  private lastError: string | null = null;
  private readonly maxResults: number;
  private readonly batchSize: number;
  private readonly now: () => number;

  constructor(private readonly o: WriteQueueOptions) {
    this.maxResults = o.maxResults ?? 200_000;
    this.batchSize = o.batchSize ?? 1000;
    this.now = o.now ?? Date.now;
  }

  start(): void {
    const every = this.o.flushMs ?? 1000;
    this.timer = setInterval(() => void this.flushWhenDue(), every);
    this.timer.unref();
  }

  /** Stops the timer and writes what it can; the caller decides how long to wait. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  addResults(rows: readonly ResultRow[]): void {
    for (const r of rows) this.results.push(r);
    const over = this.results.length - this.maxResults;
    if (over > 0) {
      this.results.splice(0, over);
      this.dropped += over;
      this.o.onDrop?.(over);
    }
    if (this.results.length >= this.batchSize) void this.flushWhenDue();
  }

  addStateChange(change: StateChangeWrite): void {
    this.critical.push(change);
    void this.flushWhenDue();
  }

  saveState(state: MonitorStateRecord): void {
    this.states.set(state.monitorId, state);
  }

  forget(monitorId: number): void {
    this.states.delete(monitorId);
  }

  stats(): WriteQueueStats {
    return {
      results: this.results.length,
      critical: this.critical.length,
      states: this.states.size,
      droppedResults: this.dropped,
      rejected: this.rejected,
      failing: this.failures > 0,
      lastError: this.lastError,
    };
  }

  /**
   * Writes now (or joins the write running), even inside the retry backoff: a caller asking
   * explicitly — shutdown, a handback about to read the stored states — needs the writes done,
   * not deferred. Never throws: a failure is retried later.
   */
  flush(): Promise<void> {
    // A write already running took only what was queued when it began: wait for it, then write
    // the rest, so a caller that asks sees everything queued before it asked written.
    if (this.flushing) return this.flushing.then(() => this.startFlush());
    return this.startFlush();
  }

  private startFlush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushOnce()
      .then(() => {
        if (this.failures > 0) this.o.logger.info("database writes recovered", { after: this.failures });
        this.failures = 0;
        this.lastError = null;
      })
      .catch((err: unknown) => {
        this.failures++;
        this.lastError = errorMessage(err);
        const backoff = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
        this.nextTryAt = this.now() + backoff;
        this.o.logger.warn("database write failed, will retry", {
          error: this.lastError,
          retryInMs: backoff,
          backlog: this.results.length + this.critical.length + this.states.size,
        });
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** The timer's and the producers' flush: respects the backoff while the database is away. */
  private flushWhenDue(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.now() < this.nextTryAt) return Promise.resolve();
    return this.startFlush();
  }

  /**
   * Inserts result rows now, setting apart rows the database refuses; returns how many were new.
   * Throws when the database is away (the rows settled before that stay written).
   */
  async writeResults(rows: readonly ResultRow[], onSettled?: (count: number) => void): Promise<number> {
    return writeIsolated(rows, {
      write: (batch) => insertResults(this.o.db, batch),
      repair: repairResult,
      settled: (batch) => onSettled?.(batch.length),
      refused: (row, outcome, error) =>
        this.refused("result", outcome, error, {
          monitorId: row.monitorId,
          nodeId: row.nodeId,
          slot: row.slot,
          statusCode: row.statusCode,
        }),
    });
  }

  private async flushOnce(): Promise<void> {
    // Critical first: a transition and its notifications in the same transaction as the states.
    if (this.critical.length || this.states.size) await this.flushCritical();
    while (this.results.length) {
      const batch = this.results.slice(0, this.batchSize);
      let settled = 0;
      try {
        await this.writeResults(batch, (count) => (settled += count));
      } finally {
        // Rows settle in order, so what is done is the front of the queue.
        this.results.splice(0, settled);
        if (settled) this.o.onBatch?.("results", settled);
      }
    }
  }

  private async flushCritical(): Promise<void> {
    const changes = this.critical.slice();
    const states = [...this.states.values()];
    const items: CriticalItem[] = [
      ...changes.map((write): CriticalItem => ({ kind: "change", write })),
      ...states.map((state): CriticalItem => ({ kind: "state", state })),
    ];
    let settledChanges = 0;
    const settledStates: MonitorStateRecord[] = [];
    try {
      await writeIsolated(items, {
        write: (batch) => this.writeCritical(batch),
        repair: (item) => this.repairCritical(item),
        settled: (batch) => {
          for (const item of batch) {
            if (item.kind === "change") settledChanges++;
            else settledStates.push(item.state);
          }
        },
        refused: (item, outcome, error) =>
          item.kind === "change"
            ? this.refused("state_change", outcome, error, {
                monitorId: item.write.monitorId,
                from: item.write.change?.from,
                to: item.write.change?.to,
                alerts: item.write.alerts.length,
              })
            : this.refused("monitor_state", outcome, error, {
                monitorId: item.state.monitorId,
                status: item.state.status,
              }),
      });
    } finally {
      // Changes settle in order, so what is done is the front of the queue.
      this.critical.splice(0, settledChanges);
      for (const s of settledStates) if (this.states.get(s.monitorId) === s) this.states.delete(s.monitorId);
      if (settledChanges) this.o.onBatch?.("critical", settledChanges);
    }
  }

  private repairCritical(item: CriticalItem): CriticalItem | null {
    if (item.kind === "change") {
      const write = repairStateChange(item.write, new Date(this.now()));
      return write ? { kind: "change", write } : null;
    }
    const state = repairMonitorState(item.state);
    return state ? { kind: "state", state } : null;
  }

  /** One transaction; its entries go to the change feed only once it has committed. */
  private async writeCritical(items: readonly CriticalItem[]): Promise<number> {
    const changes = items.flatMap((i) => (i.kind === "change" ? [i.write] : []));
    const states = items.flatMap((i) => (i.kind === "state" ? [i.state] : []));
    const epoch = this.o.epoch();
    const now = new Date(this.now());
    const nodeId = this.o.nodeId;
    const written: ReplicaEntry[] = [];
    await inTransaction(this.o.db, async (tx) => {
      written.length = 0;
      // Monitors deleted since the verdict took their history with them: skip their rows
      // rather than fail the whole transaction on a foreign key.
      const existing = await existingMonitorIds(tx, [
        ...new Set([...changes.map((c) => c.monitorId), ...states.map((s) => s.monitorId)]),
      ]);
      const kept = changes.filter((c) => existing.has(c.monitorId));
      const transitions = kept.flatMap((c) =>
        c.change ? [{ monitorId: c.monitorId, ...c.change, epoch, nodeId }] : [],
      );
      await insertStateChanges(tx, transitions);
      const rows: OutboxRow[] = [];
      for (const c of kept) for (const alert of c.alerts) rows.push(...(await enqueueAlert(tx, alert, epoch, now)));
      const keptStates = states.filter((s) => existing.has(s.monitorId));
      if (keptStates.length) await saveMonitorStates(tx, keptStates);
      for (const t of transitions) written.push({ kind: "change", change: { ...t, at: t.at.toISOString() } });
      for (const row of rows) written.push({ kind: "outbox", row: replicaOfOutboxRow(row) });
      for (const state of keptStates) written.push({ kind: "state", state });
    });
    if (written.length) this.o.onCommitted?.(written);
    return changes.length;
  }

  private refused(kind: RejectedKind, outcome: RefusedOutcome, error: unknown, context: Record<string, unknown>): void {
    this.rejected++;
    this.o.onRejected?.(kind, outcome);
    const detail = {
      kind,
      ...context,
      error: errorMessage(error),
      sqlState: (error as { code?: unknown } | null)?.code ?? null,
    };
    if (outcome === "repaired") this.o.logger.warn("database refused a row; wrote it repaired", detail);
    else this.o.logger.error("database refused a row; dropped it", detail);
  }
}
