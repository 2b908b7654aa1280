// Consent only narrows mid-call: each flag's allowed direction, repeats, widenings (also mixed
// with a narrowing) and the deterministic event id suffix.
import { describe, expect, it } from 'vitest';
import {
  consentEventSuffix,
  consentOf,
  consentStep,
} from '../../../../services/ingest-gateway/consent-change.ts';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';

const ALL = { analytics: true, storeFeatures: true, historyOptOut: false };

function refusal(run: () => unknown): IngestError {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error;
  }
  throw new Error('not refused');
}

describe('consent change', () => {
  it('takes each narrowing, alone or together', () => {
    expect(consentStep(ALL, { ...ALL, analytics: false })).toBe('narrowed');
    expect(consentStep(ALL, { ...ALL, storeFeatures: false })).toBe('narrowed');
    expect(consentStep(ALL, { ...ALL, historyOptOut: true })).toBe('narrowed');
    expect(consentStep(ALL, { analytics: false, storeFeatures: false, historyOptOut: true })).toBe(
      'narrowed',
    );
  });

  it('calls the same consent a repeat (an absent opt-out is no opt-out)', () => {
    expect(consentStep(ALL, { ...ALL })).toBe('same');
    expect(consentStep({ analytics: true, storeFeatures: true }, ALL)).toBe('same');
  });

  it('refuses every widening with CONSENT_WIDENED, also beside a narrowing', () => {
    const none = { analytics: false, storeFeatures: false, historyOptOut: true };
    for (const [next, flag] of [
      [{ ...none, analytics: true }, 'analytics'],
      [{ ...none, storeFeatures: true }, 'store_features'],
      [{ ...none, historyOptOut: false }, 'history_opt_out'],
    ] as const) {
      const error = refusal(() => consentStep(none, next));
      expect([error.code, error.status]).toEqual(['CONSENT_WIDENED', 'FAILED_PRECONDITION']);
      expect(error.message).toContain(flag);
    }
    const mixed = refusal(() =>
      consentStep({ ...ALL, storeFeatures: false }, { analytics: false, storeFeatures: true }),
    );
    expect(mixed.code).toBe('CONSENT_WIDENED');
  });

  it('reads an absent consent as no consent at all', () => {
    expect(consentOf(null)).toEqual({ analytics: false, storeFeatures: false, historyOptOut: false });
    expect(consentOf({ analytics: true })).toEqual({
      analytics: true,
      storeFeatures: false,
      historyOptOut: false,
    });
  });

  it('names each consent once in the event id', () => {
    expect(consentEventSuffix({ analytics: false, storeFeatures: true })).toBe('call:consent:010');
    expect(consentEventSuffix({ analytics: true, storeFeatures: false, historyOptOut: true })).toBe(
      'call:consent:101',
    );
  });
});
