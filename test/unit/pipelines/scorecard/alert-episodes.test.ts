// Alert episodes (pipelines/scorecard/alert-episodes.ts): an escalation joins the episode of the
// alert it names, or for one stored without its link, of the latest alert of its rule on its
// channel raised before it; an escalation whose alert is not among those given stands alone.
import { describe, expect, it } from 'vitest';
import { alertEpisodes, episodeAckedAt } from '../../../../pipelines/scorecard/index.ts';

const cue = (id: string, startMs: number, ruleId = 'agent-pace', channel = 'agent') => ({
  alertId: id,
  ruleId,
  channel,
  startMs,
});
const ids = (episodes: ReturnType<typeof alertEpisodes>) =>
  episodes.map((e) => [e.cue.alertId, e.escalations.map((a) => a.alertId)]);

describe('alert episodes', () => {
  it('joins an escalation to the alert it names', () => {
    const alerts = [cue('a', 0), { ...cue('a.escalated', 60_000), escalationOf: 'a' }, cue('b', 90_000)];
    expect(ids(alertEpisodes(alerts))).toEqual([
      ['a', ['a.escalated']],
      ['b', []],
    ]);
  });

  it("joins an unlinked escalation to its rule's latest earlier alert on its channel", () => {
    const alerts = [
      cue('c:agent:10:agent-pace', 5_000),
      cue('c:customer:20:agent-pace', 10_000, 'agent-pace', 'customer'),
      cue('c:agent:30:agent-tension', 15_000, 'agent-tension'),
      cue('c:agent:40:agent-pace', 20_000),
      cue('c:agent:160:agent-pace.escalated', 80_000),
    ];
    expect(ids(alertEpisodes(alerts))).toEqual([
      ['c:agent:10:agent-pace', []],
      ['c:customer:20:agent-pace', []],
      ['c:agent:30:agent-tension', []],
      ['c:agent:40:agent-pace', ['c:agent:160:agent-pace.escalated']],
    ]);
  });

  it('counts an escalation whose alert is missing as an episode of its own', () => {
    const alerts = [
      { ...cue('x.escalated', 60_000), escalationOf: 'x' },
      cue('y.escalated', 70_000, 'other'),
    ];
    expect(ids(alertEpisodes(alerts))).toEqual([
      ['x.escalated', []],
      ['y.escalated', []],
    ]);
  });

  it('takes the first acknowledgement of the cue or its escalation', () => {
    const [episode] = alertEpisodes([cue('a', 0), { ...cue('e', 60_000), escalationOf: 'a' }]);
    const acks: Record<string, number | null> = { a: null, e: 90_000 };
    expect(episodeAckedAt(episode, (a) => acks[a.alertId])).toBe(90_000);
    expect(episodeAckedAt(episode, (a) => (a.alertId === 'a' ? 70_000 : acks[a.alertId]))).toBe(70_000);
    expect(episodeAckedAt(episode, () => null)).toBeNull();
  });
});
