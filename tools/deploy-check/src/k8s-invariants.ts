import { describeManifest as describe, type K8sObject, type Manifest } from "./manifests.js";

/* The slices of the Kubernetes types these checks read; everything is optional because the
   point is to report what a hand-written manifest forgot. */
interface Probe {
  httpGet?: { path?: string; port?: string | number };
  exec?: { command?: string[] };
  tcpSocket?: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string };
  };
}
interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
}
interface PodSpec {
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { labelSelector?: LabelSelector; topologyKey?: string }[];
    };
  };
  containers?: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  volumes?: { name: string; persistentVolumeClaim?: { claimName?: string } }[];
}
interface WorkloadSpec {
  replicas?: number;
  strategy?: { type?: string };
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
  volumeClaimTemplates?: { metadata?: { name?: string } }[];
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
export const APP_USER_ID = 10001;
/** Variables node itself reads; the only non-UPTOP_* names an uptop container may set. */
const NODE_RUNTIME_ENV = new Set(["NODE_OPTIONS"]);
/**
 * The V8 old-space cap may take at most this share of the container's memory limit. The rest is
 * headroom for what the cap does not count: the young generation, code, buffers, the native heap.
 */
export const HEAP_SHARE_OF_LIMIT = 0.75;

/** An uptop container (as opposed to Postgres): it runs one of our images. */
export function isUptopImage(image: string | undefined): boolean {
  return /(^|\/)uptop-(leader|follower|probe)(:|@|$)/.test(image ?? "");
}

function ns(o: K8sObject): string {
  return o.metadata.namespace ?? "default";
}

function workloads(ms: readonly Manifest[]): Manifest[] {
  return ms.filter((m) => WORKLOAD_KINDS.has(m.object.kind));
}

function spec(m: Manifest): WorkloadSpec {
  return (m.object.spec ?? {}) as WorkloadSpec;
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * The path each probe of an uptop container must ask, by app. Liveness and start-up ask
 * /api/health, which a standby passes (on /api/ready a standby follower would be killed, or
 * never start). Readiness asks /api/ready on leader and follower, so only the active one takes
 * traffic; a probe node has no such notion and stays on /api/health.
 */
function probePath(app: string | null, name: ProbeName): string {
  return name === "readinessProbe" && (app === "leader" || app === "follower") ? "/api/ready" : "/api/health";
}

type ProbeName = "startupProbe" | "livenessProbe" | "readinessProbe";

function checkProbe(where: string, name: ProbeName, c: Container, required = true): string[] {
  const probe = c[name];
  if (!probe) return required ? [`${where}: no ${name}`] : [];
  const app = appOf(c.image);
  const path = probePath(app, name);
  if (app !== null && probe.httpGet?.path !== path) return [`${where}: ${name} is not an httpGet on ${path}`];
  if (!probe.httpGet && !probe.exec && !probe.tcpSocket) return [`${where}: ${name} has no handler`];
  return [];
}

function checkSecurity(where: string, c: Container, pod: SecurityContext | undefined, uptop: boolean): string[] {
  const sc = c.securityContext ?? {};
  const problems: string[] = [];
  if ((sc.runAsNonRoot ?? pod?.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
  if (uptop && (sc.runAsUser ?? pod?.runAsUser) !== APP_USER_ID)
    problems.push(`${where}: runAsUser is not ${APP_USER_ID}`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
  if (!sc.capabilities?.drop?.includes("ALL")) problems.push(`${where}: capabilities do not drop ALL`);
  // NET_RAW is the one capability ICMP could ever want; anything else is a mistake.
  for (const cap of sc.capabilities?.add ?? []) {
    if (cap !== "NET_RAW") problems.push(`${where}: adds capability ${cap}`);
  }
  return problems;
}

function checkResources(where: string, c: Container): string[] {
  const problems: string[] = [];
  for (const kind of ["requests", "limits"] as const) {
    for (const r of ["cpu", "memory"]) {
      if (!c.resources?.[kind]?.[r]) problems.push(`${where}: no ${kind}.${r}`);
    }
  }
  return problems;
}

const QUANTITY_MIB: Record<string, number> = {
  "": 1 / 2 ** 20,
  k: 1000 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
};

/** A Kubernetes memory quantity ("512Mi", "1Gi", "500M", "268435456") in MiB; null if unreadable. */
export function memoryMiB(quantity: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity ?? "");
  return m ? Number(m[1]) * QUANTITY_MIB[m[2] ?? ""]! : null;
}

/** The --max-old-space-size (MiB) a NODE_OPTIONS value sets, or null. */
export function heapCapMiB(nodeOptions: string | undefined): number | null {
  const m = /(?:^|\s)--max[-_]old[-_]space[-_]size[= ](\d+)(?:\s|$)/.exec(nodeOptions ?? "");
  return m ? Number(m[1]) : null;
}

/** The app an uptop image runs (leader, follower, probe). */
function appOf(image: string | undefined): string | null {
  return /(?:^|\/)uptop-(leader|follower|probe)(?::|@|$)/.exec(image ?? "")?.[1] ?? null;
}

/**
 * V8 grows its heap up to the cap before it collects hard; a cap above the container's limit
 * means the kernel kills the pod first. The cap is the container's NODE_OPTIONS, else the one its
 * image sets (`imageNodeOptions`, by app).
 */
function checkHeapFits(where: string, c: Container, imageNodeOptions: Readonly<Record<string, string>>): string[] {
  const limit = memoryMiB(c.resources?.limits?.memory);
  if (limit === null) return [];
  const own = c.env?.find((e) => e.name === "NODE_OPTIONS");
  const nodeOptions = own ? own.value : imageNodeOptions[appOf(c.image) ?? ""];
  const cap = heapCapMiB(nodeOptions);
  if (cap === null)
    return [
      `${where}: no heap cap (NODE_OPTIONS=--max-old-space-size=N) under its ${c.resources?.limits?.memory} memory limit`,
    ];
  const max = Math.floor(limit * HEAP_SHARE_OF_LIMIT);
  if (cap > max) {
    return [
      `${where}: heap cap ${cap} MiB${own ? "" : " (from the image)"} leaves no headroom under its ${c.resources?.limits?.memory} memory limit (at most ${max} MiB)`,
    ];
  }
  return [];
}

interface Index {
  secrets: Map<string, Set<string>>;
  configMaps: Map<string, Set<string>>;
  pvcs: Set<string>;
}

function indexObjects(ms: readonly Manifest[]): Index {
  const secrets = new Map<string, Set<string>>();
  const configMaps = new Map<string, Set<string>>();
  const pvcs = new Set<string>();
  for (const { object: o } of ms) {
    const id = `${ns(o)}/${o.metadata.name}`;
    const keysOf = (...maps: unknown[]) =>
      new Set(maps.flatMap((x) => (x && typeof x === "object" ? Object.keys(x) : [])));
    if (o.kind === "Secret") secrets.set(id, keysOf(o.data, o.stringData));
    if (o.kind === "ConfigMap") configMaps.set(id, keysOf(o.data));
    if (o.kind === "PersistentVolumeClaim") pvcs.add(id);
  }
  return { secrets, configMaps, pvcs };
}

function checkRefs(
  where: string,
  namespace: string,
  c: Container,
  idx: Index,
  knownEnv: ReadonlySet<string>,
  uptop: boolean,
): string[] {
  const problems: string[] = [];
  const names: string[] = [];
  for (const e of c.env ?? []) {
    names.push(e.name);
    const s = e.valueFrom?.secretKeyRef;
    if (s && !idx.secrets.get(`${namespace}/${s.name}`)?.has(s.key ?? "")) {
      problems.push(`${where}: env ${e.name} reads secret ${s.name}/${s.key}, which does not exist`);
    }
    const cm = e.valueFrom?.configMapKeyRef;
    if (cm && !idx.configMaps.get(`${namespace}/${cm.name}`)?.has(cm.key ?? "")) {
      problems.push(`${where}: env ${e.name} reads configmap ${cm.name}/${cm.key}, which does not exist`);
    }
  }
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const keys = idx.configMaps.get(`${namespace}/${from.configMapRef.name}`);
      if (!keys) problems.push(`${where}: envFrom configmap ${from.configMapRef.name} does not exist`);
      names.push(...(keys ?? []));
    }
    if (from.secretRef) {
      const keys = idx.secrets.get(`${namespace}/${from.secretRef.name}`);
      if (!keys) problems.push(`${where}: envFrom secret ${from.secretRef.name} does not exist`);
      names.push(...(keys ?? []));
    }
  }
  if (uptop) {
    for (const n of names)
      if (!knownEnv.has(n) && !NODE_RUNTIME_ENV.has(n))
        problems.push(`${where}: ${n} is not a variable uptop reads (.env.example)`);
  }
  return problems;
}

function checkMounts(
  where: string,
  c: Container,
  pod: PodSpec,
  claimTemplates: readonly string[],
  uptop: boolean,
): string[] {
  const volumes = new Set([...(pod.volumes ?? []).map((v) => v.name), ...claimTemplates]);
  const problems = (c.volumeMounts ?? [])
    .filter((vm) => !volumes.has(vm.name))
    .map((vm) => `${where}: mounts volume ${vm.name}, which the pod does not define`);
  // A read-only root leaves only mounted folders writable: the app writes /data and /tmp.
  const paths = new Set((c.volumeMounts ?? []).map((vm) => vm.mountPath));
  if (uptop) for (const p of ["/tmp", "/data"]) if (!paths.has(p)) problems.push(`${where}: nothing mounted at ${p}`);
  return problems;
}

/** The uptop app a workload runs (its first uptop container's), or null. */
function workloadApp(m: Manifest): string | null {
  for (const c of spec(m).template?.spec?.containers ?? []) if (isUptopImage(c.image)) return appOf(c.image);
  return null;
}

/** An image with an explicit version: a tag other than `latest`, or a digest. */
function pinned(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== "latest";
}

/** Leader and follower may never share a node: each holds a required anti-affinity to the other. */
function checkApart(serving: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of serving) {
    for (const other of serving.filter((o) => workloadApp(o) !== workloadApp(m))) {
      const terms =
        spec(m).template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      const apart = terms.some(
        (t) =>
          t.topologyKey === "kubernetes.io/hostname" &&
          Object.keys(t.labelSelector?.matchLabels ?? {}).length > 0 &&
          labelsMatch(t.labelSelector?.matchLabels ?? {}, spec(other).template?.metadata?.labels),
      );
      if (!apart)
        problems.push(
          `${describe(m)}: may share a node with the ${workloadApp(other)} (no required podAntiAffinity ` +
            "against it on kubernetes.io/hostname): losing that node would leave no one to take over",
        );
    }
  }
  return problems;
}

/**
 * A standby is never Ready (readiness is "active"), so a disruption budget over leader or
 * follower counts the active node as the last one up and blocks every drain of its node.
 */
function checkBudgets(ms: readonly Manifest[], serving: readonly Manifest[]): string[] {
  return ms
    .filter((m) => m.object.kind === "PodDisruptionBudget")
    .flatMap((m) => {
      const selector = (m.object.spec as { selector?: LabelSelector } | undefined)?.selector?.matchLabels ?? {};
      return serving
        .filter((w) => ns(w.object) === ns(m.object) && labelsMatch(selector, spec(w).template?.metadata?.labels))
        .map(
          (w) =>
            `${describe(m)}: selects the ${workloadApp(w)}, whose standby is never Ready: it would block every ` +
            "drain of the active node's node",
        );
    });
}

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: { from?: unknown[]; ports?: { port?: string | number }[] }[];
}

