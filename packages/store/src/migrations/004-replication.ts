import { sql, type Kysely } from "kysely";

/**
 * Alert replication to the follower. `origin`: `local` (this node planned the row), `replica` (a
 * copy of the leader's, kept current by the change feed and never sent from here while standby),
 * `adopted` (a replica this node took over when it was promoted). `unreplicated`: the leader sent
 * the row before its follower confirmed holding it (the follower was away).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notifications add column origin text not null default 'local'`.execute(db);
  await sql`alter table notifications add column unreplicated boolean not null default false`.execute(db);
}
