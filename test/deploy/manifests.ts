/** The Kubernetes manifests of deploy/kubernetes/, read as kubectl would read them. */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainer } from "kubernetes-models/v1/Container";
import { packageRoot } from "../../src/package-root.js";

export const KUBERNETES_DIR = join(packageRoot(), "deploy", "kubernetes");

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The schema of each kind we ship, from kubernetes-models (the Kubernetes OpenAPI). */
const MODELS: Record<string, { validate(data: Manifest): void }> = {
  "apps/v1 Deployment": { validate: (data) => new Deployment(data as never).validate() },
  "v1 Service": { validate: (data) => new Service(data as never).validate() },
  "v1 ConfigMap": { validate: (data) => new ConfigMap(data as never).validate() },
  "v1 Secret": { validate: (data) => new Secret(data as never).validate() },
  "policy/v1 PodDisruptionBudget": {
    validate: (data) => new PodDisruptionBudget(data as never).validate(),
  },
  "networking.k8s.io/v1 Ingress": { validate: (data) => new Ingress(data as never).validate() },
};

/** Throws, naming the object, when it does not match its kind's schema or the kind is not ours. */
export function validateManifest(manifest: Manifest): void {
  const key = `${manifest.apiVersion} ${manifest.kind}`;
  const model = MODELS[key];
  if (!model) throw new Error(`${key} ${manifest.metadata?.name}: no schema for this kind`);
  try {
    model.validate(manifest);
  } catch (error) {
    throw new Error(`${key} ${manifest.metadata.name}: ${(error as Error).message}`);
  }
}

/** Every document of a YAML stream. Kubernetes reads YAML 1.1 (0440 is octal there). */
export function parseManifests(text: string, where: string): Manifest[] {
  return parseAllDocuments(text, { version: "1.1" }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0]?.message}`);
    return doc.toJSON() as Manifest;
  });
}

export function readManifests(file: string): Manifest[] {
  return parseManifests(readFileSync(join(KUBERNETES_DIR, file), "utf8"), file);
}

export interface Kustomization {
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  configMapGenerator: { name: string; files: string[] }[];
  secretGenerator: { name: string; files: string[] }[];
}

export function readKustomization(): Kustomization {
  const [doc] = readManifests("kustomization.yaml");
  return doc as unknown as Kustomization;
}

/** The file a generator entry reads (`key=path` or `path`) and the key it becomes. */
export function generatorFile(entry: string): { key: string; path: string } {
  const [key, path] = entry.includes("=") ? entry.split("=", 2) : [entry, entry];
  return { key: key!.split("/").pop()!, path: path! };
}

export function deploymentOf(manifests: Manifest[]): IDeployment & Manifest {
  const found = manifests.filter((m) => m.kind === "Deployment");
  if (found.length !== 1) throw new Error(`expected one Deployment, found ${found.length}`);
  return found[0] as IDeployment & Manifest;
}

export function workerContainer(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  if (containers.length !== 1) throw new Error(`expected one container, got ${containers.length}`);
  return containers[0]!;
}

/** The container's env as the worker would see it (plain values only). */
export function containerEnv(container: IContainer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value === undefined) throw new Error(`${variable.name}: not a plain value`);
    env[variable.name] = variable.value;
  }
  return env;
}

/**
 * A copy of deploy/kubernetes with the secret files an operator writes, so kustomize can
 * build it. Returns the copy's directory.
 */
export function copyWithSecrets(secrets: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "commonroom-k8s-"));
  cpSync(KUBERNETES_DIR, dir, { recursive: true });
  for (const [path, value] of Object.entries(secrets)) writeFileSync(join(dir, path), value);
  return dir;
}

/** kubectl's built-in kustomize, when kubectl is installed; undefined when it is not. */
export function kubectlKustomize(dir: string): Manifest[] | undefined {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  const rendered = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  return parseManifests(rendered, `kubectl kustomize ${dir}`);
}
