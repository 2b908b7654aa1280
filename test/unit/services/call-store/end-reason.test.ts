// A call's end reason is shown on the QA page beside the agent and queue: one with a bidirectional
// override or a control character (which the gateway refuses) is dropped, not the call's end.
import { describe, expect, it } from 'vitest';
import { callEndSchema } from '../../../../services/call-store/events.ts';

const end = (endReason?: string) => ({
  kind: 'call-end',
  callId: 'c-1',
  tenant: 'acme',
  endedAt: '2026-12-07T10:00:00.000Z',
  ...(endReason === undefined ? {} : { endReason }),
});

describe('call end reason', () => {
  it('keeps a plain reason and reads a missing one as none', () => {
    expect(callEndSchema.parse(end('transfer')).endReason).toBe('transfer');
    expect(callEndSchema.parse(end()).endReason).toBe('');
  });

  it('drops a reason with a bidirectional override or a control character, keeping the end', () => {
    expect(callEndSchema.parse(end('hangup\u202e')).endReason).toBe('');
    expect(callEndSchema.parse(end('hang\nup')).endReason).toBe('');
  });
});