/**
 * Once a NetworkPolicy selects leader or follower, one of them must let every source in on the
 * http port: users, push senders and probes elsewhere come from addresses no selector names.
 */
function checkReachable(ms: readonly Manifest[], serving: readonly Manifest[]): string[] {
  const policies = ms.filter((m) => m.object.kind === "NetworkPolicy");
  return serving.flatMap((w) => {
    const selecting = policies
      .filter((p) => ns(p.object) === ns(w.object))
      .map((p) => (p.object.spec ?? {}) as PolicySpec)
      .filter(
        (p) =>
          (p.policyTypes ?? ["Ingress"]).includes("Ingress") &&
          labelsMatch(p.podSelector?.matchLabels ?? {}, spec(w).template?.metadata?.labels),
      );
    if (selecting.length === 0) return [];
    const open = selecting.some((p) =>
      (p.ingress ?? []).some(
        (rule) =>
          (rule.from ?? []).length === 0 &&
          ((rule.ports ?? []).length === 0 || (rule.ports ?? []).some((x) => x.port === "http" || x.port === 8080)),
      ),
    );
    return open
      ? []
      : [`${describe(w)}: no NetworkPolicy lets every source in on port http: users, probes and its peer are cut off`];
  });
}

export interface ManifestCheckOptions {
  /** NODE_OPTIONS each image sets (by app: leader, follower, probe), read from its Dockerfile. */
  imageNodeOptions?: Readonly<Record<string, string>>;
}

