// Where a consumer of the derived windows (the emotion classifier, the alert and routing engines)
// judges a stream's next window from, and the error of one that cannot follow. Outside
// pipelines/dsp: the emotion data cache is keyed by that folder's sources. Pure.
import { CodedError } from './errors.ts';

/** Where a derived window sits on its call's grid, and when its audio reached the gateway. */
export interface WindowPlace {
  windowIndex: number;
  startMs: number;
  /** Wall clock (ms) when the audio completing the window reached the gateway; 0 = unknown. */
  arrivalMs: number;
}

/**
 * The place to judge a stream's next window from once `next` is taken: its own, with the last
 * known arrival clock carried over when its own is unknown (0: a window an idle flush or a jump
 * completed). Taken as the reference, a 0 made every later window's time at the gateway unknown,
 * and a later long resume of the call was refused for good.
 */
export const nextPlace = (prev: WindowPlace | null, next: WindowPlace): WindowPlace =>
  next.arrivalMs > 0 || prev === null ? next : { ...next, arrivalMs: prev.arrivalMs };

/** A window that cannot follow its stream's previous one (dead-lettered by the services). */
export class WindowJumpError extends CodedError<'WINDOW_JUMP'> {
  constructor(message: string) {
    super('WINDOW_JUMP', message);
  }
}
