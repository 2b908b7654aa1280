// Review revverdict30: the verdict route takes every alert id the engine makes: a 128-character
// call id (the gateway's limit), a 64-character tenant and rule id (their limits), an escalation.
import { expect, it } from 'vitest';
import { matchRoute } from '../../../../../services/call-store/http/routes.ts';

it("routes a verdict on the longest alert id a valid call's rule can have", () => {
  const callId = 'c'.repeat(128);
  const alertId = `${'t'.repeat(64)}/${callId}:customer:999999:${'r'.repeat(64)}.escalated`;
  const path = `/calls/${encodeURIComponent(callId)}/alerts/${encodeURIComponent(alertId)}/verdict`;
  expect(matchRoute('PUT', path).params).toEqual([callId, alertId]);
});
