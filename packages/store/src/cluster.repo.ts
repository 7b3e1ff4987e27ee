import { isSqlite, type Db } from "./database.js";

export interface ClusterTerm {
  epoch: number;
  holder: string;
}

export async function getClusterTerm(db: Db): Promise<ClusterTerm> {
  const row = await db.selectFrom("cluster").select(["epoch", "holder"]).where("id", "=", 1).executeTakeFirstOrThrow();
  return row;
}

/** Takes a new fencing term: one more than any epoch seen anywhere. */
export async function bumpEpoch(db: Db, holder: string, atLeast = 0): Promise<ClusterTerm> {
  const row = await db
    .updateTable("cluster")
    .set((eb) => ({
      // SQLite's two-argument max() is Postgres' greatest().
      epoch: eb.fn(isSqlite(db) ? "max" : "greatest", [eb.ref("epoch"), eb.val(atLeast)]).$castTo<number>(),
      holder,
      updated_at: new Date(),
    }))
    .where("id", "=", 1)
    .returning(["epoch", "holder"])
    .executeTakeFirstOrThrow();
  const bumped = await db
    .updateTable("cluster")
    .set((eb) => ({ epoch: eb("epoch", "+", 1) }))
    .where("id", "=", 1)
    .returning(["epoch", "holder"])
    .executeTakeFirstOrThrow();
  return { epoch: bumped.epoch, holder: row.holder };
}

/** Adopts a higher epoch learned from a peer; never moves the epoch backwards. */
export async function adoptEpoch(db: Db, epoch: number, holder: string): Promise<ClusterTerm> {
  await db
    .updateTable("cluster")
    .set({ epoch, holder, updated_at: new Date() })
    .where("id", "=", 1)
    .where("epoch", "<", epoch)
    .execute();
  return getClusterTerm(db);
}