/**
 * Every invariant the deploy manifests promise (see deploy/k8s/README.md). Returns one line per
 * violation; an empty list means the manifests hold.
 */
export function checkManifests(
  ms: readonly Manifest[],
  knownEnv: ReadonlySet<string>,
  options: ManifestCheckOptions = {},
): string[] {
  const problems: string[] = [];
  const idx = indexObjects(ms);

  for (const m of workloads(ms)) {
    const s = spec(m);
    const here = describe(m);
    const namespace = ns(m.object);
    const selector = s.selector?.matchLabels;
    if (!selector || Object.keys(selector).length === 0) problems.push(`${here}: no selector.matchLabels`);
    else if (!labelsMatch(selector, s.template?.metadata?.labels))
      problems.push(`${here}: selector does not match the template's labels`);

    const pod = s.template?.spec ?? {};
    const claimTemplates = (s.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? "");
    for (const v of pod.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim && !idx.pvcs.has(`${namespace}/${claim}`))
        problems.push(`${here}: volume ${v.name} claims ${claim}, which does not exist`);
    }
    const containers = pod.containers ?? [];
    if (containers.length === 0) problems.push(`${here}: no containers`);
    let runsLeader = false;
    for (const c of containers) {
      const where = `${here} container ${c.name}`;
      const uptop = isUptopImage(c.image);
      if (/(^|\/)uptop-leader(:|@|$)/.test(c.image ?? "")) runsLeader = true;
      if (uptop && !pinned(c.image ?? ""))
        problems.push(`${where}: image ${c.image} is not pinned to a version (set newTag in the kustomization)`);
      problems.push(
        ...checkProbe(where, "startupProbe", c, false),
        ...checkProbe(where, "livenessProbe", c),
        ...checkProbe(where, "readinessProbe", c),
        ...checkResources(where, c),
        ...checkSecurity(where, c, pod.securityContext, uptop),
        ...checkRefs(where, namespace, c, idx, knownEnv, uptop),
        ...checkMounts(where, c, pod, claimTemplates, uptop),
        ...(uptop ? checkHeapFits(where, c, options.imageNodeOptions ?? {}) : []),
      );
    }
    // Two leaders at once would both run checks and send alerts: one replica, and a rollout
    // that stops the old pod before starting the new one.
    if (runsLeader) {
      if (m.object.kind !== "Deployment") problems.push(`${here}: the leader must be a Deployment`);
      if (s.replicas !== 1) problems.push(`${here}: the leader must have replicas: 1`);
      if (s.strategy?.type !== "Recreate") problems.push(`${here}: the leader's strategy must be Recreate`);
    }
  }

  // The serving nodes (leader, follower) the given workloads run.
  const servingApps = (targets: readonly Manifest[]) =>
    new Set(
      targets
        .flatMap((w) => (spec(w).template?.spec?.containers ?? []).map((c) => appOf(c.image)))
        .filter((app) => app === "leader" || app === "follower"),
    );
  let routesToActive = false;
  const hasFollower = servingApps(workloads(ms)).has("follower");
  for (const m of ms.filter((x) => x.object.kind === "Service")) {
    const serviceSpec = (m.object.spec ?? {}) as {
      selector?: Record<string, string>;
      publishNotReadyAddresses?: boolean;
    };
    const selector = serviceSpec.selector;
    if (!selector || Object.keys(selector).length === 0) {
      problems.push(`${describe(m)}: no selector`);
      continue;
    }
    const targets = workloads(ms).filter(
      (w) => ns(w.object) === ns(m.object) && labelsMatch(selector, spec(w).template?.metadata?.labels),
    );
    if (targets.length === 0) problems.push(`${describe(m)}: selects no workload`);
    const apps = servingApps(targets);
    if (apps.size === 2) routesToActive = true;
    // One node's own Service is how its peers and probes reach it, ready (active) or not.
    else if (apps.size === 1 && serviceSpec.publishNotReadyAddresses !== true)
      problems.push(
        `${describe(m)}: selects only the ${[...apps][0]} without publishNotReadyAddresses: true, so its peers ` +
          "lose it whenever it is not the active node",
      );
  }
  if (hasFollower && !routesToActive)
    problems.push("no Service selects both the leader and the follower, to route users to the active one");
  const serving = workloads(ms).filter((w) => ["leader", "follower"].includes(workloadApp(w) ?? ""));
  problems.push(...checkApart(serving), ...checkBudgets(ms, serving), ...checkReachable(ms, serving));
  return problems;
}
