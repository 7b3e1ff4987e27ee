export { repoRoot } from "./repo-root.js";
export { parseEnvExample } from "./env-example.js";
export { loadManifests, parseManifests, describeManifest, type Manifest, type K8sObject } from "./manifests.js";
export { kubectlAvailable, renderKustomization } from "./kustomize-render.js";
export { schemaError } from "./k8s-schema.js";
export {
  checkManifests,
  isUptopImage,
  memoryMiB,
  heapCapMiB,
  APP_USER_ID,
  HEAP_SHARE_OF_LIMIT,
  type ManifestCheckOptions,
} from "./k8s-invariants.js";
export {
  checkCompose,
  parseCompose,
  isUptopService,
  REQUIRED_SECRETS,
  type ComposeFile,
} from "./compose-invariants.js";
export { parseDockerfile, checkDockerfile, finalStageEnv, type Stage, type DockerInstruction } from "./dockerfile.js";
export { checkCarriesCli, checkCarriesAdmin, CLI_DIR, CLI_BIN, ADMIN_BIN } from "./cli-in-image.js";
export { workspacePackages, productionClosure } from "./workspace-deps.js";
