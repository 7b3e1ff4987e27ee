import { z } from "zod";

/** Kuma stores booleans as true/false in JSON exports, and as 0/1 in older versions. */
const flag = z
  .union([z.boolean(), z.number(), z.null()])
  .optional()
  .transform((v) => v === true || v === 1);

/**
 * The parts of an Uptime Kuma 1.x backup (Settings → Backup → Export) that we read. Loose on
 * purpose: a backup carries many fields we do not map, and they must not stop an import.
 */
export const kumaNotificationSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  /** The provider settings, as a JSON string (an object in some hand-made files). */
  config: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  /** Absent means active. */
  active: z.union([z.boolean(), z.number()]).nullish(),
  isDefault: flag,
});

export const kumaMonitorSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  description: z.string().nullish(),
  url: z.string().nullish(),
  method: z.string().nullish(),
  hostname: z.string().nullish(),
  port: z.number().nullish(),
  interval: z.number().nullish(),
  retryInterval: z.number().nullish(),
  maxretries: z.number().nullish(),
  timeout: z.number().nullish(),
  active: z.union([z.boolean(), z.number()]).nullish(),
  ignoreTls: flag,
  upsideDown: flag,
  maxredirects: z.number().nullish(),
  accepted_statuscodes: z.array(z.string()).nullish(),
  keyword: z.string().nullish(),
  invertKeyword: flag,
  jsonPath: z.string().nullish(),
  expectedValue: z.string().nullish(),
  dns_resolve_type: z.string().nullish(),
  dns_resolve_server: z.string().nullish(),
  /** Re-send DOWN notifications every this many checks while DOWN; 0 = never. */
  resendInterval: z.number().nullish(),
  /** Notify when the TLS certificate is about to expire (off by default in Kuma). */
  expiryNotification: flag,
  pushToken: z.string().nullish(),
  parent: z.number().nullish(),
  headers: z.string().nullish(),
  body: z.string().nullish(),
  /** How Kuma sends `body`: "json" (the default), "xml" or "form". */
  httpBodyEncoding: z.string().nullish(),
  /** A Kuma HTTP proxy (Settings → Proxies); the proxies themselves are not in a backup. */
  proxyId: z.number().nullish(),
  tags: z.array(z.looseObject({ name: z.string().nullish(), value: z.string().nullish() })).nullish(),
  authMethod: z.string().nullish(),
  basic_auth_user: z.string().nullish(),
  basic_auth_pass: z.string().nullish(),
  /** `{ "1": true }`: the notifications this monitor alerts through. */
  notificationIDList: z.record(z.string(), z.union([z.boolean(), z.number()])).nullish(),
});

export const kumaBackupSchema = z.looseObject({
  version: z.string().nullish(),
  notificationList: z.array(kumaNotificationSchema).nullish(),
  monitorList: z.array(kumaMonitorSchema).nullish(),
  /** Some exports keep the links apart: `[{ monitor_id, notification_id }]`. */
  monitorNotificationList: z.array(z.looseObject({ monitor_id: z.number(), notification_id: z.number() })).nullish(),
});

export type KumaBackup = z.infer<typeof kumaBackupSchema>;
export type KumaMonitor = z.infer<typeof kumaMonitorSchema>;
export type KumaNotification = z.infer<typeof kumaNotificationSchema>;
