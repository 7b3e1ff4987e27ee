import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "@uptop/core";
import {
  checkManifests,
  finalStageEnv,
  heapCapMiB,
  kubectlAvailable,
  memoryMiB,
  parseDockerfile,
  parseEnvExample,
  renderKustomization,
  repoRoot,
  schemaError,
  type Manifest,
} from "../src/index.js";

const root = repoRoot();
const k8s = join(root, "deploy", "k8s");
// What `kubectl apply -k` sends is what must hold, so every check reads kustomize's output.
if (!kubectlAvailable()) {
  throw new Error(
    "kubectl is not installed: these tests render deploy/k8s with `kubectl kustomize` (no cluster needed)",
  );
}
const manifests = renderKustomization(join(k8s, "base"), root);
/** Every kustomization a user may apply, rendered once. */
const renders = Object.fromEntries(
  ["base", "overlays/external-postgres", "overlays/prometheus-operator"].map((dir) => [
    dir,
    renderKustomization(join(k8s, dir), root),
  ]),
);
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const knownEnv = parseEnvExample(readFileSync(join(root, ".env.example"), "utf8"));
// What each image sets when a manifest does not override it.
const imageNodeOptions = Object.fromEntries(
  ["leader", "follower", "probe"].flatMap((app) => {
    const env = finalStageEnv(
      parseDockerfile(readFileSync(join(root, "deploy", "docker", `${app}.Dockerfile`), "utf8")),
    );
    return env.NODE_OPTIONS ? [[app, env.NODE_OPTIONS]] : [];
  }),
);

function find(kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.object.kind === kind && x.object.metadata.name === name);
  if (!m) throw new Error(`${kind}/${name} missing`);
  return m;
}

/** A deep copy of the manifests with one object changed by `edit`. */
function mutated(kind: string, name: string, edit: (o: any) => void): Manifest[] {
  return manifests.map((m) => {
    const copy = structuredClone(m);
    if (m.object.kind === kind && m.object.metadata.name === name) edit(copy.object);
    return copy;
  });
}

const container = (o: any) => o.spec.template.spec.containers[0];

describe("kubernetes manifests", () => {
  it("parse into the expected objects", () => {
    const kinds = manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        "ConfigMap/uptop-config",
        "Deployment/uptop-leader",
        "Deployment/uptop-follower",
        "Service/uptop",
        "Service/uptop-leader",
        "Service/uptop-follower",
        "Secret/uptop-secrets",
        "StatefulSet/uptop-postgres-leader",
        "StatefulSet/uptop-postgres-follower",
        "PersistentVolumeClaim/uptop-leader-data",
        "NetworkPolicy/uptop-default-deny-ingress",
        "NetworkPolicy/uptop-serving-nodes",
        "NetworkPolicy/uptop-postgres-leader",
        "NetworkPolicy/uptop-postgres-follower",
        "PodDisruptionBudget/uptop-probes",
      ]),
    );
    const probes = manifests.filter(
      (m) => m.object.kind === "Deployment" && m.object.metadata.name.startsWith("uptop-probe-"),
    );
    expect(probes.length).toBeGreaterThanOrEqual(2);
  });

  it.each(manifests.map((m) => [`${m.file} ${m.object.kind}/${m.object.metadata.name}`, m] as const))(
    "%s matches the Kubernetes schema",
    async (_, m) => {
      expect(await schemaError(m.object)).toBeNull();
    },
  );

  it("hold every deploy invariant", () => {
    expect(checkManifests(manifests, knownEnv, { imageNodeOptions })).toEqual([]);
  });

  it("read the images' own heap cap from the Dockerfiles", () => {
    // If this changes, the fallback the heap check applies changes with it.
    expect(heapCapMiB(imageNodeOptions.leader)).toBe(1024);
    expect(heapCapMiB(imageNodeOptions.follower)).toBe(1024);
  });

  it("give every probe its own node id and region", () => {
    const env = manifests
      .filter((m) => m.object.metadata.name.startsWith("uptop-probe-"))
      .map((m) => Object.fromEntries(container(m.object).env.map((e: any) => [e.name, e.value])));
    expect(new Set(env.map((e) => e.UPTOP_NODE_ID)).size).toBe(env.length);
    expect(new Set(env.map((e) => e.UPTOP_NODE_REGION)).size).toBe(env.length);
    for (const e of env) expect(e.UPTOP_CLUSTER_MODE).toBe("probe");
  });

  it("mark the Secret's values as placeholders", () => {
    const secret = find("Secret", "uptop-secrets").object as any;
    for (const v of Object.values(secret.stringData)) expect(v).toBe("REPLACE-ME");
  });

  // Every uptop variable fed from the Secret, with the Secret's placeholder as its value.
  const fromSecret = manifests
    .filter((m) => m.object.kind === "Deployment")
    .flatMap((m) => container(m.object).env.filter((e: any) => e.valueFrom?.secretKeyRef))
    .map(
      (e: any) =>
        [e.name, (find("Secret", "uptop-secrets").object as any).stringData[e.valueFrom.secretKeyRef.key]] as const,
    );
  it.each([...new Map(fromSecret)])("a forgotten placeholder in %s stops uptop at start-up", (name, placeholder) => {
    // The rest of the environment is valid, so the error can only come from the placeholder.
    const env = { UPTOP_DB_TYPE: "postgres", UPTOP_DB_DSN: "postgres://uptop:pw@db:5432/uptop", [name]: placeholder };
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(name);
  });

  it("list every base file in the kustomization, and the overlay patches only existing objects", () => {
    const base = join(k8s, "base");
    const kustomization = parse(readFileSync(join(base, "kustomization.yaml"), "utf8"));
    const files = readdirSync(base).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());

    const overlay = parse(readFileSync(join(k8s, "overlays", "external-postgres", "kustomization.yaml"), "utf8"));
    expect(overlay.resources).toEqual(["../../base"]);
    for (const p of overlay.patches) {
      const target = parse(p.patch);
      expect(() => find(target.kind, target.metadata.name)).not.toThrow();
    }
  });
});

