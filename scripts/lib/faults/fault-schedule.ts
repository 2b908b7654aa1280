// The fault bench's timeline under load: at 10 s the broker leading the most audio partitions is
// SIGKILLed, at 25 s started again, at 40 s a dsp-worker and at 55 s the emotion classifier are
// SIGKILLed and started again. I/O: processes (through the cluster and pipeline handles), Kafka.
import type { Kafka } from 'kafkajs';
import type { LocalCluster } from '../../../devkit/kafka/local-cluster.ts';
import type { RunningPipeline } from '../../../devkit/pipeline/pipeline-procs.ts';
import { busiestLeader } from './leaders.ts';
import type { FaultAction } from './timeline.ts';

export function faultSchedule(kafka: Kafka, cluster: LocalCluster, pipeline: RunningPipeline): FaultAction[] {
  let killed: { nodeId: number } | null = null;
  return [
    {
      name: 'SIGKILL the broker leading the most audio partitions',
      atS: 10,
      run: async () => {
        const nodeId = await busiestLeader(kafka, pipeline.topics.audio);
        killed = { nodeId };
        await cluster.nodes[nodeId - 1].kill('SIGKILL');
        return `node ${nodeId}`;
      },
    },
    {
      name: 'start the broker again',
      atS: 25,
      run: async () => {
        if (killed) await cluster.nodes[killed.nodeId - 1].restart();
      },
    },
    {
      name: 'SIGKILL dsp-worker-1 (started again)',
      atS: 40,
      run: () => pipeline.restart('dsp-worker-1', 'SIGKILL'),
    },
    {
      name: 'SIGKILL the emotion classifier (started again)',
      atS: 55,
      run: () => pipeline.restart('emotion-classifier', 'SIGKILL'),
    },
  ];
}
