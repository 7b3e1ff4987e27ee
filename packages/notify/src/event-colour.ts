import type { NotificationMessage } from "./message.js";

export type Tone = "bad" | "good" | "warn" | "info";

/** How alarming a message is, which chat providers show as a colour. */
export function toneOf(message: NotificationMessage): Tone {
  switch (message.event) {
    case "down":
    case "reminder":
      return "bad";
    case "up":
      return "good";
    case "cert":
      return "warn";
    case "node":
      return message.node?.status === "online" ? "good" : message.node?.status === "stale" ? "warn" : "bad";
    case "test":
      return "info";
  }
}

export const TONE_RGB: Record<Tone, number> = {
  bad: 0xe74c3c,
  good: 0x2ecc71,
  warn: 0xf1c40f,
  info: 0x3498db,
};

export function toneHex(tone: Tone): string {
  return `#${TONE_RGB[tone].toString(16).padStart(6, "0")}`;
}
