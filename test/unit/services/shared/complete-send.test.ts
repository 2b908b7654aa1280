// A send is complete only when its answer names every partition its records went to: what
// kafkajs 2.2.4 resolves after dropping a moved partition's records (tulios/kafkajs#1303) fails.
import type { Message, PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  checkAcknowledged,
  createMessagePlacement,
  IncompleteSendError,
} from '../../../../services/shared/complete-send.ts';

const ack = (topicName: string, partition: number) => ({ topicName, partition, errorCode: 0 });

describe('complete sends', () => {
  it("notes each message's partition as the wrapped partitioner picks it", () => {
    const placement = createMessagePlacement();
    const pick = placement.partitioner(() => (args: PartitionerArgs) => (args.message.key === 'a' ? 4 : 7))();
    const [a, b, c]: Message[] = [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3' },
    ];
    for (const message of [a, b]) pick({ topic: 't', partitionMetadata: [], message });
    expect([a, b, c].map((m) => placement.partitionOf(m))).toEqual([4, 7, undefined]);
  });

  it('passes a send every partition answered, and fails one with a partition left out', () => {
    const placement = createMessagePlacement();
    const pick = placement.partitioner(() => (args: PartitionerArgs) => Number(args.message.key))();
    const messages: Message[] = [
      { key: '0', value: 'x' },
      { key: '1', value: 'y' },
      { key: '1', value: 'z' },
    ];
    for (const message of messages) pick({ topic: 't', partitionMetadata: [], message });
    expect(() =>
      checkAcknowledged([{ topic: 't', messages }], [ack('t', 0), ack('t', 1)], placement),
    ).not.toThrow();
    const error = (() => {
      try {
        checkAcknowledged([{ topic: 't', messages }], [ack('t', 0), ack('other', 1)], placement);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IncompleteSendError);
    expect(error).toMatchObject({ code: 'INCOMPLETE_SEND', topic: 't', partition: 1 });
  });

  it('checks an explicit partition the partitioner never saw', () => {
    const placement = createMessagePlacement();
    const messages: Message[] = [{ partition: 2, value: 'x' }];
    expect(() => checkAcknowledged([{ topic: 't', messages }], [ack('t', 0)], placement)).toThrow(
      IncompleteSendError,
    );
    expect(() => checkAcknowledged([{ topic: 't', messages }], [ack('t', 2)], placement)).not.toThrow();
  });
});
