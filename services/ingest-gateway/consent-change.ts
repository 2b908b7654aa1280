// A call's consent mid-call (va.ingest.v1.ConsentChange, and a resumed stream's CallStart): it only
// narrows. Decides whether a new consent narrows the call's, repeats it, or widens it (refused,
// CONSENT_WIDENED), and names the call event that carries it. Pure.
import type { Consent } from '../shared/records.ts';
import { IngestError } from './errors.ts';

/** va.common.v1.Consent as proto-loader decodes it (absent = every flag false: no consent). */
export type RawConsent = { analytics?: boolean; storeFeatures?: boolean; historyOptOut?: boolean } | null;

export type ConsentStep = 'same' | 'narrowed';

export function consentOf(raw: RawConsent | undefined): Required<Consent> {
  return {
    analytics: raw?.analytics === true,
    storeFeatures: raw?.storeFeatures === true,
    historyOptOut: raw?.historyOptOut === true,
  };
}

/** The flags `next` would widen against `current` (a permission given back, or an opt-out lifted). */
export function widenedFlags(current: Consent, next: Consent): string[] {
  const widened: string[] = [];
  if (next.analytics && !current.analytics) widened.push('analytics');
  if (next.storeFeatures && !current.storeFeatures) widened.push('store_features');
  if (next.historyOptOut !== true && current.historyOptOut === true) widened.push('history_opt_out');
  return widened;
}

/**
 * `next` against the call's `current` consent: the same, or narrower in at least one flag.
 * Throws CONSENT_WIDENED when any flag widens (also when another narrows at once: the client's
 * idea of the call's consent is wrong, and the call keeps the narrower one it has).
 */
export function consentStep(current: Consent, next: Consent): ConsentStep {
  const widened = widenedFlags(current, next);
  if (widened.length > 0)
    throw new IngestError(
      'CONSENT_WIDENED',
      `consent only narrows during a call: ${widened.join(', ')} cannot be given back`,
    );
  const same =
    next.analytics === current.analytics &&
    next.storeFeatures === current.storeFeatures &&
    (next.historyOptOut === true) === (current.historyOptOut === true);
  return same ? 'same' : 'narrowed';
}

/**
 * The event id suffix of a consent: consent only narrows, so each consent a call can have comes
 * once, and a repeat (a resumed stream sending it again, a replay) carries the same id.
 */
export function consentEventSuffix(consent: Consent): string {
  const bit = (flag: boolean | undefined) => (flag === true ? '1' : '0');
  return `call:consent:${bit(consent.analytics)}${bit(consent.storeFeatures)}${bit(consent.historyOptOut)}`;
}
