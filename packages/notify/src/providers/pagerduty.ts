import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { formatText } from "../format-text.js";
import { jsonPost, sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { httpUrlWithDefault, requiredString } from "../settings-fields.js";

export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;

export const pagerdutySettingsSchema = z.strictObject({
  /** The integration key of an Events API v2 integration. */
  routingKey: requiredString(100),
  eventsUrl: httpUrlWithDefault("https://events.pagerduty.com/v2/enqueue"),
  severity: z.enum(PAGERDUTY_SEVERITIES).default("critical"),
});
export type PagerdutySettings = z.infer<typeof pagerdutySettingsSchema>;

/** Recovery resolves the incident the DOWN opened; everything else triggers (or re-triggers) it. */
function actionOf(message: NotificationMessage): "trigger" | "resolve" {
  if (message.event === "up") return "resolve";
  if (message.event === "node" && message.node?.status === "online") return "resolve";
  return "trigger";
}

function severityOf(message: NotificationMessage, configured: PagerdutySettings["severity"]) {
  if (message.event === "test") return "info";
  if (message.event === "cert") return "warning";
  return configured;
}

export const pagerdutyProvider = defineProvider<PagerdutySettings>({
  type: "pagerduty",
  settingsSchema: pagerdutySettingsSchema,
  secretFields: ["routingKey"],
  // PagerDuty folds every event with one dedup_key into one incident: a repeat adds nothing.
  absorbsRepeats: true,
  async deliver(message, settings, ctx) {
    const action = actionOf(message);
    // Same dedup_key for DOWN, reminders and UP: PagerDuty folds them into one incident.
    const base = { routing_key: settings.routingKey, event_action: action, dedup_key: message.incidentKey };
    if (action === "resolve") return sendHttp("pagerduty", jsonPost(settings.eventsUrl, base), ctx);

    const { title, body } = formatText(message);
    const event = {
      ...base,
      client: "uptop",
      payload: {
        summary: title.slice(0, 1024),
        source: message.monitor?.url ?? message.monitor?.name ?? message.node?.name ?? "uptop",
        severity: severityOf(message, settings.severity),
        timestamp: message.at,
        ...(message.monitor ? { component: message.monitor.name, class: message.monitor.type } : {}),
        custom_details: {
          event: message.event,
          reason: message.reason,
          details: body,
          votes: message.votes,
          ...(message.children ? { children: message.children } : {}),
          ...(message.cert ? { cert: message.cert } : {}),
          ...(message.node ? { node: message.node } : {}),
        },
      },
    };
    return sendHttp("pagerduty", jsonPost(settings.eventsUrl, event), ctx);
  },
});
