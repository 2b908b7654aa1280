// When a call handed over (UNAVAILABLE: a stop, a broker outage) whose consent changed on this
// gateway tells its client to move: once the consent-changed event is acknowledged, so the gateway
// the call resumes on reads the change before it takes the resume (consent-feed.ts); at most
// HANDOVER_CONSENT_WAIT_MS later, so a broker outage does not keep the client here. Pure apart
// from a timer.

/** How long a hand-over's status may wait for the call's consent-changed event. */
export const HANDOVER_CONSENT_WAIT_MS = 2_000;

/** Runs `then` once `announced` settles, or after `maxWaitMs`, whichever comes first. */
export function afterAnnounced(
  announced: Promise<unknown>,
  then: () => void,
  maxWaitMs = HANDOVER_CONSENT_WAIT_MS,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    void announced.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  }).then(then);
}
