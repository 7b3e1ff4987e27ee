/**
 * Which fields of a Kuma 1.23 monitor decide how it is checked, by type, so that every one the
 * mapping does not carry over is named in the import report rather than dropped unseen.
 */

/** Read for every monitor: the mapping carries each of these over or reports it. */
const COMMON = [
  "id",
  "name",
  "description",
  "type",
  "active",
  "parent",
  "interval",
  "retryInterval",
  "maxretries",
  "resendInterval",
  "upsideDown",
  "notificationIDList",
  "tags",
  "timeout",
];

/**
 * Kuma's HTTP family. The NTLM, OAuth and mTLS fields only count with their `authMethod`, and a
 * monitor with such a method is skipped whole.
 */
const HTTP = [
  "url",
  "method",
  "headers",
  "body",
  "httpBodyEncoding",
  "authMethod",
  "basic_auth_user",
  "basic_auth_pass",
  "authDomain",
  "authWorkstation",
  "oauth_client_id",
  "oauth_client_secret",
  "oauth_token_url",
  "oauth_scopes",
  "oauth_auth_method",
  "tlsCa",
  "tlsCert",
  "tlsKey",
  "ignoreTls",
  "maxredirects",
  "accepted_statuscodes",
  "expiryNotification",
  "proxyId",
];

/** Fields the mapping of each imported type reads (mapped, or reported by it with a reason). */
export const MAPPED_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  http: new Set([...COMMON, ...HTTP]),
  keyword: new Set([...COMMON, ...HTTP, "keyword", "invertKeyword"]),
  "json-query": new Set([...COMMON, ...HTTP, "jsonPath", "expectedValue"]),
  port: new Set([...COMMON, "hostname", "port"]),
  ping: new Set([...COMMON, "hostname"]),
  dns: new Set([...COMMON, "hostname", "port", "dns_resolve_server", "dns_resolve_type"]),
  push: new Set([...COMMON, "pushToken"]),
  group: new Set(COMMON),
};

/** Fields of the imported types that Kuma's check reads and uptop has nothing for, with why. */
const UNMAPPED: Readonly<Record<string, Readonly<Record<string, { unset: unknown; why: string }>>>> = {
  ping: { packetSize: { unset: 56, why: "uptop pings with the system's default packet size" } },
};

/** What a Kuma monitor carries whatever its type: display state, or fields of other types. */
const INERT = new Set([
  "pathName",
  "childrenIDs",
  "weight",
  "forceInactive",
  "dns_last_result",
  "maintenance",
  "screenshot",
  "includeSensitiveData",
  "userId",
]);

/** Fields only other monitor types read (Kuma 1.23): ignored on an imported type. */
const OTHER_TYPES = new Set([
  "hostname",
  "port",
  "keyword",
  "invertKeyword",
  "jsonPath",
  "expectedValue",
  "dns_resolve_server",
  "dns_resolve_type",
  "pushToken",
  "packetSize",
  "docker_container",
  "docker_host",
  "mqttTopic",
  "mqttSuccessMessage",
  "mqttUsername",
  "mqttPassword",
  "databaseQuery",
  "databaseConnectionString",
  "grpcUrl",
  "grpcProtobuf",
  "grpcMethod",
  "grpcServiceName",
  "grpcEnableTls",
  "grpcBody",
  "grpcMetadata",
  "radiusCalledStationId",
  "radiusCallingStationId",
  "radiusUsername",
  "radiusPassword",
  "radiusSecret",
  "game",
  "gamedigGivenPortOnly",
  "kafkaProducerTopic",
  "kafkaProducerBrokers",
  "kafkaProducerSsl",
  "kafkaProducerAllowAutoTopicCreation",
  "kafkaProducerMessage",
  "kafkaProducerSaslOptions",
  "remote_browser",
  ...HTTP,
]);

/** Kuma keeps every field on every monitor; empty ones say nothing. */
export function isUnset(v: unknown): boolean {
  if (v === null || v === undefined || v === "" || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

/**
 * Notes for the fields of an imported monitor that uptop does not carry over: those its type
 * reads without an equivalent here, and any field this importer does not know (a later Kuma's).
 */
export function unmappedFieldNotes(k: Record<string, unknown>): string[] {
  const type = String(k.type);
  const mapped = MAPPED_FIELDS[type];
  if (!mapped) return [];
  const notes: string[] = [];
  for (const [field, value] of Object.entries(k)) {
    if (mapped.has(field) || INERT.has(field)) continue;
    const unmapped = UNMAPPED[type]?.[field];
    if (unmapped) {
      if (!isUnset(value) && value !== unmapped.unset)
        notes.push(`Kuma's ${field} ${JSON.stringify(value)} is not imported: ${unmapped.why}`);
    } else if (!OTHER_TYPES.has(field) && !isUnset(value)) {
      notes.push(`Kuma's ${field} is not imported: this importer does not know that setting (a newer Kuma's?)`);
    }
  }
  return notes;
}
