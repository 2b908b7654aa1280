// Renders a kustomization folder the way `kubectl kustomize` does, for the subset the product's
// manifests use: resources (files and folders), namespace, images, replicas, and patches that
// are inline JSON patches (RFC 6902) with a target by kind / name. Anything else in a
// kustomization.yaml is refused rather than ignored, so the checks never pass on a file they did
// not understand. Written because CI machines need not have kubectl; where kubectl is installed,
// k8s-manifests.test.ts checks that both render the same objects. I/O: reads the folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CodedError } from '../../pipelines/errors.ts';
import type { K8sObject } from './k8s-schema.ts';

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { target: { kind?: string; name?: string }; patch: string }[];
}

const UNDERSTOOD = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'replicas', 'patches']);
/** Kinds without a namespace among those the product uses (kustomize leaves them as they are). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

export class KustomizeError extends CodedError<'KUSTOMIZE_INVALID'> {
  constructor(message: string) {
    super('KUSTOMIZE_INVALID', message);
  }
}

/** The objects of a YAML file with one or more documents (empty documents skipped). */
export function readManifests(file: string): K8sObject[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  return documents.flatMap((document) => {
    if (document.errors.length > 0) throw new KustomizeError(`${file}: ${document.errors[0].message}`);
    const value = document.toJS() as K8sObject | null;
    return value === null ? [] : [value];
  });
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = readManifests(file)[0] as unknown as Kustomization;
  for (const field of Object.keys(k)) {
    if (!UNDERSTOOD.has(field)) throw new KustomizeError(`${file}: "${field}" is not supported here`);
  }
  let objects = (k.resources ?? []).flatMap((resource) => {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource "${resource}" does not exist`);
    return statSync(path).isDirectory() ? renderKustomization(path) : readManifests(path);
  });
  for (const { target, patch } of k.patches ?? []) {
    const matched = objects.filter(
      (o) => (!target.kind || o.kind === target.kind) && (!target.name || o.metadata.name === target.name),
    );
    if (matched.length === 0) throw new KustomizeError(`${file}: a patch's target matches nothing`);
    const operations = readPatch(patch, file);
    objects = objects.map((o) => (matched.includes(o) ? applyJsonPatch(o, operations, file) : o));
  }
  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const container of containersOf(o)) container.image = retag(container.image, k.images ?? []);
  }
  for (const { name, count } of k.replicas ?? []) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (!deployment) throw new KustomizeError(`${file}: replicas names no Deployment "${name}"`);
    (deployment.spec as { replicas?: number }).replicas = count;
  }
  return objects;
}

type Operation = { op: 'add' | 'remove' | 'replace'; path: string; value?: unknown };

function readPatch(text: string, file: string): Operation[] {
  const operations = readYaml(text);
  if (
    !Array.isArray(operations) ||
    !operations.every((o: Operation) => ['add', 'remove', 'replace'].includes(o.op) && /^\//.test(o.path))
  )
    throw new KustomizeError(`${file}: a patch must be a JSON patch list of add / remove / replace`);
  return operations as Operation[];
}

function readYaml(text: string): unknown {
  const [document] = parseAllDocuments(text);
  return document.toJS() as unknown;
}

/** RFC 6902 add / remove / replace (the operations these overlays use); `-` appends to a list. */
function applyJsonPatch(object: K8sObject, operations: Operation[], file: string): K8sObject {
  const copy = structuredClone(object);
  for (const { op, path, value } of operations) {
    const keys = path
      .slice(1)
      .split('/')
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let parent: unknown = copy;
    for (const key of keys) parent = (parent as Record<string, unknown> | undefined)?.[key];
    const where = `${file}: ${op} ${path} on ${object.kind}/${object.metadata.name}`;
    if (parent === null || typeof parent !== 'object') throw new KustomizeError(`${where}: no such path`);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length - (op === 'add' ? 0 : 1))
        throw new KustomizeError(`${where}: no such index`);
      parent.splice(index, op === 'add' ? 0 : 1, ...(op === 'remove' ? [] : [value]));
    } else {
      const record = parent as Record<string, unknown>;
      if (op !== 'add' && !(last in record)) throw new KustomizeError(`${where}: no such field`);
      if (op === 'remove') delete record[last];
      else record[last] = value;
    }
  }
  return copy;
}

function containersOf(o: K8sObject): { image: string }[] {
  const pod = (
    o.spec as { template?: { spec?: Record<string, { image: string }[] | undefined> } } | undefined
  )?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

/** kustomize's images transformer: the name (without tag) matches; newName / newTag replace. */
function retag(image: string, images: NonNullable<Kustomization['images']>): string {
  const at = image.lastIndexOf(':');
  const [name, tag] = at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, ''];
  const rule = images.find((i) => i.name === name);
  if (!rule) return image;
  const newTag = rule.newTag ?? tag;
  return `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
}
