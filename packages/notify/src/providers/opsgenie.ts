import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { formatText } from "../format-text.js";
import { joinUrl, jsonPost, sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { httpUrlWithDefault, requiredString } from "../settings-fields.js";

export const OPSGENIE_PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;

export const opsgenieSettingsSchema = z.strictObject({
  apiKey: requiredString(200),
  /** https://api.eu.opsgenie.com for EU accounts. */
  apiUrl: httpUrlWithDefault("https://api.opsgenie.com"),
  priority: z.enum(OPSGENIE_PRIORITIES).default("P1"),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});
export type OpsgenieSettings = z.infer<typeof opsgenieSettingsSchema>;

function closes(message: NotificationMessage): boolean {
  return message.event === "up" || (message.event === "node" && message.node?.status === "online");
}

export const opsgenieProvider = defineProvider<OpsgenieSettings>({
  type: "opsgenie",
  settingsSchema: opsgenieSettingsSchema,
  secretFields: ["apiKey"],
  // Opsgenie de-duplicates creates by alias, and closing a closed alert is a no-op.
  absorbsRepeats: true,
  async deliver(message, settings, ctx) {
    const headers = { Authorization: `GenieKey ${settings.apiKey}` };
    const { title, body } = formatText(message);
    if (closes(message)) {
      // Close by alias: the alias is the incident key the DOWN created the alert with.
      const path = `v2/alerts/${encodeURIComponent(message.incidentKey)}/close?identifierType=alias`;
      const post = jsonPost(
        joinUrl(settings.apiUrl, path),
        { source: "uptop", note: `${title}\n${body}`.slice(0, 25_000) },
        { headers },
      );
      return sendHttp("opsgenie", post, ctx);
    }
    // A reminder re-creates with the same alias; Opsgenie de-duplicates it into the open alert.
    const alert = {
      message: title.slice(0, 130),
      alias: message.incidentKey.slice(0, 512),
      description: body.slice(0, 15_000),
      priority: message.event === "test" ? "P5" : message.event === "cert" ? "P3" : settings.priority,
      source: "uptop",
      ...(settings.tags?.length ? { tags: settings.tags } : {}),
      details: {
        event: message.event,
        ...(message.monitor ? { monitor: message.monitor.name, monitorType: message.monitor.type } : {}),
        ...(message.monitor?.url ? { url: message.monitor.url } : {}),
        ...(message.node ? { node: message.node.name, region: message.node.region } : {}),
      },
    };
    return sendHttp("opsgenie", jsonPost(joinUrl(settings.apiUrl, "v2/alerts"), alert, { headers }), ctx);
  },
});
