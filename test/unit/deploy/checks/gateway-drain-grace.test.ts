// gatewayGraceProblems reads DRAIN_MAX_MS and SHUTDOWN_FLUSH_MS as the kubelet sets them: where a
// name comes from several envFrom sources (or is listed twice in env), the LAST one wins.
import { describe, expect, it } from 'vitest';
import { gatewayGraceProblems } from '../../../../deploy/checks/gateway-drain-grace.ts';
import type { K8sObject } from '../../../../deploy/checks/k8s-schema.ts';

const configMap = (name: string, data: Record<string, string>): K8sObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }) as unknown as K8sObject;

const gateway = (container: object, grace = 670): K8sObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ingest-gateway' },
    spec: {
      template: {
        spec: {
          terminationGracePeriodSeconds: grace,
          containers: [
            {
              name: 'ingest-gateway',
              command: ['node', 'services/ingest-gateway/main.ts'],
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
              ...container,
            },
          ],
        },
      },
    },
  }) as unknown as K8sObject;

describe('gatewayGraceProblems', () => {
  it('passes the base: 670 s covers 5 + 600 + 45 + 15', () => {
    const objects = [
      configMap('va-ingest-gateway', { DRAIN_MAX_MS: '600000' }),
      gateway({ envFrom: [{ configMapRef: { name: 'va-ingest-gateway' } }] }),
    ];
    expect(gatewayGraceProblems(objects)).toEqual([]);
  });

  it('reads a setting from the last envFrom source that has it, as Kubernetes does', () => {
    // A site overlay adds its own ConfigMap after the base's and raises the drain to 30 min.
    const objects = [
      configMap('va-ingest-gateway', { DRAIN_MAX_MS: '600000' }),
      configMap('va-ingest-gateway-site', { DRAIN_MAX_MS: '1800000' }),
      gateway({
        envFrom: [
          { configMapRef: { name: 'va-ingest-gateway' } },
          { configMapRef: { name: 'va-ingest-gateway-site' } },
        ],
      }),
    ];
    expect(gatewayGraceProblems(objects)).toHaveLength(1);
  });

  it('reads the last of duplicate env entries, and a value taken from a ConfigMap key', () => {
    const duplicate = [
      gateway({
        env: [
          { name: 'SHUTDOWN_FLUSH_MS', value: '45000' },
          { name: 'SHUTDOWN_FLUSH_MS', value: '300000' },
        ],
      }),
    ];
    expect(gatewayGraceProblems(duplicate)).toHaveLength(1);
    const fromKey = [
      configMap('drain', { max: '1800000' }),
      gateway({
        env: [{ name: 'DRAIN_MAX_MS', valueFrom: { configMapKeyRef: { name: 'drain', key: 'max' } } }],
      }),
    ];
    expect(gatewayGraceProblems(fromKey)).toHaveLength(1);
  });
});