describe.each(Object.keys(renders))("kubectl kustomize %s", (dir) => {
  const rendered = renders[dir]!;

  it.each(rendered.map((m) => [`${m.object.kind}/${m.object.metadata.name}`, m] as const))(
    "renders %s valid against its schema",
    async (_, m) => {
      expect(await schemaError(m.object)).toBeNull();
    },
  );

  it("holds every deploy invariant", () => {
    expect(checkManifests(rendered, knownEnv, { imageNodeOptions })).toEqual([]);
  });

  it(`pins every uptop image to this release (${version})`, () => {
    const images = rendered
      .filter((m) => m.object.kind === "Deployment")
      .flatMap((m) => container(m.object).image as string);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(new RegExp(`^uptop-(leader|follower|probe):${version}$`));
  });

  it("puts every object in the uptop namespace", () => {
    for (const m of rendered.filter((x) => x.object.kind !== "Namespace"))
      expect(m.object.metadata.namespace).toBe("uptop");
  });
});

describe("the overlays", () => {
  const kinds = (dir: string) => renders[dir]!.map((m) => `${m.object.kind}/${m.object.metadata.name}`);

  it("leave the Prometheus operator's kinds out of the base, so it applies on a cluster without them", () => {
    expect(renders.base!.filter((m) => m.object.apiVersion.startsWith("monitoring.coreos.com/"))).toEqual([]);
    expect(kinds("overlays/prometheus-operator")).toEqual(
      expect.arrayContaining(["ServiceMonitor/uptop", "Secret/uptop-metrics"]),
    );
  });

  it("give leader and follower the scrape-only token the ServiceMonitor sends", () => {
    const rendered = renders["overlays/prometheus-operator"]!;
    const monitor = rendered.find((m) => m.object.kind === "ServiceMonitor")!.object as any;
    const auth = monitor.spec.endpoints[0].authorization.credentials;
    for (const name of ["uptop-leader", "uptop-follower"]) {
      const d = rendered.find((m) => m.object.kind === "Deployment" && m.object.metadata.name === name)!.object;
      const env = container(d).env.find((e: any) => e.name === "UPTOP_METRICS_TOKEN");
      expect(env.valueFrom.secretKeyRef).toEqual({ name: auth.name, key: auth.key });
    }
    // A forgotten placeholder stops uptop at start-up, naming the variable.
    const secret = rendered.find((m) => m.object.metadata.name === auth.name)!.object as any;
    let thrown: unknown;
    try {
      loadConfig({ UPTOP_METRICS_TOKEN: secret.stringData[auth.key] });
    } catch (err) {
      thrown = err;
    }
    expect((thrown as ConfigError).variable).toBe("UPTOP_METRICS_TOKEN");
  });

  it("drop the bundled Postgres with its network policies in external-postgres", () => {
    expect(kinds("overlays/external-postgres").filter((k) => k.includes("postgres"))).toEqual([]);
  });

  it("pin the images in the base kustomization to the version in package.json", () => {
    const kustomization = parse(readFileSync(join(k8s, "base", "kustomization.yaml"), "utf8"));
    expect(kustomization.images.map((i: { newTag: string }) => i.newTag)).toEqual([version, version, version]);
    for (const app of ["leader", "follower", "probe"]) {
      const pkg = JSON.parse(readFileSync(join(root, "apps", app, "package.json"), "utf8")) as { version: string };
      expect(pkg.version).toBe(version);
    }
  });
});

