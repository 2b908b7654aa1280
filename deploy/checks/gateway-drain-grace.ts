// The ingest gateway's grace period covers its whole stop: the preStop sleep, the drain
// (DRAIN_MAX_MS: live WebSocket adapter calls go on until they end) and the flush of the calls
// left (SHUTDOWN_FLUSH_MS), plus a margin for closing its clients. A shorter grace lets the
// kubelet's SIGKILL cut the drained calls and lose the audio being flushed. Pure.
import { gatewayEnv } from '../../services/ingest-gateway/config.ts';
import type { K8sObject } from './k8s-schema.ts';

/** Closing the producer, the ops server and the gRPC listener after the flush (each well under this). */
export const STOP_MARGIN_SECONDS = 15;

interface GatewayPod {
  terminationGracePeriodSeconds?: number;
  containers: {
    name: string;
    env?: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }[];
    envFrom?: { configMapRef?: { name: string } }[];
    lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  }[];
}

/**
 * A variable of the container as it starts, as the kubelet resolves it: its own env first (the
 * last entry of a name wins, a `configMapKeyRef` read from the ConfigMap), else the LAST of its
 * envFrom ConfigMaps that has it, else unset.
 */
function settingOf(
  objects: readonly K8sObject[],
  container: GatewayPod['containers'][number],
  name: string,
): string | undefined {
  const dataOf = (mapName: string | undefined): Record<string, string> | undefined =>
    (
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === mapName) as
        { data?: Record<string, string> } | undefined
    )?.data;
  const own = container.env?.findLast((e) => e.name === name);
  if (own?.value !== undefined) return own.value;
  const ref = own?.valueFrom?.configMapKeyRef;
  if (ref) return dataOf(ref.name)?.[ref.key];
  for (const source of [...(container.envFrom ?? [])].reverse()) {
    const value = dataOf(source.configMapRef?.name)?.[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

export function gatewayGraceProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const pod = (deployment.spec as { template: { spec: GatewayPod } }).template.spec;
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    for (const container of pod.containers) {
      const command = (container as { command?: string[] }).command ?? [];
      if (!command.some((part) => part.endsWith('services/ingest-gateway/main.ts'))) continue;
      const drainMs = gatewayEnv.shape.DRAIN_MAX_MS.parse(settingOf(objects, container, 'DRAIN_MAX_MS'));
      const flushMs = gatewayEnv.shape.SHUTDOWN_FLUSH_MS.parse(
        settingOf(objects, container, 'SHUTDOWN_FLUSH_MS'),
      );
      const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      const needed = preStop + Math.ceil((drainMs + flushMs) / 1000) + STOP_MARGIN_SECONDS;
      if (grace < needed)
        problems.push(
          `Deployment/${deployment.metadata.name}: container ${container.name}: terminationGracePeriodSeconds ${grace} ` +
            `is under the stop's ${needed} s (preStop ${preStop} s + DRAIN_MAX_MS ${drainMs} + SHUTDOWN_FLUSH_MS ${flushMs} + ${STOP_MARGIN_SECONDS} s)`,
        );
    }
  }
  return problems;
}
