import { Router, type Request } from "express";
import { z } from "zod";
import { USER_ROLES, UptopError, ValidationError } from "@uptop/core";
import {
  addUserKey,
  addUserToken,
  createUser,
  deleteUser,
  deleteUserKey,
  findUser,
  getUser,
  listUsers,
  revokeUserToken,
  setUserPassword,
  updateUser,
  userPasswordHash,
  type Db,
  type UserWithCredentials,
} from "@uptop/store";
import type { CallerAuth } from "../auth/caller-auth.js";
import { callerOf } from "../auth/caller.js";
import { LoginThrottle } from "../auth/login-throttle.js";
import { hashPassword, passwordSchema, verifyPassword } from "../auth/password-hash.js";
import { webSessionIdOf } from "../auth/user-gate.js";
import { parseSshPublicKey } from "../auth/ssh-public-key.js";
import { hashUserToken, mintUserToken } from "../auth/user-token.js";
import { parseJsonBody as parse } from "../json-body.js";

export interface UserRoutesDeps {
  db: Db;
  /** The gate's token lookups: dropped after every change so it applies to the next request. */
  auth: CallerAuth;
  /** Called after any change (the follower copies users at once). */
  onChange?: () => void;
  /** Holds off guessing the current password in `PUT /api/me/password`, as sign-in does. */
  throttle?: LoginThrottle;
}

/**
 * A user name is also an SSH login name and one word of an UPTOP_KEYS line: letters, digits and
 * `._@-`, starting with a letter or digit.
 */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const userNameSchema = z
  .string()
  .regex(USER_NAME, "must be 1-64 letters, digits or ._@- (starting with a letter or digit)");
const roleSchema = z.enum(USER_ROLES, { error: "must be viewer, editor or admin" });

export const userInputSchema = z.strictObject({
  name: userNameSchema,
  role: roleSchema,
  password: passwordSchema.optional(),
});
export const passwordInputSchema = z.strictObject({ password: passwordSchema });
export const ownPasswordInputSchema = z.strictObject({
  current: z.string().max(1024),
  password: passwordSchema,
});
export const userPatchSchema = z.strictObject({ role: roleSchema.optional(), disabled: z.boolean().optional() });
export const tokenInputSchema = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const keyInputSchema = z.strictObject({ publicKey: z.string().max(16_384) });

function idParam(req: Request, name: string): number {
  const raw = req.params[name];
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw))
    throw new ValidationError(`${name}: must be a positive whole number`, [
      { field: name, message: "must be a positive whole number" },
    ]);
  return Number(raw);
}

/** A user as the API shows it: tokens by name only (the token itself was shown once), keys by fingerprint. */
export function userView(u: UserWithCredentials) {
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    hasPassword: u.hasPassword,
    createdAt: u.createdAt,
    keys: u.keys.map((k) => ({ id: k.id, fingerprint: k.fingerprint, comment: k.comment, createdAt: k.createdAt })),
    tokens: u.tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt })),
  };
}

/** `GET /api/me` (any user) and `/api/users/**` (admins; the gate enforces the roles). */
export function usersRouter(deps: UserRoutesDeps): Router {
  const { db } = deps;
  const throttle = deps.throttle ?? new LoginThrottle();
  const r = Router();
  const changed = () => {
    deps.auth.invalidate();
    deps.onChange?.();
  };

  r.get("/api/me", async (_req, res) => {
    const caller = callerOf(res);
    if (!caller) return void res.json(null);
    const user = caller.id === null ? null : await findUser(db, caller.id);
    res.json({ id: caller.id, name: caller.name, role: caller.role, hasPassword: user?.hasPassword ?? false });
  });

  // Any signed-in user, for themselves: the current password proves it is them and not someone at
  // a browser they left open. Their other web sessions end; the one making the change stays.
  r.put("/api/me/password", async (req, res) => {
    const { current, password } = parse(ownPasswordInputSchema, req.body, "password change");
    const caller = callerOf(res);
    if (caller?.id == null)
      throw new UptopError("NOT_A_USER", "the admin API token is no user and has no password", 403);
    const waitS = throttle.attempt(req.ip ?? "", caller.name);
    if (waitS !== null) {
      res.setHeader("Retry-After", String(waitS));
      throw new UptopError("RATE_LIMITED", `too many wrong passwords: try again in ${waitS} s`, 429);
    }
    if (!(await verifyPassword(await userPasswordHash(db, caller.id), current))) {
      throttle.failed(caller.name);
      throw new UptopError("WRONG_PASSWORD", "the current password is wrong", 403, { field: "current" });
    }
    throttle.succeeded(caller.name);
    await setUserPassword(db, caller.id, await hashPassword(password), webSessionIdOf(res));
    changed();
    res.status(204).end();
  });

  r.get("/api/users", async (_req, res) => {
    res.json((await listUsers(db)).map(userView));
  });

  r.get("/api/users/:id", async (req, res) => {
    res.json(userView(await getUser(db, idParam(req, "id"))));
  });

  r.post("/api/users", async (req, res) => {
    const { password, ...input } = parse(userInputSchema, req.body, "user");
    const u = await createUser(db, {
      ...input,
      passwordHash: password === undefined ? null : await hashPassword(password),
    });
    changed();
    res
      .status(201)
      .location(`/api/users/${u.id}`)
      .json(userView(await getUser(db, u.id)));
  });

  r.patch("/api/users/:id", async (req, res) => {
    const id = idParam(req, "id");
    const patch = parse(userPatchSchema, req.body, "user change");
    await updateUser(db, id, patch);
    changed();
    res.json(userView(await getUser(db, id)));
  });

  r.put("/api/users/:id/password", async (req, res) => {
    const id = idParam(req, "id");
    const { password } = parse(passwordInputSchema, req.body, "password");
    await setUserPassword(db, id, await hashPassword(password));
    changed();
    res.json(userView(await getUser(db, id)));
  });

  r.delete("/api/users/:id/password", async (req, res) => {
    const id = idParam(req, "id");
    await setUserPassword(db, id, null);
    changed();
    res.json(userView(await getUser(db, id)));
  });

  r.delete("/api/users/:id", async (req, res) => {
    await deleteUser(db, idParam(req, "id"));
    changed();
    res.status(204).end();
  });

  // The token is in this answer and nowhere else: only its hash is stored.
  r.post("/api/users/:id/tokens", async (req, res) => {
    const id = idParam(req, "id");
    const { name } = parse(tokenInputSchema, req.body, "token");
    const token = mintUserToken();
    const t = await addUserToken(db, id, name, hashUserToken(token));
    changed();
    res.setHeader("Cache-Control", "no-store");
    res.status(201).json({ id: t.id, name: t.name, token });
  });

  r.delete("/api/users/:id/tokens/:tokenId", async (req, res) => {
    await revokeUserToken(db, idParam(req, "id"), idParam(req, "tokenId"));
    changed();
    res.status(204).end();
  });

  r.post("/api/users/:id/keys", async (req, res) => {
    const id = idParam(req, "id");
    const { publicKey } = parse(keyInputSchema, req.body, "key");
    const k = await addUserKey(db, id, parseSshPublicKey(publicKey));
    changed();
    res.status(201).json({ id: k.id, fingerprint: k.fingerprint, comment: k.comment });
  });

  r.delete("/api/users/:id/keys/:keyId", async (req, res) => {
    await deleteUserKey(db, idParam(req, "id"), idParam(req, "keyId"));
    changed();
    res.status(204).end();
  });

  return r;
}
