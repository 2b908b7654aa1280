// A stream's CallStart before the session takes the call: validated, checked against the dropped
// stream it resumes (a resume may not widen its consent), refused while the broker is down, and
// its customer reference replaced by the tenant's keyed pseudonym. Also the final chunks a resume
// that withdraws analytics sends. Pure apart from the injected lookups and clock.
import type { AudioChunk } from '../shared/records.ts';
import { refuseWhileBrokerDown } from './broker-outage.ts';
import type { DroppedCall, SessionDeps } from './call-session-types.ts';
import { consentStep, type ConsentStep } from './consent-change.ts';
import { callPseudonyms } from './customer-ref.ts';
import { IngestError } from './errors.ts';
import { validateCallStart, type CallSpec, type RawCallStart } from './validate.ts';

/** A CallStart the session may take. */
export interface AcceptedStart {
  /** The call as declared, its customer reference already pseudonymised. */
  spec: CallSpec;
  /** The customer's pseudonym under the tenant's previous key, while rotating (else ''). */
  previousCustomerRef: string;
  /** The dropped stream this one resumes, where this gateway still remembers it. */
  dropped: DroppedCall | null;
  /** The resume's consent against the dropped stream's ('same' for a new call). */
  resumeStep: ConsentStep;
}

/** Throws the IngestError that refuses the start (before anything of the call is claimed). */
export function acceptCallStart(
  raw: RawCallStart,
  deps: Pick<SessionDeps, 'tenant' | 'settings' | 'sink' | 'droppedCall' | 'narrowedConsent'>,
  now: () => number,
): AcceptedStart {
  const { settings, sink } = deps;
  const validated = validateCallStart(raw, deps.tenant, now());
  // A resume may not give back what the dropped stream withdrew (where this gateway still
  // knows it), nor what a consent change withdrew on any gateway (va.calls.v1, consent-feed.ts).
  const dropped = deps.droppedCall?.(validated.tenant, validated.callId) ?? null;
  const resumeStep = dropped ? consentStep(dropped.consent, validated.consent) : 'same';
  const narrowed = deps.narrowedConsent?.(validated.tenant, validated.callId) ?? null;
  if (narrowed) consentStep(narrowed, validated.consent);
  refuseWhileBrokerDown(sink, settings.brokerOutage);
  // The customer reference leaves in clear nowhere: only its keyed pseudonym (customer-ref.ts).
  const refKeys = settings.customerRefKeys.get(validated.tenant);
  if (validated.customerRef !== '' && refKeys === undefined)
    throw new IngestError('INTERNAL_ERROR', 'no customer-reference key for this tenant');
  const pseudonyms = callPseudonyms(
    refKeys ?? { current: '', previous: null },
    validated.tenant,
    validated.customerRef,
  );
  const spec: CallSpec = { ...validated, customerRef: pseudonyms.customerRef };
  return { spec, previousCustomerRef: pseudonyms.previousCustomerRef, dropped, resumeStep };
}

/**
 * Analytics withdrawn by the resume: the dropped stream was handed over without final chunks, so
 * each channel's final marker goes now (at the audio time reached), as a ConsentChange sends it:
 * the dsp-worker closes the call and drops any later audio of it. None when analytics is kept.
 */
export function resumeFinalChunks(current: CallSpec, dropped: DroppedCall, now: () => number): AudioChunk[] {
  return dropped.consent.analytics && !current.consent.analytics
    ? current.channels.map((channel) => ({
        callId: current.callId,
        tenant: current.tenant,
        channel,
        codec: current.codec,
        sampleRateHz: current.sampleRateHz,
        firstSequence: 0,
        lastSequence: 0,
        audioStartMs: dropped.audioMs,
        audioEndMs: dropped.audioMs,
        payload: new Uint8Array(0),
        firstReceivedAtMs: now(),
        receivedAtMs: now(),
        final: true,
        chunkIndex: 0,
        onHold: false,
      }))
    : [];
}