describe("the manifest checker", () => {
  // biome-ignore format: a table reads best one case per line
  it.each<[string, string, string, (o: any) => void, RegExp]>([
    ["two leaders", "Deployment", "uptop-leader", (o) => (o.spec.replicas = 2), /replicas: 1/],
    ["a rolling leader", "Deployment", "uptop-leader", (o) => (o.spec.strategy = { type: "RollingUpdate" }), /Recreate/],
    ["no liveness probe", "Deployment", "uptop-follower", (o) => delete container(o).livenessProbe, /no livenessProbe/],
    ["a readiness probe elsewhere", "Deployment", "uptop-follower", (o) => (container(o).readinessProbe.httpGet.path = "/"), /readinessProbe is not an httpGet on \/api\/ready/],
    ["a standby follower taking users (ready on health)", "Deployment", "uptop-follower", (o) => (container(o).readinessProbe.httpGet.path = "/api/health"), /uptop-follower.*readinessProbe is not an httpGet on \/api\/ready/],
    ["a leader ready while it waits for the hand-back", "Deployment", "uptop-leader", (o) => (container(o).readinessProbe.httpGet.path = "/api/health"), /uptop-leader.*readinessProbe is not an httpGet on \/api\/ready/],
    ["a standby follower killed for not being active", "Deployment", "uptop-follower", (o) => (container(o).livenessProbe.httpGet.path = "/api/ready"), /livenessProbe is not an httpGet on \/api\/health/],
    ["a start-up that a standby never passes", "Deployment", "uptop-follower", (o) => (container(o).startupProbe.httpGet.path = "/api/ready"), /startupProbe is not an httpGet on \/api\/health/],
    ["a probe node asked whether it is active", "Deployment", "uptop-probe-eu-west", (o) => (container(o).readinessProbe.httpGet.path = "/api/ready"), /readinessProbe is not an httpGet on \/api\/health/],
    ["a leader its follower cannot see while it waits for the hand-back", "Service", "uptop-leader", (o) => delete o.spec.publishNotReadyAddresses, /Service\/uptop-leader.*publishNotReadyAddresses: true/],
    ["a standby its probes cannot reach", "Service", "uptop-follower", (o) => (o.spec.publishNotReadyAddresses = false), /Service\/uptop-follower.*publishNotReadyAddresses: true/],
    ["no Service for the active node", "Service", "uptop", (o) => (o.spec.selector["app.kubernetes.io/name"] = "uptop-leader"), /no Service selects both the leader and the follower/],
    ["no limits", "Deployment", "uptop-probe-eu-west", (o) => delete container(o).resources.limits, /no limits\.cpu/],
    ["root", "Deployment", "uptop-leader", (o) => (o.spec.template.spec.securityContext.runAsNonRoot = false), /runAsNonRoot/],
    ["a writable root", "StatefulSet", "uptop-postgres-leader", (o) => (container(o).securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem/],
    ["kept capabilities", "Deployment", "uptop-leader", (o) => (container(o).securityContext.capabilities.drop = []), /drop ALL/],
    ["an added capability", "Deployment", "uptop-leader", (o) => (container(o).securityContext.capabilities.add = ["SYS_ADMIN"]), /adds capability SYS_ADMIN/],
    ["a selector typo", "Deployment", "uptop-follower", (o) => (o.spec.selector.matchLabels["app.kubernetes.io/name"] = "uptop-folower"), /selector does not match/],
    ["a Service to nowhere", "Service", "uptop-leader", (o) => (o.spec.selector["app.kubernetes.io/name"] = "nope"), /selects no workload/],
    ["an unknown variable", "Deployment", "uptop-leader", (o) => container(o).env.push({ name: "UPTOP_DB_URL", value: "x" }), /UPTOP_DB_URL is not a variable/],
    ["a missing secret key", "Deployment", "uptop-leader", (o) => (container(o).env.find((e: any) => e.name === "UPTOP_DB_DSN").valueFrom.secretKeyRef.key = "dsn"), /secret uptop-secrets\/dsn, which does not exist/],
    ["no /tmp", "Deployment", "uptop-probe-us-east", (o) => (container(o).volumeMounts = container(o).volumeMounts.filter((v: any) => v.mountPath !== "/tmp")), /nothing mounted at \/tmp/],
    ["a missing claim", "Deployment", "uptop-leader", (o) => (o.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName = "gone"), /claims gone/],
    ["a heap cap at the memory limit", "Deployment", "uptop-leader", (o) => (container(o).env.find((e: any) => e.name === "NODE_OPTIONS").value = "--max-old-space-size=512"), /heap cap 512 MiB leaves no headroom under its 512Mi memory limit \(at most 384 MiB\)/],
    ["a limit lowered below the heap cap", "Deployment", "uptop-follower", (o) => (container(o).resources.limits.memory = "256Mi"), /heap cap 384 MiB leaves no headroom under its 256Mi/],
    ["the image's 1 GB cap under a 512Mi limit", "Deployment", "uptop-follower", (o) => (container(o).env = container(o).env.filter((e: any) => e.name !== "NODE_OPTIONS")), /heap cap 1024 MiB \(from the image\) leaves no headroom/],
    ["a follower allowed on the leader's node", "Deployment", "uptop-follower", (o) => delete o.spec.template.spec.affinity, /Deployment\/uptop-follower: may share a node with the leader/],
    ["an anti-affinity by zone only", "Deployment", "uptop-leader", (o) => (o.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey = "topology.kubernetes.io/zone"), /uptop-leader: may share a node with the follower/],
    ["a budget over the serving nodes", "PodDisruptionBudget", "uptop-probes", (o) => (o.spec.selector.matchLabels = { "uptop/serving-node": "true" }), /uptop-probes: selects the leader, whose standby is never Ready/],
    ["the serving nodes cut off by the default deny", "NetworkPolicy", "uptop-serving-nodes", (o) => (o.spec.ingress[0].from = [{ podSelector: {} }]), /uptop-leader: no NetworkPolicy lets every source in on port http/],
    ["an unpinned image", "Deployment", "uptop-probe-eu-west", (o) => (container(o).image = "uptop-probe:latest"), /image uptop-probe:latest is not pinned/],
    ["an image with no tag", "Deployment", "uptop-leader", (o) => (container(o).image = "registry.example.com:5000/uptop-leader"), /is not pinned/],
    ["no heap cap at all", "Deployment", "uptop-probe-eu-west", (o) => (container(o).env = container(o).env.filter((e: any) => e.name !== "NODE_OPTIONS")), /no heap cap/],
  ])("catches %s", (_, kind, name, edit, expected) => {
    const problems = checkManifests(mutated(kind, name, edit), knownEnv, { imageNodeOptions });
    expect(problems.join("\n")).toMatch(expected);
  });

  it.each<[string, number | null]>([
    ["512Mi", 512],
    ["1Gi", 1024],
    ["1536Ki", 1.5],
    ["500M", (1e6 * 500) / 2 ** 20],
    ["268435456", 256],
    ["lots", null],
  ])("reads the memory quantity %s as %p MiB", (q, mib) => {
    expect(memoryMiB(q)).toBe(mib);
  });

  it.each<[string, number | null]>([
    ["--max-old-space-size=384", 384],
    ["--enable-source-maps --max-old-space-size=192", 192],
    ["--max_old_space_size=256", 256],
    ["--max-semi-space-size=16", null],
    ["", null],
  ])("reads the heap cap of NODE_OPTIONS %p as %p", (v, mib) => {
    expect(heapCapMiB(v)).toBe(mib);
  });

  it("reports a schema violation", async () => {
    const bad = structuredClone(find("Deployment", "uptop-leader").object) as any;
    container(bad).ports[0].containerPort = "eighty";
    expect(await schemaError(bad)).toMatch(/containerPort/);
    expect(await schemaError({ ...bad, kind: "Deploymnet" })).toMatch(/unknown kind/);
  });
});
