// Where a consumer of the derived windows judges a speaker's next window from. Pure.
import type { WindowPlace } from './types.ts';

/**
 * The place to judge a stream's next window from once `next` is taken: its own, with the last
 * known arrival clock carried over when its own is unknown (0: a window an idle flush or a jump
 * completed). Taken as the reference, a 0 made every later window's time at the gateway unknown,
 * and a later long resume of the call was refused for good.
 */
export const nextPlace = (prev: WindowPlace | null, next: WindowPlace): WindowPlace =>
  next.arrivalMs > 0 || prev === null ? next : { ...next, arrivalMs: prev.arrivalMs };
