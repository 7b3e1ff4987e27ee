export {
  configDocumentSchema,
  channelEntrySchema,
  monitorEntrySchema,
  maintenanceEntrySchema,
  type ConfigDocument,
  type ChannelEntry,
  type MonitorEntry,
  type MaintenanceEntry,
} from "./document-schema.js";
export type { ChannelSpec, MaintenanceSpec, ConfigState, CurrentState, ResourceKind } from "./state.js";
export { normalizeDocument, originKey, type NormalizedDocument } from "./normalize-document.js";
export {
  loadConfigSources,
  formatLocatedIssue,
  ConfigFileError,
  type LoadedConfig,
  type LocatedIssue,
  type SourceInput,
} from "./config-source.js";
export { planConfig, type PlanAction, type PlanChange, type PlanOptions } from "./plan.js";
export { publicPlan, formatPlan, countPlan, SECRET_SHOWN, type PlanLine, type PlanCounts } from "./format-plan.js";
export {
  exportConfig,
  exportConfigYaml,
  secretVariable,
  type ExportOptions,
  type ExportedConfig,
} from "./export-document.js";
export { importKumaBackup, type KumaImport, type KumaSkipped } from "./kuma/import-kuma.js";
