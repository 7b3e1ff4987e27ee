/**
 * What a user may do, shared by every interface (API tokens, the terminal dashboard, SSH, the
 * web dashboard). Ordered: each role may do everything the one before it may.
 * - viewer: read monitors, history, nodes, channels (secrets masked), maintenance; watch events.
 * - editor: also create, edit, pause, resume, check now and delete monitors, channels (and test
 *   them) and maintenance windows; apply config.
 * - admin: also manage users, tokens and keys, and read secrets-bearing exports.
 */
export const USER_ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof USER_ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (USER_ROLES as readonly string[]).includes(value);
}

/** True when a user with role `have` may do what needs role `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return USER_ROLES.indexOf(have) >= USER_ROLES.indexOf(need);
}
