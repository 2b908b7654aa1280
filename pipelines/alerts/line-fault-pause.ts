// Which windows a rule marked `pausedOnLineFault` does not judge: those whose customer's line is
// suspected one-way (pipelines/dsp/line-watch.ts). A silence or a share of speech there is the
// line's, and a cue such as "Long silence: tell the customer what you are doing" asks the agent to
// talk to a customer who cannot be heard. Pure, no I/O.
import type { AlertRule, Observation } from './types.ts';

/** The window carries a line fault (dynamics only: the fault is the call's, not a speaker's). */
export function onLineFault(obs: Observation): boolean {
  return obs.source === 'dynamics' && (obs.window.customerLineFaultMs ?? 0) > 0;
}

/** The rule does not judge this window: it ends the rule's episode, neither holding nor counting. */
export function pausedByLineFault(rule: Pick<AlertRule, 'pausedOnLineFault'>, obs: Observation): boolean {
  return rule.pausedOnLineFault && onLineFault(obs);
}
