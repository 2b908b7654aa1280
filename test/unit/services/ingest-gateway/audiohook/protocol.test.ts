// The AudioHook adapter's pure parts: client messages as the protocol defines them (version 2,
// seq/serverseq, ISO 8601 positions), the media choice (stereo PCMU external+internal preferred,
// anything else refused with UNSUPPORTED_CODEC), the conversation timeline (pauses become skipped
// frames, a reconnect's resent audio is trimmed or dropped), the replay guard and the
// organisations' configuration (typed CONFIG errors, production secrets).
import { describe, expect, it } from 'vitest';
import { parseAudioHookOrgs } from '../../../../../services/ingest-gateway/audiohook/config.ts';
import {
  durationSamples,
  parseClientMessage,
} from '../../../../../services/ingest-gateway/audiohook/messages.ts';
import { samplesDuration } from '../../../../../services/shared/audiohook/duration.ts';
import { selectMedia } from '../../../../../services/ingest-gateway/audiohook/open.ts';
import { createReplayGuard } from '../../../../../services/ingest-gateway/audiohook/replay-guard.ts';
import { createConversationTimeline } from '../../../../../services/ingest-gateway/audiohook/timeline.ts';
import { configProblems } from '../../../../support/thrown.ts';

const ID = '30b0e395-84d3-4570-ac13-9a62d8f514c0';
const message = (over: Record<string, unknown>) =>
  JSON.stringify({
    version: '2',
    id: ID,
    type: 'ping',
    seq: 1,
    serverseq: 0,
    position: 'PT0S',
    parameters: {},
    ...over,
  });

describe('AudioHook client messages', () => {
  it('parses positions as samples at 8 kHz and writes them back exactly', () => {
    expect(durationSamples('PT1.5S', 'p')).toBe(12_000);
    expect(durationSamples('PT0.000125S', 'p')).toBe(1);
    expect(samplesDuration(12_001)).toBe('PT1.500125S');
    expect(() => durationSamples('1.5', 'p')).toThrow(/duration/);
    expect(() => durationSamples('PT-1S', 'p')).toThrow(/duration/);
  });

  it('validates the envelope: version, id, seq, serverseq, position', () => {
    expect(parseClientMessage(message({ seq: 3, serverseq: 2, position: 'PT2S' }))).toMatchObject({
      type: 'ping',
      seq: 3,
      serverseq: 2,
      positionSamples: 16_000,
    });
    expect(() => parseClientMessage(message({ version: '1' }))).toThrow(/version/);
    expect(() => parseClientMessage(message({ seq: -1 }))).toThrow(/seq/);
    expect(() => parseClientMessage(message({ id: 'nope' }))).toThrow(/UUID/);
    expect(() => parseClientMessage(message({ type: 'opened' }))).toThrow(/not an AudioHook client message/);
    expect(() => parseClientMessage('{')).toThrow('not JSON');
  });

  it('parses close reasons, pause/discard durations and client errors', () => {
    expect(parseClientMessage(message({ type: 'close', parameters: { reason: 'reconnect' } }))).toMatchObject(
      {
        parameters: { reason: 'reconnect' },
      },
    );
    expect(() => parseClientMessage(message({ type: 'close', parameters: { reason: 'bye' } }))).toThrow(
      /reason/,
    );
    expect(
      parseClientMessage(message({ type: 'resumed', parameters: { start: 'PT1S', discarded: 'PT0.2S' } })),
    ).toMatchObject({ parameters: { startSamples: 8000, discardedSamples: 1600 } });
    expect(
      parseClientMessage(message({ type: 'error', parameters: { code: 429, message: 'slow' } })),
    ).toMatchObject({
      parameters: { code: 429 },
    });
  });
});

describe('AudioHook media selection', () => {
  const offer = (format: string, channels: string[], rate = 8000) => ({
    type: 'audio',
    format,
    channels,
    rate,
  });
  it('takes stereo PCMU external+internal over mono, in the offered channel order', () => {
    expect(selectMedia([offer('PCMU', ['internal']), offer('PCMU', ['internal', 'external'])])).toEqual(
      offer('PCMU', ['internal', 'external']),
    );
    expect(selectMedia([offer('L16', ['external', 'internal']), offer('PCMU', ['external'])])).toEqual(
      offer('PCMU', ['external']),
    );
  });
  it('refuses L16 only, other rates, unknown or repeated channels with UNSUPPORTED_CODEC', () => {
    for (const offers of [
      [offer('L16', ['external', 'internal'])],
      [offer('PCMU', ['external', 'internal'], 16000)],
      [offer('PCMU', ['external', 'external'])],
      [offer('PCMU', ['mixed'])],
      [],
    ])
      expect(() => selectMedia(offers)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }));
  });
});

