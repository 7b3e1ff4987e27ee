import { sql, type Kysely } from "kysely";

/**
 * Who holds the database: the node whose session holds the one-serving-node advisory lock, so a
 * second node refused at start can name it. One row, rewritten by each new holder; `backend_pid`
 * and `backend_start` tie it to the session, so a row left by a node that is gone is never taken
 * for the live holder.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table node_lease (
      id integer primary key check (id = 1),
      node_id text not null,
      role text not null,
      pid integer not null,
      host text not null,
      started_at timestamptz not null,
      backend_pid integer not null,
      backend_start timestamptz not null,
      acquired_at timestamptz not null default now()
    )`.execute(db);
}
