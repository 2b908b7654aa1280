// Renders a kustomization folder the way `kubectl kustomize` does, for the subset the product's
// manifests use: resources (files and folders), namespace, images, replicas, patches that are
// inline JSON patches (RFC 6902: add / remove / replace / test) with a target by kind / name, and
// configMapGenerator (env files and files, labels) with kustomize's name hash: the ConfigMap is
// named `name-<hash of its final data>` and the pod templates' references follow, so a changed
// ConfigMap rolls the pods that read it. As in kustomize, the hash is added once, by the
// outermost kustomization, after every overlay's patches (kusttarget.go, "must be done last").
// Anything else in a
// kustomization.yaml is refused rather than ignored, so the checks never pass on a file they did
// not understand. Written because CI machines need not have kubectl; where kubectl is installed,
// k8s-manifests.test.ts checks that both render the same objects. I/O: reads the folder.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
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
  configMapGenerator?: ConfigMapGenerator[];
}

interface ConfigMapGenerator {
  name: string;
  envs?: string[];
  files?: string[];
  options?: { labels?: Record<string, string> };
}

const UNDERSTOOD = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'replicas',
  'patches',
  'configMapGenerator',
]);
const UNDERSTOOD_GENERATOR = new Set(['name', 'envs', 'files', 'options']);
/** Marks a generated ConfigMap until the outermost kustomization names it (kustomize's own is internal too). */
const NEEDS_HASH = 'internal.va/needs-hash';
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
  return addNameHashes(build(dir));
}

function build(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = readManifests(file)[0] as unknown as Kustomization;
  for (const field of Object.keys(k)) {
    if (!UNDERSTOOD.has(field)) throw new KustomizeError(`${file}: "${field}" is not supported here`);
  }
  let objects = (k.resources ?? []).flatMap((resource) => {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource "${resource}" does not exist`);
    return statSync(path).isDirectory() ? build(path) : readManifests(path);
  });
  objects.push(...(k.configMapGenerator ?? []).map((generator) => generate(dir, file, generator)));
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

/** A configMapGenerator entry: keys from env files (KEY=value lines) and files (the file's name). */
function generate(dir: string, file: string, generator: ConfigMapGenerator): K8sObject {
  for (const field of Object.keys(generator)) {
    if (!UNDERSTOOD_GENERATOR.has(field))
      throw new KustomizeError(`${file}: configMapGenerator "${field}" is not supported here`);
  }
  const options = generator.options ?? {};
  if (Object.keys(options).some((option) => option !== 'labels'))
    throw new KustomizeError(`${file}: configMapGenerator options other than labels are not supported here`);
  const data: Record<string, string> = {};
  const put = (key: string, value: string): void => {
    if (key in data) throw new KustomizeError(`${file}: ConfigMap ${generator.name} has "${key}" twice`);
    data[key] = value;
  };
  for (const env of generator.envs ?? []) {
    const path = join(dir, env);
    for (const [line, pair] of readEnvFile(path).entries()) {
      if (!pair) continue;
      if (!/^[A-Za-z_][\w.-]*$/.test(pair.key))
        throw new KustomizeError(`${path}:${line + 1}: bad key "${pair.key}"`);
      put(pair.key, pair.value);
    }
  }
  for (const source of generator.files ?? []) put(basename(source), readFileSync(join(dir, source), 'utf8'));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: generator.name,
      ...(options.labels ? { labels: options.labels } : {}),
      annotations: { [NEEDS_HASH]: 'true' },
    },
    data,
  };
}

/**
 * kustomize's env file: leading blanks dropped, blank lines and `#` lines skipped, KEY=value split
 * at the first `=`, the value as written (no quotes removed, trailing blanks kept). A line without
 * `=` would be read from the environment of whoever renders: refused.
 */
function readEnvFile(path: string): ({ key: string; value: string } | null)[] {
  return readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((raw, line) => {
      const text = raw.replace(/\r$/, '').replace(/^\s+/, '');
      if (text === '' || text.startsWith('#')) return null;
      const at = text.indexOf('=');
      if (at < 0) throw new KustomizeError(`${path}:${line + 1}: no "=" (a value from the environment)`);
      return { key: text.slice(0, at), value: text.slice(at + 1) };
    });
}

/**
 * Names each generated ConfigMap `name-<hash>` and points the pod templates' references at it.
 * The hash is kustomize's (api/hasher): SHA-256 of Go's JSON of {data, kind, name} (keys sorted,
 * <>& and U+2028/9 escaped; kustomize 5 hashes an empty name), its first 10 hex digits with
 * 0 1 3 a e mapped to g h k m t.
 */
function addNameHashes(objects: K8sObject[]): K8sObject[] {
  const renamed = new Map<string, string>();
  for (const o of objects) {
    const annotations = o.metadata.annotations;
    if (!annotations?.[NEEDS_HASH]) continue;
    delete annotations[NEEDS_HASH];
    if (Object.keys(annotations).length === 0) delete o.metadata.annotations;
    const encoded = goJson({ data: o.data ?? {}, kind: 'ConfigMap', name: '' });
    const hex = createHash('sha256').update(encoded).digest('hex').slice(0, 10);
    const hash = hex.replace(/[013ae]/g, (c) => ({ 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' })[c] as string);
    renamed.set(o.metadata.name, `${o.metadata.name}-${hash}`);
    o.metadata.name = `${o.metadata.name}-${hash}`;
  }
  const rename = (ref: { name: string } | undefined): void => {
    if (ref && renamed.has(ref.name)) ref.name = renamed.get(ref.name) as string;
  };
  for (const o of objects) {
    const pod = (o.spec as { template?: { spec?: PodRefs } } | undefined)?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      for (const source of container.envFrom ?? []) rename(source.configMapRef);
      for (const variable of container.env ?? []) rename(variable.valueFrom?.configMapKeyRef);
    }
    for (const volume of pod?.volumes ?? []) rename(volume.configMap);
  }
  return objects;
}

interface PodRefs {
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
  volumes?: { configMap?: { name: string } }[];
}
interface ContainerRefs {
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { valueFrom?: { configMapKeyRef?: { name: string } } }[];
}

/** Go's encoding/json of string maps: keys sorted, HTML-safe escapes as json.Marshal writes them. */
function goJson(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[<>&\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${goJson(key)}:${goJson(record[key])}`)
    .join(',')}}`;
}

type Operation = { op: 'add' | 'remove' | 'replace' | 'test'; path: string; value?: unknown };

function readPatch(text: string, file: string): Operation[] {
  const operations = readYaml(text);
  if (
    !Array.isArray(operations) ||
    !operations.every(
      (o: Operation) => ['add', 'remove', 'replace', 'test'].includes(o.op) && /^\//.test(o.path),
    )
  )
    throw new KustomizeError(`${file}: a patch must be a JSON patch list of add / remove / replace / test`);
  return operations as Operation[];
}

function readYaml(text: string): unknown {
  const [document] = parseAllDocuments(text);
  return document.toJS() as unknown;
}

/**
 * RFC 6902 add / remove / replace / test (the operations these overlays use); `-` appends to a
 * list. A failed test fails the rendering, as it fails kustomize's: a patch that removes a list
 * entry by position tests first that the position holds the entry meant.
 */
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
    if (op === 'test') {
      const actual = (parent as Record<string, unknown>)[last];
      if (!isDeepStrictEqual(actual, value))
        throw new KustomizeError(`${where}: found ${JSON.stringify(actual)}, not ${JSON.stringify(value)}`);
      continue;
    }
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