describe('AudioHook conversation timeline', () => {
  it('numbers contiguous frames, skips whole frames for unsent audio, trims and drops resent audio', () => {
    const t = createConversationTimeline(8000);
    expect(t.place(0, 160)).toEqual({ sequence: 0, audioTimeMs: 0, trimSamples: 0 });
    expect(t.place(160, 160)).toEqual({ sequence: 1, audioTimeMs: 20, trimSamples: 0 });
    // 3 frames paused: sequence jumps by 3, as a gRPC client's missing frames.
    expect(t.place(320 + 480, 160)).toEqual({ sequence: 5, audioTimeMs: 100, trimSamples: 0 });
    // A reconnect resending the last frame entirely, then half of one.
    expect(t.place(800, 160)).toBeNull();
    expect(t.place(880, 160)).toEqual({ sequence: 6, audioTimeMs: 120, trimSamples: 80 });
    expect(t.endSample()).toBe(1040);
  });
  it('starts the call timeline where the first frame is (a conversation continued elsewhere)', () => {
    expect(createConversationTimeline(8000).place(8000, 160)).toEqual({
      sequence: 0,
      audioTimeMs: 1000,
      trimSamples: 0,
    });
  });
});

describe('AudioHook replay guard', () => {
  it('accepts a nonce once per organisation until it expires, and stays bounded', () => {
    const guard = createReplayGuard(3);
    expect(guard.firstUse('org', 'n1', 1000, 0)).toBe(true);
    expect(guard.firstUse('org', 'n1', 1000, 10)).toBe(false);
    expect(guard.firstUse('other', 'n1', 1000, 10)).toBe(true);
    expect(guard.firstUse('org', 'n1', 2000, 1001)).toBe(true);
    for (let i = 0; i < 10; i += 1) guard.firstUse('org', `m${i}`, 5000, 1002);
    expect(guard.size()).toBeLessThanOrEqual(3);
  });
});

describe('AudioHook organisations', () => {
  const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
  const good = {
    tenant: 'acme',
    apiKey: 'k'.repeat(8) + 'A1b2C3d4E5f6G7h8I9j0L1m2N3o4P5q6',
    clientSecret: Buffer.from('0123456789abcdefghijklmnopqrstuv').toString('base64'),
  };
  const parse = (value: unknown, production = false) =>
    parseAudioHookOrgs(JSON.stringify(value), 'AUDIOHOOK_ORGS', ['acme'], production);

  it('maps an organisation id to its tenant, API key and decoded client secret; consent off by default', () => {
    const org = parse({ [ORG.toUpperCase()]: good }).get(ORG);
    expect(org).toMatchObject({
      id: ORG,
      tenant: 'acme',
      consent: { analytics: false, storeFeatures: false, historyOptOut: false },
    });
    expect(Buffer.from(org?.signingKey ?? []).toString()).toBe('0123456789abcdefghijklmnopqrstuv');
    // An organisation may keep its calls out of the customer history (ANI-linked otherwise).
    const optedOut = parse({ [ORG]: { ...good, consent: { analytics: true, history: false } } }).get(ORG);
    expect(optedOut?.consent).toEqual({ analytics: true, storeFeatures: false, historyOptOut: true });
  });

  it('refuses bad entries with CONFIG errors that never echo a secret', () => {
    const problems = (value: unknown, production = false) => configProblems(() => parse(value, production));
    expect(problems({ 'not-a-uuid': good })[0]).toMatch(/not a Genesys Cloud organization id/);
    expect(problems({ [ORG]: { ...good, tenant: 'beta' } })[0]).toMatch(/tenant "beta" has no tenant token/);
    expect(problems({ [ORG]: { ...good, clientSecret: 'c2hvcnQ=' } })[0]).toMatch(/fewer than 16 bytes/);
    expect(problems({ [ORG]: { ...good, extra: 1 } })[0]).toMatch(/Unrecognized key/);
    // Production: a 256-bit HMAC key and an API key that is no placeholder.
    const weak = {
      ...good,
      apiKey: 'demo-api-key-change-me-0123456789',
      clientSecret: Buffer.from('0123456789abcdefghij').toString('base64'),
    };
    expect(problems({ [ORG]: weak })).toEqual([]);
    const production = problems({ [ORG]: weak }, true).join('\n');
    expect(production).toMatch(/clientSecret decodes to fewer than 32 bytes/);
    expect(production).toMatch(/API key of organization .* placeholder/);
    expect(production).not.toContain(weak.apiKey);
    expect(production).not.toContain(weak.clientSecret);
  });
});
