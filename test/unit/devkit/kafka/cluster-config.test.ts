// The local Kafka launchers' pure parts: a cluster node's server.properties (every node a voter of
// one quorum, internal topics with 3 copies and 2 in sync) and the KAFKA_CLUSTER switch.
import { describe, expect, it } from 'vitest';
import { clusterSizeFromEnv } from '../../../../devkit/kafka/find-broker.ts';
import { serverProperties } from '../../../../devkit/kafka/local-broker.ts';

const nodes = [1, 2, 3].map((nodeId) => ({ nodeId, port: 9000 + nodeId, controllerPort: 9100 + nodeId }));
const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('local Kafka cluster configuration', () => {
  it('makes each node a combined broker + controller voting in one quorum of all three', () => {
    const second = props(serverProperties('/tmp/n2', nodes[1], nodes, 3, 2));
    expect(second['node.id']).toBe('2');
    expect(second['process.roles']).toBe('broker,controller');
    expect(second['controller.quorum.voters']).toBe('1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103');
    expect(second['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9002');
    for (const key of ['offsets.topic.replication.factor', 'default.replication.factor'])
      expect(second[key]).toBe('3');
    for (const key of ['min.insync.replicas', 'transaction.state.log.min.isr']) expect(second[key]).toBe('2');
  });

  it('keeps one copy on the single development broker', () => {
    const single = props(serverProperties('/tmp/n1', nodes[0], [nodes[0]]));
    expect(single['controller.quorum.voters']).toBe('1@127.0.0.1:9101');
    expect([single['offsets.topic.replication.factor'], single['min.insync.replicas']]).toEqual(['1', '1']);
  });

  it('reads KAFKA_CLUSTER as one broker by default, three on request, and refuses other sizes', () => {
    expect([clusterSizeFromEnv(undefined), clusterSizeFromEnv(''), clusterSizeFromEnv('3')]).toEqual([
      1, 1, 3,
    ]);
    expect(() => clusterSizeFromEnv('2')).toThrow('KAFKA_CLUSTER must be 1 or 3');
  });
});
