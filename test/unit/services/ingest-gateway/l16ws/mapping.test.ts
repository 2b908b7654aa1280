// The L16 WebSocket adapter's pure parts: the sources allow-list (parsing, secrets by header or
// metadata, addresses) and the first text frame mapped to CallStart (channel order by the
// source's agent channel, mono, mixed refused, sample rates as jambonz and mod_audio_fork spell them).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../services/shared/config.ts';
import {
  callStartFromMetadata,
  parseMetadata,
} from '../../../../../services/ingest-gateway/l16ws/metadata.ts';
import { loadL16WsConfig } from '../../../../../services/ingest-gateway/l16ws/config.ts';
import { closeCodeOf, closeReasonOf } from '../../../../../services/ingest-gateway/l16ws/refusal.ts';
import { IngestError } from '../../../../../services/ingest-gateway/errors.ts';
import {
  addressAllowed,
  createSourceStore,
  parseSources,
} from '../../../../../services/ingest-gateway/l16ws/sources.ts';
import { thrownCode, thrownError } from '../../../../support/thrown.ts';

const SECRET = 'jambonz-secret-0123456789';
const sources = parseSources(
  JSON.stringify({
    jambonz: { tenant: 'acme', secret: SECRET, addresses: ['10.1.0.0/16'] },
    fs: {
      tenant: 'beta',
      secret: 'fs-secret-0123456789',
      tokenIn: 'metadata',
      agentChannel: 0,
      mixType: 'stereo',
      sampleRate: 16000,
    },
  }),
  'L16WS_SOURCES',
  false,
);
const store = createSourceStore(sources);
const [jambonz, fs] = sources;
const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const codeOf = (run: () => unknown) => thrownCode(run, IngestError);

describe('l16ws sources', () => {
  it('finds the source by Basic source:secret or Bearer secret, never by a wrong pair', () => {
    expect(store.fromHeader(basic('jambonz', SECRET)).tenant).toBe('acme');
    expect(store.fromHeader(`Bearer ${SECRET}`).id).toBe('jambonz');
    expect(codeOf(() => store.fromHeader(basic('fs', SECRET)))).toBe('BAD_TOKEN');
    expect(codeOf(() => store.fromHeader(basic('jambonz', 'x' + SECRET)))).toBe('BAD_TOKEN');
    expect(codeOf(() => store.fromHeader(undefined))).toBe('MISSING_TOKEN');
    // A metadata source's secret is not accepted on the header, nor a header source's in metadata.
    expect(codeOf(() => store.fromHeader('Bearer fs-secret-0123456789'))).toBe('BAD_TOKEN');
    expect(codeOf(() => store.fromToken(SECRET))).toBe('BAD_TOKEN');
    expect(store.fromToken('fs-secret-0123456789').tenant).toBe('beta');
    expect(store.metadataTokens).toBe(true);
  });

  it('checks the address allow-list (IPv4-mapped addresses too); no list allows any', () => {
    expect(addressAllowed(jambonz, '10.1.2.3')).toBe(true);
    expect(addressAllowed(jambonz, '::ffff:10.1.2.3')).toBe(true);
    expect(addressAllowed(jambonz, '10.2.0.1')).toBe(false);
    expect(addressAllowed(fs, '192.0.2.1')).toBe(true);
  });

  it('refuses short, shared or (in production) weak secrets, naming the source and never the value', () => {
    const bad = (value: unknown, production = false) =>
      thrownError(
        () => parseSources(JSON.stringify(value), 'L16WS_SOURCES', production),
        ConfigError,
      ).problems.join('\n');
    expect(bad({ a: { tenant: 'acme', secret: 'short' } })).toMatch(/source "a": secret must be at least 16/);
    expect(bad({ a: { tenant: 'acme', secret: SECRET }, b: { tenant: 'acme', secret: SECRET } })).toMatch(
      /source "b": secret is shared/,
    );
    expect(bad({ a: { tenant: 'acme', secret: 'test-test-test-test' } }, true)).toMatch(/source "a"/);
    expect(bad({ a: { tenant: 'acme', secret: SECRET, agentChannel: 2 } })).toMatch(/agentChannel/);
    expect(bad({ a: { tenant: 'acme', secret: 'a-secret-not-echoed-123', extra: 1 } })).not.toMatch(
      /not-echoed/,
    );
  });
});

