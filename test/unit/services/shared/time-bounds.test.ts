// Every wall-clock time is bounded at the edge — the gateway's CallStart and
// every time field the call store ingests — so no record can sit beyond retention (far future)
// or before 2000; and retention defaults to 90 days, "forever" only when said explicitly.
import { describe, expect, it } from 'vitest';
import { loadCallStoreConfig } from '../../../../services/call-store/config.ts';
import { parseStoreEvent } from '../../../../services/call-store/events.ts';
import { wallTimeProblem } from '../../../../services/shared/wall-clock.ts';
import { validateCallStart, type RawCallStart } from '../../../../services/ingest-gateway/validate.ts';
import { configProblems } from '../../../support/thrown.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const DAY = 86_400_000;

describe('wall-clock bounds', () => {
  it('accept the past since 2000 and up to a day of clock skew', () => {
    expect(wallTimeProblem(Date.parse('2000-01-01T00:00:00Z'), NOW)).toBeNull();
    expect(wallTimeProblem(NOW + DAY, NOW)).toBeNull();
    expect(wallTimeProblem(NOW + DAY + 1, NOW)).toMatch(/more than a day in the future/);
    expect(wallTimeProblem(Date.parse('1999-12-31T23:59:59Z'), NOW)).toMatch(/before 2000/);
    expect(wallTimeProblem(9e15, NOW)).toMatch(/future/);
    expect(wallTimeProblem(Number.NaN, NOW)).toMatch(/not a time/);
  });

  it('make the gateway refuse a CallStart start time out of them with BAD_START_TIME', () => {
    const raw: RawCallStart = {
      callId: 'c-1',
      tenant: '',
      agentId: 'agent-1',
      queue: '',
      customerRef: '',
      startTimeMs: 0,
      codec: 'CODEC_PCMU',
      sampleRateHz: 8000,
      channels: [],
      consent: null,
      team: '',
    };
    expect(validateCallStart(raw, 'acme', NOW).startTimeMs).toBe(NOW);
    expect(validateCallStart({ ...raw, startTimeMs: NOW - 3 * DAY }, 'acme', NOW).startTimeMs).toBe(
      NOW - 3 * DAY,
    );
    for (const startTimeMs of [NOW + 2 * DAY, 8.64e15 + 1, Date.parse('1990-01-01T00:00:00Z'), -5]) {
      expect(() => validateCallStart({ ...raw, startTimeMs }, 'acme', NOW)).toThrow(
        expect.objectContaining({ code: 'BAD_START_TIME', status: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('make the call store refuse every wall-clock field out of them with INVALID_RECORD', () => {
    const future = new Date(NOW + 30 * DAY).toISOString();
    const events = {
      startedAt: {
        kind: 'call-start',
        callId: 'c',
        tenant: 'acme',
        agentId: 'a',
        startedAt: future,
        consent: { analytics: true, storeFeatures: true },
      },
      endedAt: { kind: 'call-end', callId: 'c', tenant: 'acme', endedAt: future },
      firedAt: {
        kind: 'alert',
        alertId: 'x',
        callId: 'c',
        tenant: 'acme',
        ruleId: 'r',
        severity: 'warning',
        audience: 'supervisor',
        startMs: 0,
        firedAt: future,
        message: 'm',
      },
      ackedAt: { kind: 'ack', alertId: 'x', callId: 'c', tenant: 'acme', ackedBy: 's', ackedAt: future },
    };
    for (const [field, event] of Object.entries(events)) {
      expect(() => parseStoreEvent(event, NOW)).toThrow(
        expect.objectContaining({
          code: 'INVALID_RECORD',
          details: [`event.${field}: is more than a day in the future`],
        }),
      );
      const fine = { ...event, [field]: new Date(NOW - DAY).toISOString() };
      expect(parseStoreEvent(fine, NOW).kind).toBe(event.kind);
    }
    const ancient = { ...events.startedAt, startedAt: '1970-01-01T00:00:00Z' };
    expect(() => parseStoreEvent(ancient, NOW)).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
    // The announcement time too: year 0 failed the whole batch in PostgreSQL.
    const announced = {
      ...events.startedAt,
      startedAt: new Date(NOW).toISOString(),
      announcedAt: '0000-01-01T00:00:00Z',
    };
    expect(() => parseStoreEvent(announced, NOW)).toThrow(
      expect.objectContaining({
        code: 'INVALID_RECORD',
        details: ['event.announcedAt: is before 2000-01-01'],
      }),
    );
  });

  it('keep every time in UTC: an offset past ±15:59 is ISO 8601 but not PostgreSQL', () => {
    const start = {
      kind: 'call-start',
      callId: 'c',
      tenant: 'acme',
      agentId: 'a',
      startedAt: '2026-12-04T08:00:00+20:00',
      announcedAt: '2026-12-03T15:59:30-20:00',
      consent: { analytics: true, storeFeatures: true },
    };
    expect(parseStoreEvent(start, NOW)).toMatchObject({
      startedAt: '2026-12-03T12:00:00.000Z',
      announcedAt: '2026-12-04T11:59:30.000Z',
    });
  });
});

describe('call store retention settings', () => {
  const env = { KAFKA_BROKERS: '127.0.0.1:9092', JWT_SECRET: 'x'.repeat(32) };
  const problems = (over: Record<string, string>) =>
    configProblems(() => loadCallStoreConfig({ ...env, ...over }));

  it('keep calls 90 days by default', () => {
    const config = loadCallStoreConfig(env);
    expect([config.DEFAULT_RETENTION_DAYS, config.RETENTION_KEEP_FOREVER, config.ORPHAN_GRACE_HOURS]).toEqual(
      [90, false, 24],
    );
  });

  it('read per-tenant retention days from TENANT_RETENTION_DAYS and refuse a bad entry', () => {
    expect(
      loadCallStoreConfig({ ...env, TENANT_RETENTION_DAYS: 'acme=30, beta=365' }).TENANT_RETENTION_DAYS,
    ).toEqual({
      acme: 30,
      beta: 365,
    });
    expect(loadCallStoreConfig(env).TENANT_RETENTION_DAYS).toEqual({});
    for (const bad of ['acme', 'acme=0', 'acme=40000', 'acme=-1', 'a b=3'])
      expect(problems({ TENANT_RETENTION_DAYS: bad }).join()).toMatch(/^TENANT_RETENTION_DAYS: /);
  });

  it('refuse 0 days unless RETENTION_KEEP_FOREVER=true says forever is meant', () => {
    expect(problems({ DEFAULT_RETENTION_DAYS: '0' })).toEqual([
      expect.stringMatching(
        /^DEFAULT_RETENTION_DAYS: 0 keeps calls forever; set RETENTION_KEEP_FOREVER=true/,
      ),
    ]);
    expect(problems({ DEFAULT_RETENTION_DAYS: '0', RETENTION_KEEP_FOREVER: 'true' })).toEqual([]);
    expect(problems({ RETENTION_KEEP_FOREVER: 'true' })[0]).toMatch(/^RETENTION_KEEP_FOREVER: /);
  });
});
