import type { ChannelConfig, MonitorDraft, Recurrence, WindowType } from "@uptop/core";

export type ResourceKind = "channel" | "monitor" | "maintenance";

/** A channel as a document asks for it: provider settings with defaults filled in, secrets in clear. */
export type ChannelSpec = ChannelConfig;

/** Field names match the store's maintenance input, so a spec is passed to it as is. */
export interface MaintenanceSpec {
  title: string;
  description: string | null;
  type: WindowType;
  /** Monitor or group names; null = every monitor. */
  monitors: string[] | null;
  startAt: string;
  endAt: string | null;
  recurrence: Recurrence | null;
}

/** What a document asks for, validated and with defaults applied. */
export interface ConfigState {
  channels: ChannelSpec[];
  monitors: MonitorDraft[];
  maintenance: MaintenanceSpec[];
}

/** What a server holds: the same specs with their ids. */
export interface CurrentState {
  channels: Array<ChannelSpec & { id: number }>;
  monitors: Array<MonitorDraft & { id: number }>;
  maintenance: Array<MaintenanceSpec & { id: number }>;
}
