// An offset request at start is retried while a new topic's leader settles (NOT_LEADER_FOR_PARTITION
// right after two services created the topics together failed the alert service's start in CI),
// and gives up with the last error once its time is over.
import { describe, expect, it } from 'vitest';
import { offsetsRetried } from '../../../../services/shared/start-positions.ts';

describe('offset requests at start', () => {
  it('answers once the broker does', async () => {
    let calls = 0;
    const answer = await offsetsRetried(async () => {
      calls += 1;
      if (calls < 3) throw new Error('This server is not the leader for that topic-partition');
      return [{ partition: 0, offset: '7' }];
    });
    expect([calls, answer]).toEqual([3, [{ partition: 0, offset: '7' }]]);
  });

  it('gives up with the last error after its time', async () => {
    await expect(
      offsetsRetried(() => Promise.reject(new Error('still not the leader')), 300),
    ).rejects.toThrow('still not the leader');
  });
});
