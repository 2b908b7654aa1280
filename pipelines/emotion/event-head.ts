// Where an emotion event sits: its deterministic id, call, speaker and window. Pure.
import type { EmotionEvent } from './types.ts';
import type { Channel, SpeakerWindow } from '../dsp/types.ts';

export type EventHead = Pick<
  EmotionEvent,
  'eventId' | 'callId' | 'channel' | 'windowIndex' | 'startMs' | 'endMs'
>;

export function eventHead(callId: string, channel: Channel, window: SpeakerWindow): EventHead {
  return {
    eventId: `${callId}:${channel}:${window.windowIndex}:emotion`,
    callId,
    channel,
    windowIndex: window.windowIndex,
    startMs: window.startMs,
    endMs: window.endMs,
  };
}
