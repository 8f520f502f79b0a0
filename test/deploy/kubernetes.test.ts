import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { packageRoot } from "../../src/package-root.js";
import { operations, taskTypeOf } from "../../src/operations/index.js";
import { WEBHOOK_PATH } from "../../src/webhooks/listener.js";
import { startHealthServer } from "../../src/worker/http.js";
import { pollerSettings } from "../../src/worker/settings.js";
import {
  KUBERNETES_DIR,
  containerEnv,
  copyWithSecrets,
  deploymentOf,
  generatorFile,
  kubectlKustomize,
  readKustomization,
  readManifests,
  validateManifest,
  workerContainer,
  type Manifest,
} from "./manifests.js";

/**
 * deploy/kubernetes/ against the Kubernetes schemas and against the program itself: the
 * ports, paths, variable names, grace period and user that the manifests state must be the
 * ones the worker uses, so the two cannot drift apart.
 */

const kustomization = readKustomization();
const resources = kustomization.resources.flatMap((file) => readManifests(file));
const deployment = deploymentOf(resources);
const container = workerContainer(deployment);
const env = containerEnv(container);
const podSpec = deployment.spec!.template.spec!;
const podLabels = deployment.spec!.template.metadata!.labels!;
const volumeOf = (name: string) => podSpec.volumes!.find((v) => v.name === name)!;
const mountOf = (volume: string) => container.volumeMounts!.find((m) => m.name === volume)!;
const portNamed = (name: string) => container.ports!.find((p) => p.name === name)!.containerPort;

const configMapGenerator = kustomization.configMapGenerator[0]!;
const secretGenerator = kustomization.secretGenerator[0]!;
const configFiles = configMapGenerator.files.map(generatorFile);
const secretFiles = secretGenerator.files.map(generatorFile);
const configVolume = podSpec.volumes!.find((v) => v.configMap?.name === configMapGenerator.name);
const secretVolume = podSpec.volumes!.find((v) => v.secret?.secretName === secretGenerator.name);
const configMount = mountOf(configVolume!.name).mountPath;
const secretMount = mountOf(secretVolume!.name).mountPath;

/** Placeholder secrets as an operator would write them, long enough for a webhook secret. */
const SECRETS = Object.fromEntries(
  secretFiles.map(({ path }, i) => [path, `placeholder-secret-value-${i}-0123456789`]),
);

/**
 * The configuration the pod would load: its env, with the ConfigMap's and the Secret's
 * files laid out in a directory that stands for the two mounts.
 */
function podConfiguration() {
  const root = mkdtempSync(join(tmpdir(), "commonroom-pod-"));
  const remap = (path: string) =>
    path.startsWith(configMount) || path.startsWith(secretMount) ? join(root, path) : path;
  for (const { key, path } of configFiles) {
    const target = join(root, configMount, key);
    mkdirSync(dirname(target), { recursive: true });
    // File paths inside the files (secretFile, apiTokenFile) point into the mounts too.
    const text = readFileSync(join(KUBERNETES_DIR, path), "utf8").replace(
      new RegExp(`"(${secretMount}/[^"]+)"`, "g"),
      (_, inner: string) => JSON.stringify(remap(inner)),
    );
    writeFileSync(target, text);
  }
  for (const { key, path } of secretFiles) {
    const target = join(root, secretMount, key);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, SECRETS[path]!);
  }
  const remapped = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, remap(value)]),
  );
  return loadConfig(remapped, { requireConductor: true });
}

