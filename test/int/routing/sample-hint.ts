// One routing hint for the webhook tests, with any field overridden. Pure.
import type { RoutingHint } from '../../../pipelines/routing/index.ts';

export function sampleHint(overrides: Partial<RoutingHint> = {}): RoutingHint {
  return {
    hintId: 'acme/c-1:routing:live:frustration-sustained:a20',
    tenant: 'acme',
    callId: 'c-1',
    customerRef: '',
    risk: 0.7,
    reasons: ['Customer frustrated for 7 s'],
    suggested: 'senior',
    expiresAtMs: 1_300_000,
    trigger: 'live',
    ruleIds: ['frustration-sustained'],
    audioMs: 20_000,
    producedAtMs: 1_000_000,
    agentId: 'agent-1',
    queue: 'billing',
    ...overrides,
  };
}
