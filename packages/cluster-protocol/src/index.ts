export { PROTOCOL_VERSION, PROTOCOL_HEADER, SECRET_HEADER, SECRET_HEADER_ALT, NODE_HEADER } from "./headers.js";
export { ClusterRequestError, ClusterUnavailableError, ClusterResponseError, SealError } from "./errors.js";
export { sealPayload, openPayload } from "./seal.js";
export { clusterAuth, clusterSecretRefusal, protocolVersionCheck, clusterGuard } from "./middleware.js";
export { ClusterClient, type ClusterClientOptions, type AssignmentsResult } from "./client.js";
export { backoffDelayMs } from "./backoff.js";
export { apiErrorSchema, type ApiErrorBody } from "./schemas/error.js";
export { assignedMonitorSchema, type AssignedMonitor } from "./schemas/monitor.js";
export {
  nodeIdSchema,
  registerRequestSchema,
  registerResponseSchema,
  type RegisterRequest,
  type RegisterResponse,
} from "./schemas/register.js";
export {
  assignmentsQuerySchema,
  assignmentsResponseSchema,
  type AssignmentsQuery,
  type AssignmentsResponse,
} from "./schemas/assignments.js";
export {
  MAX_RESULTS_PER_BATCH,
  resultItemSchema,
  checkReportFromWire,
  resultsRequestSchema,
  resultsResponseSchema,
  type ResultItem,
  type ResultsRequest,
  type ResultsResponse,
} from "./schemas/results.js";
export { healthResponseSchema, isLiveLeader, type HealthResponse } from "./schemas/health.js";
export {
  sealedBodySchema,
  mirroredChannelSchema,
  mirroredUserSchema,
  channelToMirror,
  channelFromMirror,
  configMirrorSchema,
  feedPositionSchema,
  type FeedPosition,
  type SealedBody,
  type MirroredChannel,
  type MirroredUser,
  type ConfigMirror,
} from "./schemas/config-mirror.js";
export { handbackSchema, handbackResponseSchema, type Handback, type HandbackResponse } from "./schemas/handback.js";
export {
  MAX_FEED_WAIT_MS,
  feedQuerySchema,
  feedAnswerSchema,
  type FeedQuery,
  type FeedAnswer,
} from "./schemas/feed.js";
export {
  witnessReportSchema,
  witnessResponseSchema,
  type WitnessReport,
  type WitnessResponse,
} from "./schemas/witness.js";
