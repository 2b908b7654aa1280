// The review page's words for what became of an alert: call times as m:ss, the time to acknowledge
// in seconds or minutes, an erased agent named as such, each end reason said for people.
import { describe, expect, it } from 'vitest';
import {
  delay,
  lifecycleText,
  type AlertLifecycle,
} from '../../../../../services/call-store/web/alert-lifecycle-view.ts';

const base: AlertLifecycle = {
  raisedAt: '2026-12-06T10:01:06Z',
  raisedMs: 66_000,
  escalationOf: null,
  escalated: null,
  acknowledged: null,
  ended: null,
};
const none = () => null;

describe('alert lifecycle in words', () => {
  it('writes the time to acknowledge in seconds, then minutes', () => {
    expect([delay(9_400), delay(60_000), delay(125_000)]).toEqual(['9 s', '1 min', '2 min 5 s']);
  });

  it('says an erased agent acknowledged, and why the alert ended', () => {
    const life: AlertLifecycle = {
      ...base,
      acknowledged: { by: null, byErasedAgent: true, at: '2026-12-06T10:01:15Z', afterMs: 9_000 },
      ended: { at: '2026-12-06T10:02:41Z', audioMs: 161_000, reason: 'RECOVERED', alertId: 'r' },
    };
    expect(lifecycleText(life, false, none)).toBe(
      'raised 1:06 · acknowledged by an erased agent after 9 s · ended 2:41 (customer calmer)',
    );
  });

  it('tells an open alert of a live call from a withdrawn one', () => {
    expect(lifecycleText(base, true, none)).toBe('raised 1:06 · not acknowledged · still open');
    const withdrawn = lifecycleText(
      {
        ...base,
        ended: { at: '2026-12-06T10:02:00Z', audioMs: null, reason: 'CONSENT_WITHDRAWN', alertId: null },
      },
      false,
      none,
    );
    expect(withdrawn).toMatch(/^raised 1:06 · not acknowledged · ended .*2026.* \(consent withdrawn\)$/);
  });

  it('names the alert an escalation escalated by its time, when shown', () => {
    const escalation = { ...base, raisedMs: 120_000, escalationOf: 'a1' };
    expect(lifecycleText(escalation, false, (id) => (id === 'a1' ? 90_000 : null))).toMatch(
      /^raised 2:00 · escalation of the alert of 1:30 · /,
    );
    expect(lifecycleText(escalation, false, none)).toMatch(/escalation of an earlier alert/);
  });
});
