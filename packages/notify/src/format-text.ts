import { formatDuration } from "@uptop/core";
import type { NotificationMessage } from "./message.js";

export interface FormattedText {
  title: string;
  body: string;
}

export const TEST_TITLE = "🔔 Test notification from uptop";

/**
 * The one human wording every provider shares, so an alert reads the same in Slack, e-mail
 * and a phone push. Pure: durations come from the message's own timestamps, not a clock.
 */
export function formatText(message: NotificationMessage): FormattedText {
  const name = message.monitor?.name ?? "monitor";
  switch (message.event) {
    case "down":
      return { title: `🔴 ${name} is DOWN`, body: lines(message, downDetails(message)) };
    case "reminder": {
      const forText = sinceText(message.downSince, message.at);
      return {
        title: `🔴 ${name} is still DOWN${forText ? ` (for ${forText})` : ""}`,
        body: lines(message, downDetails(message)),
      };
    }
    case "up": {
      const after = message.outageDurationS != null ? ` after ${seconds(message.outageDurationS)}` : "";
      const since = message.downSince ? [`Down since: ${message.downSince}`] : [];
      // `up` ends an incident; a monitor paused or deleted while DOWN ends it without recovering.
      if (message.status === "PAUSED")
        return { title: `⏸️ ${name} was paused while DOWN: incident closed${after}`, body: lines(message, since) };
      if (message.status === null && message.monitor)
        return { title: `🗑️ ${name} was deleted while DOWN: incident closed${after}`, body: lines(message, since) };
      return { title: `✅ ${name} is UP${after}`, body: lines(message, since) };
    }
    case "cert":
      return {
        title: `⚠️ ${certTitle(name, message.cert?.daysLeft)}`,
        body: lines(message, message.cert ? [`Valid until: ${message.cert.validTo}`] : []),
      };
    case "node": {
      const node = message.node;
      const label = node ? `${node.name} (${node.region})` : "a node";
      const status = node?.status ?? message.status ?? "changed";
      return { title: `${nodeIcon(status)} Node ${label} is ${status}`, body: lines(message, []) };
    }
    case "test":
      return {
        title: TEST_TITLE,
        body: "This is a test notification from uptop. If you can read this, the channel is set up correctly.",
      };
  }
}

function lines(message: NotificationMessage, details: string[]): string {
  const out: string[] = [];
  if (message.reason) out.push(message.reason);
  if (message.monitor?.url) out.push(`URL: ${message.monitor.url}`);
  out.push(...details);
  if (message.uncoveredRegions?.length) out.push(`No probe covers: ${message.uncoveredRegions.join(", ")}`);
  out.push(`At: ${message.at}`);
  return out.join("\n");
}

function downDetails(message: NotificationMessage): string[] {
  const out: string[] = [];
  if (message.children?.length) {
    out.push("Broken children:", ...message.children.map((c) => `- ${c.name}: ${c.status}`));
  }
  if (message.downSince) out.push(`Down since: ${message.downSince}`);
  return out;
}

function certTitle(name: string, daysLeft: number | undefined): string {
  if (daysLeft === undefined) return `TLS certificate of ${name} expires soon`;
  if (daysLeft < 0) return `TLS certificate of ${name} expired ${plural(-daysLeft, "day")} ago`;
  if (daysLeft === 0) return `TLS certificate of ${name} expires today`;
  return `TLS certificate of ${name} expires in ${plural(daysLeft, "day")}`;
}

function nodeIcon(status: string): string {
  if (status === "online") return "✅";
  if (status === "stale") return "⚠️";
  return "🔴";
}

function sinceText(from: string | null, to: string): string | undefined {
  if (!from) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? seconds(ms / 1000) : undefined;
}

function seconds(s: number): string {
  return s < 1 ? "0s" : formatDuration(Math.floor(s) * 1000);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
