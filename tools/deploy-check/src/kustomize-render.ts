import { execFileSync, spawnSync } from "node:child_process";
import { relative } from "node:path";
import { parseManifests, type Manifest } from "./manifests.js";

/** Whether `kubectl kustomize` can run here; no cluster is needed, only the client. */
export function kubectlAvailable(): boolean {
  return spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;
}

/**
 * The objects `kubectl kustomize dir` renders: what `kubectl apply -k dir` would send, with the
 * namespace, image tags, patches and components applied. A kustomization that does not build
 * throws with kustomize's own message.
 */
export function renderKustomization(dir: string, root: string): Manifest[] {
  const where = relative(root, dir);
  let text: string;
  try {
    text = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`kubectl kustomize ${where}: ${stderr || (err as Error).message}`);
  }
  return parseManifests(text, `${where} (rendered)`);
}
