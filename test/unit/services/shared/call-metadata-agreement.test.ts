// The gateway accepts exactly the CallStart metadata the call store keeps (one
// shared definition, services/shared/call-metadata.ts). Each value is run through both the
// gateway's validator and the store's schema: both refuse it, or both keep it.
import { describe, expect, it } from 'vitest';
import { parseStoreEvent } from '../../../../services/call-store/events.ts';
import { validateCallStart, type RawCallStart } from '../../../../services/ingest-gateway/validate.ts';
import { thrownCode as outcome } from '../../../support/thrown.ts';

/** The gateway's clock: the call below started three days before. */
const NOW_MS = Date.parse('2026-12-04T10:00:00Z');
const raw: RawCallStart = {
  callId: 'call-1',
  tenant: '',
  agentId: 'agent-1',
  queue: 'billing',
  customerRef: 'crm-1',
  startTimeMs: Date.parse('2026-12-01T10:00:00Z'),
  codec: 'CODEC_PCMU',
  sampleRateHz: 8000,
  channels: [],
  consent: { analytics: true, storeFeatures: true },
  team: 'blue',
};

/** The store event the gateway's CallEvent for this CallStart becomes (map-records.ts). */
const stored = (over: Partial<RawCallStart>) => ({
  kind: 'call-start',
  callId: 'call-1',
  tenant: 'acme',
  agentId: over.agentId ?? raw.agentId,
  queue: over.queue ?? raw.queue,
  team: over.team ?? raw.team,
  customerRef: (over.customerRef ?? raw.customerRef) || null,
  startedAt: '2026-12-01T10:00:00.000Z',
  consent: { analytics: true, storeFeatures: true },
});

describe('gateway and store agree on CallStart metadata', () => {
  it.each<[string, Partial<RawCallStart>]>([
    ['NUL in the agent id', { agentId: 'agent\u00001' }],
    ['NUL in the team', { team: 'blue\u0000' }],
    ['NUL in the queue', { queue: '\u0000' }],
    ['NUL in the customer reference', { customerRef: 'crm\u0000' }],
    ['a line break in the agent id', { agentId: 'agent\n1' }],
    ['an empty agent id', { agentId: '' }],
    ['a 65-character team', { team: 't'.repeat(65) }],
    ['a 201-character agent id', { agentId: 'a'.repeat(201) }],
    ['a 201-character queue', { queue: 'q'.repeat(201) }],
    ['a 201-character customer reference', { customerRef: 'c'.repeat(201) }],
  ])('both refuse %s', (_what, over) => {
    expect([
      outcome(() => validateCallStart({ ...raw, ...over }, 'acme', NOW_MS)),
      outcome(() => parseStoreEvent(stored(over))),
    ]).toEqual(['BAD_METADATA', 'INVALID_RECORD']);
  });

  it.each<[string, Partial<RawCallStart>]>([
    ['the longest team', { team: 't'.repeat(64) }],
    [
      'the longest agent id, queue and reference',
      { agentId: 'a'.repeat(200), queue: 'q'.repeat(200), customerRef: 'c'.repeat(200) },
    ],
    ['no team, queue or reference', { team: '', queue: '', customerRef: '' }],
    ['non-ASCII names', { agentId: 'agent-Łucja', team: 'équipe' }],
  ])('both keep %s', (_what, over) => {
    expect([
      outcome(() => validateCallStart({ ...raw, ...over }, 'acme', NOW_MS)),
      outcome(() => parseStoreEvent(stored(over))),
    ]).toEqual(['accepted', 'accepted']);
  });
});