describe('l16ws first frame -> CallStart', () => {
  it('maps a jambonz stereo frame: callSid, caller on channel 0 = customer, metadata fields, consent', () => {
    const start = callStartFromMetadata(
      parseMetadata(
        JSON.stringify({
          callSid: 'b2c3-d4',
          callId: 'x@10.0.0.1',
          sampleRate: 8000,
          mixType: 'stereo',
          from: '+15551230000',
          agentId: 'a-1',
          queue: 'q',
          team: 't',
          customerRef: 'crm-1',
          consent: { analytics: true },
          previousCallId: 'a1-b2',
        }),
      ),
      jambonz,
    );
    expect(start).toEqual({
      previousCallId: 'a1-b2',
      callId: 'b2c3-d4',
      tenant: '',
      agentId: 'a-1',
      queue: 'q',
      team: 't',
      customerRef: 'crm-1',
      startTimeMs: 0,
      codec: 'CODEC_LINEAR16',
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER', 'CHANNEL_AGENT'],
      interleaved: true,
      consent: { analytics: true, storeFeatures: false, historyOptOut: false },
    });
  });

  it('keeps a call out of the customer history with consent.history false, and refuses a non-boolean', () => {
    const start = callStartFromMetadata({ consent: { analytics: true, history: false } }, jambonz);
    expect(start.consent).toEqual({ analytics: true, storeFeatures: false, historyOptOut: true });
    const kept = callStartFromMetadata({ consent: { analytics: true, history: true } }, jambonz);
    expect(kept.consent?.historyOptOut).toBe(false);
    expect(
      codeOf(() => callStartFromMetadata({ consent: { analytics: true, history: 'no' } }, jambonz)),
    ).toBe('BAD_METADATA');
    // A misspelt key is refused, not read as "not given".
    const misspelt = thrownError(
      () => callStartFromMetadata({ consent: { analytics: true, storefeatures: true } }, jambonz),
      IngestError,
    );
    expect([misspelt.code, misspelt.message]).toEqual([
      'BAD_METADATA',
      'consent.storefeatures is not a consent field (analytics, storeFeatures, history)',
    ]);
  });

  it("applies a source's consent, history included, and refuses a misspelt consent key in the config", () => {
    const [source] = parseSources(
      JSON.stringify({
        fs: {
          tenant: 'acme',
          secret: SECRET,
          consent: { analytics: true, storeFeatures: true, history: false },
        },
      }),
      'L16WS_SOURCES',
      false,
    );
    expect(callStartFromMetadata({}, source).consent).toEqual({
      analytics: true,
      storeFeatures: true,
      historyOptOut: true,
    });
    // A first frame's consent without `history` keeps the source's opt-out; its own history wins.
    expect(callStartFromMetadata({ consent: { analytics: true } }, source).consent?.historyOptOut).toBe(true);
    expect(
      callStartFromMetadata({ consent: { analytics: true, history: true } }, source).consent?.historyOptOut,
    ).toBe(false);
    expect(callStartFromMetadata({}, jambonz).consent).toEqual({
      analytics: false,
      storeFeatures: false,
      historyOptOut: false,
    });
    const problems = thrownError(
      () =>
        parseSources(
          JSON.stringify({ fs: { tenant: 'acme', secret: SECRET, consent: { storefeatures: true } } }),
          'L16WS_SOURCES',
          false,
        ),
      ConfigError,
    ).problems.join('\n');
    expect(problems).toMatch(/source "fs".*storefeatures/);
  });

  it('takes rate and mix from the source when the frame has none; agentChannel 0 puts the agent first', () => {
    const start = callStartFromMetadata({ uuid: 'fs-uuid-1' }, fs);
    expect([start.callId, start.sampleRateHz, start.channels]).toEqual([
      'fs-uuid-1',
      16000,
      ['CHANNEL_AGENT', 'CHANNEL_CUSTOMER'],
    ]);
    expect(callStartFromMetadata({ sampleRate: '8k', mixType: 'mono' }, jambonz)).toMatchObject({
      sampleRateHz: 8000,
      channels: ['CHANNEL_CUSTOMER'],
      callId: '',
      consent: { analytics: false, storeFeatures: false, historyOptOut: false },
    });
  });

  it('refuses mixed and unknown mix types, non-JSON, and metadata of the wrong type', () => {
    expect(codeOf(() => callStartFromMetadata({ mixType: 'mixed' }, jambonz))).toBe('BAD_CHANNEL_LAYOUT');
    expect(codeOf(() => callStartFromMetadata({ mixType: 'quad' }, jambonz))).toBe('BAD_CHANNEL_LAYOUT');
    expect(codeOf(() => parseMetadata('[1]'))).toBe('BAD_METADATA');
    expect(codeOf(() => parseMetadata('{'))).toBe('BAD_METADATA');
    expect(codeOf(() => callStartFromMetadata({ agentId: 7 }, jambonz))).toBe('BAD_METADATA');
    expect(codeOf(() => callStartFromMetadata({ consent: 'yes' }, jambonz))).toBe('BAD_METADATA');
  });

  it('maps errors to close codes and reasons of at most 123 bytes', () => {
    expect(closeCodeOf(new IngestError('BAD_TOKEN', 'x'))).toBe(4401);
    expect(closeCodeOf(new IngestError('MISSING_CALL_START', 'x'))).toBe(4412);
    expect(closeCodeOf(new IngestError('TOO_MANY_CALLS', 'x'))).toBe(4429);
    expect(closeCodeOf(new IngestError('SHUTTING_DOWN', 'x'))).toBe(1001);
    expect(closeCodeOf(new IngestError('BROKER_UNAVAILABLE', 'x'))).toBe(1013);
    const reason = closeReasonOf(new IngestError('BAD_METADATA', 'é'.repeat(200)));
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason.startsWith('BAD_METADATA: ')).toBe(true);
  });
});

