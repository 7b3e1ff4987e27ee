import type { K8sObject } from "./manifests.js";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: K8sObject) => Validatable;

/** "apps/v1" → "apps/v1"; core "v1" → "v1": the module layout of kubernetes-models. */
function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Validates one object against the OpenAPI schema of its kind (kubernetes-models ships the
 * upstream schemas, so this runs offline). Returns the validator's message, or null if valid.
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
