// The one error base and the one way to read a code: a subclass keeps its name and code, says
// whether a retry can succeed and carries its details into a dead-letter reason; errorCode reads
// the code of anything thrown, ours or a library's, and falls back only when there is none.
import { describe, expect, it } from 'vitest';
import { CodedError, errorCode, errorReason } from '../../../pipelines/errors.ts';
import { AlertRuleError } from '../../../pipelines/alerts/rule-config.ts';
import { DecodeError } from '../../../services/shared/codec.ts';
import { StoreError } from '../../../services/call-store/errors.ts';
import { IngestError } from '../../../services/ingest-gateway/errors.ts';

describe('CodedError', () => {
  it('names each subclass after itself and keeps code, cause and rule coordinates', () => {
    const cause = new Error('bytes');
    const decode = new DecodeError('SCHEMA_MISMATCH', 'wrong schema', { cause });
    expect([decode.name, decode.code, decode.cause, decode.retriable]).toEqual([
      'DecodeError',
      'SCHEMA_MISMATCH',
      cause,
      false,
    ]);
    expect(decode).toBeInstanceOf(CodedError);
    const rule = new AlertRuleError('RULE_INVALID', 'bad threshold', 'angry-customer', 'threshold');
    expect([rule.name, rule.code, rule.ruleId, rule.field]).toEqual([
      'AlertRuleError',
      'RULE_INVALID',
      'angry-customer',
      'threshold',
    ]);
  });

  it('is retriable only where trying again can succeed', () => {
    expect(new StoreError('RATE_LIMITED', 'slow down', [], { retryAfterMs: 1000 }).retriable).toBe(true);
    expect(new StoreError('INVALID_RECORD', 'bad').retriable).toBe(false);
    expect(new IngestError('BROKER_UNAVAILABLE', 'broker away', 500).retriable).toBe(true);
    expect(new IngestError('BAD_METADATA', 'bad agent id').retriable).toBe(false);
  });
});

describe('errorCode and errorReason', () => {
  it("read a library's string code as well as ours, and fall back only without one", () => {
    expect(errorCode(new DecodeError('DECODE_FAILED', 'x'))).toBe('DECODE_FAILED');
    expect(errorCode(Object.assign(new Error('pg'), { code: '23505' }), 'FALLBACK')).toBe('23505');
    expect(errorCode(Object.assign(new Error('n'), { code: 42 }), 'FALLBACK')).toBe('FALLBACK');
    expect(errorCode(Object.assign(new Error('e'), { code: '' }), 'FALLBACK')).toBe('FALLBACK');
    expect(errorCode(null, 'FALLBACK')).toBe('FALLBACK');
    expect(errorCode('a string')).toBeUndefined();
  });

  it('append the details of a coded error to its message, as a dead letter carries them', () => {
    const invalid = new StoreError('INVALID_RECORD', 'invalid store event', [
      'agentId: too long',
      'team: NUL',
    ]);
    expect(errorReason(invalid)).toBe('invalid store event: agentId: too long; team: NUL');
    expect(errorReason(new Error('plain'))).toBe('plain');
    expect(errorReason('thrown text')).toBe('thrown text');
  });
});