describe('l16ws configuration', () => {
  const SOURCES = JSON.stringify({ jambonz: { tenant: 'acme', secret: SECRET } });
  const problems = (env: Record<string, string>) =>
    thrownError(() => loadL16WsConfig(env, false, ['acme']), ConfigError).problems.join('\n');

  it('is off without L16WS_PORT, and needs its sources with it', () => {
    expect(loadL16WsConfig({}, false, ['acme'])).toBeNull();
    expect(problems({ L16WS_SOURCES: SOURCES })).toMatch(/^L16WS_PORT/);
    expect(problems({ L16WS_PORT: '8443' })).toMatch(/^L16WS_SOURCES/);
    expect(loadL16WsConfig({ L16WS_PORT: '8443', L16WS_SOURCES: SOURCES }, false, ['acme'])).toMatchObject({
      host: '0.0.0.0',
      port: 8443,
      sources: [{ id: 'jambonz', tenant: 'acme', agentChannel: 1, tokenIn: 'header' }],
    });
  });

  it('refuses a source of a tenant without a tenant token', () => {
    const ghost = JSON.stringify({ jambonz: { tenant: 'ghost', secret: SECRET } });
    expect(problems({ L16WS_PORT: '8443', L16WS_SOURCES: ghost })).toBe(
      'L16WS_SOURCES: source "jambonz": tenant "ghost" has no tenant token',
    );
  });
});
