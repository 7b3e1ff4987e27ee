/**
 * What a user may do, shared by every interface (API tokens, the terminal dashboard, SSH, the
 * web dashboard). Ordered: each role may do everything the one before it may.
 * - viewer: read monitors, history, nodes, channels (secrets masked), maintenance; watch events.
 * - editor: also create, edit, pause, resume, check now and delete monitors, channels (and test
 *   them) and maintenance windows; apply config.
 * - admin: also manage users, tokens and keys, and read secrets-bearing exports.
 */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when a user with role `have` may do what needs role `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
