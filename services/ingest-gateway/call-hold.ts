// One stream's CallHold state (ingest.proto, CallAudio field 4): on or off hold, applied to every
// channel where its timeline is when the message arrives. A hold change closes each channel's
// chunk, so none straddles it; a repeat of the current state changes nothing. Pure apart from the
// injected logger and the chunk callback.
import type { Channel } from '../../pipelines/dsp/types.ts';
import type { Logger } from '../shared/logger.ts';
import type { AudioChunk } from '../shared/records.ts';
import type { ChannelBatcher } from './channel-batcher.ts';

/** Hold changes of one stream that are logged; later ones are not (a toggling client flooded the log). */
const HOLD_CHANGES_LOGGED = 20;

export interface CallHoldDeps {
  batchers: ReadonlyMap<Channel, ChannelBatcher>;
  logger: () => Logger;
  /** Audio time the call has reached (logged with each change). */
  audioMs: () => number;
  nowMs: () => number;
  /** A chunk a hold change closed: it leaves in the state its audio was sent in. */
  closed: (channel: Channel, chunk: AudioChunk) => void;
}

export interface CallHold {
  /** Applies CallHold; false when it repeats the current state (nothing changed). */
  set(onHold: boolean): boolean;
  onHold(): boolean;
}

/** A new stream (also a resumed one) starts off hold (ingest.proto). */
export function createCallHold(deps: CallHoldDeps): CallHold {
  let onHold = false;
  let changes = 0;
  return {
    onHold: () => onHold,
    set(next) {
      if (next === onHold) return false;
      onHold = next;
      // Logged up to HOLD_CHANGES_LOGGED per stream: a client toggling hold with no audio between
      // wrote a line per message (20 000 lines in 2 s from one stream, review).
      changes += 1;
      if (changes <= HOLD_CHANGES_LOGGED)
        deps.logger().info(next ? 'call on hold' : 'call off hold', {
          audioMs: deps.audioMs(),
          ...(changes === HOLD_CHANGES_LOGGED ? { further: 'not logged' } : {}),
        });
      for (const [channel, batcher] of deps.batchers) {
        const before = batcher.setOnHold(next, deps.nowMs());
        if (before !== null) deps.closed(channel, before);
      }
      return true;
    },
  };
}
