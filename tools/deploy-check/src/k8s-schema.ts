import type { K8sObject } from "./manifests.js";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: K8sObject) => Validatable;

/**
 * Where a kind's model lives: the built-in kinds in kubernetes-models ("apps/v1" → "apps/v1",
 * core "v1" → "v1"), the Prometheus operator's (ServiceMonitor) in its own package.
 */
function modelPath(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith("monitoring.coreos.com/"))
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Validates one object against the OpenAPI schema of its kind (kubernetes-models ships the
 * upstream schemas, and its prometheus-operator package the CRDs', so this runs offline). Returns the validator's message, or null if valid.
 * An apiVersion/kind the models do not know is itself an error: a typo there is the most
 * common way to get a manifest that the API server rejects.
 */
export async function schemaError(object: K8sObject): Promise<string | null> {
  let Model: ModelClass;
  try {
    const mod = (await import(modelPath(object.apiVersion, object.kind))) as Record<string, ModelClass>;
    const found = mod[object.kind];
    if (!found) return `unknown kind ${object.apiVersion}/${object.kind}`;
    Model = found;
  } catch {
    return `unknown kind ${object.apiVersion}/${object.kind}`;
  }
  try {
    new Model(object).validate();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