describe("deploy/kubernetes manifests", () => {
  it("match the Kubernetes schemas: each manifest, the generated ConfigMap and Secret, the Ingress example", () => {
    const all = [...resources, ...readManifests("ingress.example.yaml")];
    expect(all.map((m) => m.kind).sort()).toEqual(
      ["Deployment", "Ingress", "PodDisruptionBudget", "Service"].sort(),
    );
    for (const manifest of all) validateManifest(manifest);
    // What the generators make, as kustomize makes it (its output is checked below too).
    const generated: Manifest[] = [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configMapGenerator.name },
        data: Object.fromEntries(
          configFiles.map(({ key, path }) => [
            key,
            readFileSync(join(KUBERNETES_DIR, path), "utf8"),
          ]),
        ),
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretGenerator.name },
        type: "Opaque",
        data: Object.fromEntries(
          secretFiles.map(({ key, path }) => [key, Buffer.from(SECRETS[path]!).toString("base64")]),
        ),
      },
    ];
    for (const manifest of generated) validateManifest(manifest);
  });

  it("are refused by the schema check when a field has the wrong type", () => {
    // The check can fail: a port given as a word, a replica count as a string.
    const broken = structuredClone(deployment) as unknown as Manifest & {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = "two";
    expect(() => validateManifest(broken)).toThrow(/replicas must be integer/);
  });

  it("name every file kustomize reads, and the files exist (secrets are the operator's)", () => {
    for (const file of kustomization.resources)
      expect(existsSync(join(KUBERNETES_DIR, file))).toBe(true);
    for (const { path } of configFiles)
      expect(existsSync(join(KUBERNETES_DIR, path)), path).toBe(true);
    // The secret files are written by the operator and never committed.
    const ignore = readFileSync(join(KUBERNETES_DIR, "secrets", ".gitignore"), "utf8");
    expect(ignore).toMatch(/^\*$/m);
    for (const { path } of secretFiles) expect(path.startsWith("secrets/"), path).toBe(true);
    expect(kustomization.images?.map((i) => i.name)).toContain(container.image);
    // The release this kustomization was written for: a version bump must bump its tag too.
    const { version } = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
      version: string;
    };
    expect(kustomization.images?.find((i) => i.name === container.image)?.newTag).toBe(version);
  });

  it("give the worker a configuration it loads: token and webhook secrets read from files", () => {
    const config = podConfiguration();
    expect(config.integrations.get(config.defaultIntegration)?.apiToken).toBe(
      SECRETS[secretFiles.find((f) => env.COMMON_ROOM_API_TOKEN_FILE?.endsWith(f.key))!.path],
    );
    expect(config.webhooks?.webhooks.map((w) => w.name)).toEqual(["new-contacts"]);
    // No secret is given as a plain value: only *_FILE paths into the Secret's mount.
    for (const [name, value] of Object.entries(env)) {
      if (/TOKEN|SECRET|PASSWORD/.test(name)) {
        expect(name, `${name} should be read from a file`).toMatch(/_FILE$/);
        expect(value.startsWith(`${secretMount}/`)).toBe(true);
        expect(secretFiles.map((f) => f.key)).toContain(posix.basename(value));
      }
    }
    for (const name of ["COMMON_ROOM_INTEGRATIONS_FILE", "COMMON_ROOM_WEBHOOKS_FILE"]) {
      expect(posix.dirname(env[name]!)).toBe(configMount);
      expect(configFiles.map((f) => f.key)).toContain(posix.basename(env[name]!));
    }
  });

  it("set only variables the worker reads", () => {
    const source = readFileSync(join(packageRoot(), "src", "config.ts"), "utf8");
    const known = new Set(
      [...source.matchAll(/(?:readVariable|parseVariable)\(\s*env,\s*"([A-Z0-9_]+)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(known.size).toBeGreaterThan(10);
    for (const name of Object.keys(env)) {
      if (name.startsWith("CONDUCTOR_WORKER_ALL_")) {
        // The SDK's worker settings, read by settings.ts: a wrong value or name shows there.
        expect(["CONCURRENCY", "POLL_TIMEOUT", "POLL_INTERVAL", "DOMAIN", "PAUSED"]).toContain(
          name.slice("CONDUCTOR_WORKER_ALL_".length),
        );
        continue;
      }
      // NAME_FILE is the file form of NAME, unless NAME_FILE is itself a variable.
      const read = known.has(name) ? name : name.replace(/_FILE$/, "");
      expect(known, `${name} is not read by src/config.ts`).toContain(read);
    }
    const config = podConfiguration();
    expect(pollerSettings("any", config.workerOverrides).concurrency).toBe(
      Number(env.CONDUCTOR_WORKER_ALL_CONCURRENCY),
    );
  });

  it("open the ports the worker binds, and probe the paths it serves", async () => {
    const config = podConfiguration();
    expect(portNamed("metrics")).toBe(config.httpPort);
    expect(portNamed("webhooks")).toBe(config.webhooks?.port);
    const annotations = deployment.spec!.template.metadata!.annotations!;
    expect(Number(annotations["prometheus.io/port"])).toBe(config.httpPort);

    // The probes and the scrape path, asked of the worker's own endpoint server.
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      state: () => "polling",
      registry: new Registry(),
    });
    try {
      const probes = [container.livenessProbe!, container.readinessProbe!];
      for (const probe of probes) expect(probe.httpGet?.port).toBe("metrics");
      expect(probes.map((p) => p.httpGet?.path)).toEqual(["/healthz", "/readyz"]);
      for (const path of [
        ...probes.map((p) => p.httpGet!.path!),
        annotations["prometheus.io/path"],
      ]) {
        const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
        expect(response.status, path).toBe(200);
      }
    } finally {
      await server.close();
    }
  });

  it("give the drain its whole SHUTDOWN_TIMEOUT_MS plus one long poll before the kill", () => {
    const config = podConfiguration();
    const longPolls = operations.map(
      (op) =>
        pollerSettings(taskTypeOf(op, config.taskPrefix), config.workerOverrides).pollTimeoutMs,
    );
    const longest = Math.max(...longPolls);
    expect(podSpec.terminationGracePeriodSeconds).toBe(
      Math.ceil((config.shutdownTimeoutMs + longest) / 1000),
    );
  });

  it("run as the image's unprivileged user, read-only, with nothing extra", () => {
    const dockerfile = readFileSync(join(packageRoot(), "Dockerfile"), "utf8");
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe("node");
    // The official Node images' node user, which scripts/image/base.sh recreates.
    const base = readFileSync(join(packageRoot(), "scripts", "image", "base.sh"), "utf8");
    const uid = Number(/useradd --uid (\d+)[^\n]* node$/m.exec(base)?.[1]);
    expect(podSpec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(secretVolume?.secret?.defaultMode).toBe(0o440);
  });

  it("ask for the memory and CPU measured in BENCHMARKS.md", () => {
    const benchmarks = readFileSync(join(packageRoot(), "BENCHMARKS.md"), "utf8");
    const peaks = [...benchmarks.matchAll(/peak RSS MB \(sampled \/ VmHWM\)\s*\|\s*\d+ \/ (\d+)/g)];
    expect(peaks.length).toBeGreaterThan(0);
    const peakMiB = (Math.max(...peaks.map((m) => Number(m[1]))) * 1e6) / 2 ** 20;
    const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1]);
    const { requests, limits } = container.resources as {
      requests: Record<string, string>;
      limits: Record<string, string>;
    };
    expect(mebibytes(requests.memory!)).toBeGreaterThanOrEqual(peakMiB);
    expect(mebibytes(limits.memory!)).toBeGreaterThanOrEqual(1.5 * peakMiB);
    expect(requests.cpu).toMatch(/^\d+m$/);
  });

  it("select the Deployment's pods from the Service and the PodDisruptionBudget", () => {
    for (const manifest of resources.filter((m) => m.kind !== "Deployment")) {
      const spec = manifest.spec as {
        selector: Record<string, string> & { matchLabels?: Record<string, string> };
      };
      const selector = spec.selector.matchLabels ?? spec.selector;
      expect(podLabels, manifest.kind).toMatchObject(selector);
    }
    expect(podLabels).toMatchObject(deployment.spec!.selector.matchLabels!);
    const service = resources.find((m) => m.kind === "Service")!;
    const [port] = (service.spec as { ports: { targetPort: string }[] }).ports;
    expect(port?.targetPort).toBe("webhooks");
  });

  it("route the Ingress example's path to the webhook listener's URLs", () => {
    const [ingress] = readManifests("ingress.example.yaml") as unknown as {
      spec: {
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      };
    }[];
    const route = ingress!.spec.rules[0]!.http.paths[0]!;
    const service = resources.find((m) => m.kind === "Service")!;
    expect(route.backend.service.name).toBe(service.metadata.name);
    for (const webhook of podConfiguration().webhooks!.webhooks) {
      expect(`${route.path}${webhook.name}`).toMatch(WEBHOOK_PATH);
    }
  });

  it("build with kubectl's kustomize into valid objects that refer to the generated names", (context) => {
    const dir = copyWithSecrets(SECRETS);
    const rendered = kubectlKustomize(dir);
    if (!rendered) {
      console.warn(
        "SKIPPED: kubectl is not installed, so `kubectl kustomize` was not run (.ci/run installs it)",
      );
      context.skip();
      return;
    }
    for (const manifest of rendered) validateManifest(manifest);
    const kinds = rendered.map((m) => m.kind).sort();
    expect(kinds).toEqual(["ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service"]);
    const built = deploymentOf(rendered);
    const volumes = built.spec!.template.spec!.volumes!;
    const names = (kind: string) =>
      rendered.filter((m) => m.kind === kind).map((m) => m.metadata.name);
    expect(names("ConfigMap")).toContain(volumes.find((v) => v.configMap)?.configMap?.name);
    expect(names("Secret")).toContain(volumes.find((v) => v.secret)?.secret?.secretName);
    const secret = rendered.find((m) => m.kind === "Secret") as Manifest & {
      data: Record<string, string>;
    };
    expect(Object.keys(secret.data).sort()).toEqual(secretFiles.map((f) => f.key).sort());
    expect(volumeOf(secretVolume!.name)).toBeDefined();
  });
});
