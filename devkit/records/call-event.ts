// A CallEvent record (va.events.v1.CallEvent) as the gateway produces it, with every field a test
// or bench does not care about at its usual value: a started two-channel 8 kHz µ-law call with
// analytics and feature consent, tenant "demo", started now. Pure but for the clock.
import type { CallEvent } from '../../services/shared/records.ts';

export function callEventRecord(callId: string, over: Partial<CallEvent> = {}): CallEvent {
  const now = Date.now();
  return {
    eventId: `${callId}:both:0:started`,
    callId,
    type: 'started',
    tenant: 'demo',
    agentId: '',
    queue: '',
    team: '',
    customerRef: '',
    startTimeMs: now,
    endTimeMs: 0,
    codec: 'pcmu',
    sampleRateHz: 8000,
    channels: ['agent', 'customer'],
    consent: { analytics: true, storeFeatures: true },
    endReason: '',
    framesAccepted: 0,
    gaps: 0,
    audioDurationMs: 0,
    producedAtMs: now,
    ...over,
  };
}
