export {
  aggregate,
  describeVerdict,
  freshnessMs,
  CLOCK_SKEW_TOLERANCE_MS,
  type AggregateOptions,
  type Verdict,
  type Outcome,
  type IgnoredVote,
  type IgnoredReason,
} from "./aggregate.js";
export {
  initialState,
  step,
  nextRoundDelayS,
  type Health,
  type MachineState,
  type MachineConfig,
  type MachineInput,
  type Transition,
  type StepResult,
} from "./state-machine.js";
export { groupStatus, groupStep, brokenChildren, descendants, ancestors } from "./group.js";
export {
  alertsForTransition,
  alertsForDeletion,
  alertsForSupersededIncident,
  reminderFor,
  certWarning,
  type AlertPlan,
  type MonitorAlertEvent,
  type Suppression,
  type TransitionContext,
  type CertSighting,
} from "./alert-rules.js";
export {
  recipients,
  incidentKey,
  dedupeKey,
  type Addressable,
  type Audience,
  type ChannelRef,
  type Recipient,
} from "./alert-recipients.js";
export { pushDeadlineInput, type PushClock } from "./push-deadline.js";
export {
  windowIntervals,
  isWindowActive,
  windowCovers,
  activeMaintenance,
  maintenanceIntervals,
  type Recurrence,
  type WindowSpec,
} from "./maintenance.js";
export { computeSla, type SlaInput, type SlaReport } from "./sla.js";
export { rollupDay, type RollupInput, type DailyRollup } from "./rollup.js";
