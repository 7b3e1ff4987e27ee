import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";

/** One Kubernetes object and where it came from, for messages that point at the file. */
export interface Manifest {
  readonly file: string;
  readonly index: number;
  readonly object: K8sObject;
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** Files that kustomize reads but that are not objects for the API server. */
const NOT_OBJECTS = new Set(["kustomization.yaml", "kustomization.yml"]);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) && !NOT_OBJECTS.has(e.name) ? [path] : [];
  });
}

/**
 * The Kubernetes objects of one YAML stream, `file` naming it in messages. A syntax error or a
 * document without apiVersion/kind/metadata.name throws: a manifest that does not parse must
 * fail CI, not be skipped. Empty documents are skipped.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  const out: Manifest[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${file}#${index}: ${doc.errors[0]?.message}`);
    const object = doc.toJS() as Partial<K8sObject> | null;
    if (object === null || typeof object !== "object") return;
    if (
      typeof object.apiVersion !== "string" ||
      typeof object.kind !== "string" ||
      typeof object.metadata?.name !== "string"
    ) {
      throw new Error(`${file}#${index}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
    }
    out.push({ file, index, object: object as K8sObject });
  });
  return out;
}

/** Parses every YAML document under dir (kustomization files aside), as `parseManifests` does. */
export function loadManifests(dir: string, root: string = dir): Manifest[] {
  return yamlFiles(dir)
    .sort()
    .flatMap((path) => parseManifests(readFileSync(path, "utf8"), relative(root, path)));
}

export function describeManifest(m: Manifest): string {
  return `${m.file}: ${m.object.kind}/${m.object.metadata.name}`;
}
