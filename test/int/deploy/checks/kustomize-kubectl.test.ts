// deploy/checks/kustomize.ts renders the overlays and the Strimzi resources exactly as
// `kubectl kustomize` does: same objects, field for field. Launches kubectl, hence an integration
// test; kubectl is on the polyglot machines (and so in CI there), elsewhere the renderer stands
// alone and test/unit/deploy/checks/k8s-manifests.test.ts still checks what it renders.
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../../../deploy/checks/k8s-schema.ts';
import { renderKustomization } from '../../../../deploy/checks/kustomize.ts';

const DIRS = [
  'deploy/k8s/overlays/dev',
  'deploy/k8s/overlays/prod',
  'deploy/k8s/strimzi',
  'deploy/k8s/strimzi-dev',
];
const keyOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
describe.runIf(kubectl)('deploy/checks/kustomize.ts renders what kubectl kustomize renders', () => {
  it.each(DIRS)('%s', (dir) => {
    const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const theirs = parseAllDocuments(result.stdout).map((d) => d.toJS() as K8sObject);
    const mine = renderKustomization(dir);
    expect(mine.map(keyOf).sort()).toEqual(theirs.map(keyOf).sort());
    for (const object of theirs) {
      const own = mine.find((o) => keyOf(o) === keyOf(object));
      expect(isDeepStrictEqual(own, object), keyOf(object)).toBe(true);
    }
  });
});
