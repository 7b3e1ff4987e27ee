import { Router, type Request } from "express";
import { z } from "zod";
import { MASK, parseDuration, ValidationError, zodIssues, type SecretBox } from "@uptop/core";
import {
  CHANNEL_TYPES,
  DeliveryError,
  isChannelType,
  redactSettings,
  secretFieldsOf,
  sendNotification,
  validateChannelSettings,
  type NotificationMessage,
} from "@uptop/notify";
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  recordTestNotification,
  updateChannel,
  type Channel,
  type ChannelDraft,
  type Db,
} from "@uptop/store";
import { answerExcerpt } from "../answer-excerpt.js";
import { parseId } from "./monitors.js";

export interface ChannelRoutesDeps {
  db: Db;
  box: SecretBox;
  /** Stamps test rows with the node's fencing epoch. */
  epoch: () => number;
  nodeId: string;
  /** Deadline of a test send (default 10 s). */
  testTimeoutMs?: number;
  /** Let a test send reach a private receiver, as deliveries may (UPTOP_ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets?: boolean;
}

/** A channel as the API shows it: secrets replaced by the mask. */
export interface ChannelView {
  id: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  default: boolean;
  enabled: boolean;
  /** Seconds between reminders while a monitor stays DOWN; null = no reminders. */
  reminderInterval: number | null;
  createdAt: string;
  updatedAt: string;
}

export function channelView(c: Channel): ChannelView {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    settings: isChannelType(c.type) ? redactSettings(c.type, c.settings) : {},
    default: c.isDefault,
    enabled: c.enabled,
    reminderInterval: c.reminderIntervalS,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const MIN_REMINDER_S = 60;

const reminderSchema = z
  .union([z.number({ error: 'must be seconds or a duration like "60m"' }), z.string(), z.null()], {
    error: 'must be seconds or a duration like "60m"',
  })
  .transform((v, ctx) => {
    if (v === null || v === 0) return null;
    const seconds = typeof v === "number" ? v : (parseDuration(v) ?? NaN) / 1000;
    if (!Number.isFinite(seconds) || seconds < 0) {
      ctx.addIssue({ code: "custom", message: 'must be seconds or a duration like "60m"' });
      return z.NEVER;
    }
    if (seconds > 0 && seconds < MIN_REMINDER_S) {
      ctx.addIssue({
        code: "custom",
        message: `must be at least ${MIN_REMINDER_S} seconds (or null for no reminders)`,
      });
      return z.NEVER;
    }
    return seconds === 0 ? null : seconds;
  });

export const channelInputSchema = z
  .object({
    name: z.string({ error: "is required" }).trim().min(1, "is required").max(200, "must be at most 200 characters"),
    type: z.string({ error: `is required (one of ${CHANNEL_TYPES.join(", ")})` }),
    settings: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
    default: z.boolean({ error: "must be true or false" }).optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    reminderInterval: reminderSchema.optional(),
  })
  .strict();

function fail(issues: ReturnType<typeof zodIssues>): never {
  throw ValidationError.fromIssues(issues, "invalid channel");
}

function requireObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError("body: must be a JSON object (Content-Type: application/json)", [
      { field: "body", message: "must be a JSON object" },
    ]);
  }
  return body as Record<string, unknown>;
}

/**
 * Parses a channel body into a draft. Where the client echoed the mask for a secret, the stored
 * value is kept — but only for the same type: a mask cannot carry a secret into another provider.
 */
export function parseChannelInput(body: unknown, current: Channel | null): ChannelDraft {
  const parsed = channelInputSchema.safeParse(requireObject(body));
  if (!parsed.success) fail(zodIssues(parsed.error));
  const input = parsed.data;
  const settings = { ...(input.settings ?? {}) };
  for (const [field, value] of Object.entries(settings)) {
    if (value !== MASK) continue;
    const kept =
      current && current.type === input.type && isChannelType(input.type) && secretFieldsOf(input.type).includes(field)
        ? current.settings[field]
        : undefined;
    if (kept === undefined)
      fail([
        {
          field: `settings.${field}`,
          message: "is the mask but no stored secret of this channel type can be kept; send the real value",
        },
      ]);
    settings[field] = kept;
  }
  const valid = validateChannelSettings(input.type, settings);
  return {
    name: input.name,
    type: input.type,
    settings: valid,
    secretFields: isChannelType(input.type) ? secretFieldsOf(input.type) : [],
    isDefault: input.default ?? false,
    enabled: input.enabled ?? true,
    reminderIntervalS: input.reminderInterval ?? null,
  };
}

