// Whether a CallStart may go on when this gateway could not confirm it has read every consent
// change published before it (CONSENT_UNCONFIRMED: the broker unreachable for CONSENT_CHECK_MAX_MS).
// The check exists for one case: a call moved here from another gateway (a rolling deploy, a
// dropped stream) whose consent was withdrawn there. Such a resume carries its call's start time,
// which is in the past; a brand-new call's is now (or 0, "now"). Refusing every start while the
// broker is away refused new calls that cannot have a consent change anywhere (review: a 2 s
// broker blip refused them, where before the gateway took them and buffered until
// BROKER_SHED_AFTER_MS): a start this recent goes on, checked against the changes already read;
// an older one (a resume) stays refused, fail closed. A client that resumes a call with
// start_time_ms 0 passes for a new one: send the call's start time on a resume (README).
import type { IngestError } from './errors.ts';

/** A start at most this old is a new call's: covers clock skew between platform and gateway. */
export const NEW_CALL_START_MAX_AGE_MS = 5_000;

/**
 * `firstAudioMs`: the audio time of the stream's first frame, when one came during the wait. A
 * resume's frames go on where its call left off (audio_time_ms, "ms since call start"), whatever
 * start time it sends: a client resuming with start_time_ms 0 (as the README's transfer and the
 * test helpers do) is told apart by it.
 */
export function startMayGoOnUnconfirmed(
  error: IngestError,
  startTimeMs: number,
  nowMs: number,
  firstAudioMs: number | null = null,
): boolean {
  if (error.code !== 'CONSENT_UNCONFIRMED') return false;
  if (firstAudioMs !== null && firstAudioMs > NEW_CALL_START_MAX_AGE_MS) return false;
  return startTimeMs === 0 || nowMs - startTimeMs <= NEW_CALL_START_MAX_AGE_MS;
}