/** The channel as an input body (secrets in clear: never sent to a client, only merged with a patch). */
function channelToInput(c: Channel): Record<string, unknown> {
  return {
    name: c.name,
    type: c.type,
    settings: c.settings,
    default: c.isDefault,
    enabled: c.enabled,
    reminderInterval: c.reminderIntervalS,
  };
}

export function testMessage(epoch: number, now: Date): NotificationMessage {
  return {
    event: "test",
    monitor: null,
    status: null,
    previousStatus: null,
    reason: "Test notification from uptop: this channel is configured correctly.",
    votes: [],
    at: now.toISOString(),
    downSince: null,
    outageDurationS: null,
    epoch,
    incidentKey: `test-${now.getTime()}`,
  };
}

export function channelsRouter(deps: ChannelRoutesDeps): Router {
  const { db, box } = deps;
  const r = Router();
  const byId = (req: Request) => getChannel(db, box, parseId(req));

  r.get("/api/channels", async (_req, res) => {
    res.json((await listChannels(db, box)).map(channelView));
  });

  r.get("/api/channels/:id", async (req, res) => {
    res.json(channelView(await byId(req)));
  });

  r.post("/api/channels", async (req, res) => {
    const c = await createChannel(db, box, parseChannelInput(req.body, null));
    res.status(201).location(`/api/channels/${c.id}`).json(channelView(c));
  });

  // PUT replaces the channel (omitted optional fields take their defaults); PATCH changes only
  // the top-level fields given — a `settings` object in a patch replaces the settings whole.
  r.put("/api/channels/:id", async (req, res) => {
    const current = await byId(req);
    res.json(channelView(await updateChannel(db, box, current.id, parseChannelInput(req.body, current))));
  });

  r.patch("/api/channels/:id", async (req, res) => {
    const current = await byId(req);
    const merged = { ...channelToInput(current), ...requireObject(req.body) };
    res.json(channelView(await updateChannel(db, box, current.id, parseChannelInput(merged, current))));
  });

  r.delete("/api/channels/:id", async (req, res) => {
    await deleteChannel(db, parseId(req));
    res.status(204).end();
  });

  // The provider's verdict is the answer, so a refused test is still HTTP 200 with ok: false;
  // 502 would read as "uptop is broken" when it is the channel's settings that are. What the
  // receiver said is shown (and kept with the test row) only as a short, scrubbed excerpt.
  r.post("/api/channels/:id/test", async (req, res) => {
    const channel = await byId(req);
    if (!isChannelType(channel.type))
      throw new ValidationError(`type: unknown channel type "${channel.type}"`, [
        { field: "type", message: "unknown channel type" },
      ]);
    const epoch = deps.epoch();
    const message = testMessage(epoch, new Date());
    let outcome: {
      ok: boolean;
      retryable: boolean | null;
      status: number | null;
      error: string | null;
      response: string | null;
    };
    try {
      const result = await sendNotification(channel.type, message, channel.settings, {
        timeoutMs: deps.testTimeoutMs ?? 10_000,
        allowPrivateTargets: deps.allowPrivateTargets ?? false,
      });
      outcome = { ok: true, retryable: null, status: null, error: null, response: answerExcerpt(result.response) };
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      outcome = {
        ok: false,
        retryable: err.retryable,
        status: err.status ?? null,
        error: answerExcerpt(err.message),
        response: err.response === undefined ? null : answerExcerpt(err.response),
      };
    }
    const id = await recordTestNotification(db, {
      channelId: channel.id,
      payload: { ...message },
      epoch,
      nodeId: deps.nodeId,
      outcome,
    });
    res.json(
      outcome.ok
        ? { ok: true, response: outcome.response, notificationId: id }
        : {
            ok: false,
            error: outcome.error,
            retryable: outcome.retryable,
            status: outcome.status,
            response: outcome.response,
            notificationId: id,
          },
    );
  });

  return r;
}
