// Whether a channel's speech at a frame is a voice of its own or the other speaker's echo or
// crosstalk, for overtalk (dynamics.ts). Echo is far below the other channel's level AND far below
// this channel's own voice; comparing the two channels alone dropped real overtalk whenever the
// legs differ in level (a headset agent near -15 dBFS and a quiet mobile customer near -40 read as
// echo: a 1 s barge-in at 25 dB down was not counted, review). The own voice level is a slow peak
// follower over the channel's speech frames that are not echo-like (so an echo cannot teach it);
// before the channel has been heard on its own, the cross-channel test decides alone. Network
// echo is at least 20-30 dB down (ITU-T G.168's echo return loss). Pure, no I/O, no allocation.
import { levelAt, vadAt, voiceAt, type VadTrack } from './vad-track.ts';

/** The quieter channel's peak this far below the other's: it may carry the other's echo (dB). */
export const OVERTALK_BALANCE_DB = 20;
/** Echo also sits this far below the channel's own voice (dB); a quiet voice does not. */
export const ECHO_BELOW_OWN_VOICE_DB = 12;
/** The own-voice follower falls this much per frame without louder speech (0.2 dB/s at 10 ms). */
const VOICE_DECAY_DB_PER_FRAME = 0.002;
/** Frames over which a channel's level is its loudest (100 ms at the 10 ms hop): a syllable's peak. */
const LEVEL_REACH_FRAMES = 10;

function recentPeakDb(t: VadTrack, frame: number): number {
  let peak = -Infinity;
  for (let j = frame - LEVEL_REACH_FRAMES + 1; j <= frame; j++) peak = Math.max(peak, levelAt(t, j));
  return peak;
}

/** Far below the other channel at this frame, where the other speaks: possibly its echo. */
function echoLike(me: VadTrack, other: VadTrack, frame: number): boolean {
  return (
    vadAt(other, frame) === 1 && recentPeakDb(me, frame) < recentPeakDb(other, frame) - OVERTALK_BALANCE_DB
  );
}

/** `me` carries only the other's echo at this frame. */
function isEcho(me: VadTrack, other: VadTrack, frame: number): boolean {
  if (!echoLike(me, other, frame)) return false;
  const voice = voiceAt(me, frame);
  return voice === -Infinity || recentPeakDb(me, frame) < voice - ECHO_BELOW_OWN_VOICE_DB;
}

/** Both speak at this frame, each with a voice of its own (neither only the other's echo). */
export function overlapsAt(agent: VadTrack, customer: VadTrack, frame: number): boolean {
  return (
    vadAt(agent, frame) === 1 &&
    vadAt(customer, frame) === 1 &&
    !isEcho(agent, customer, frame) &&
    !isEcho(customer, agent, frame)
  );
}

/** Follows `me`'s own voice level up to (not including) frame `end`, once per frame. */
function followVoice(me: VadTrack, other: VadTrack, end: number): void {
  let frame = Math.max(me.voiceEnd, me.offset);
  let voice = voiceAt(me, frame - 1);
  for (; frame < Math.min(end, me.offset + me.length); frame++) {
    voice -= VOICE_DECAY_DB_PER_FRAME;
    if (vadAt(me, frame) === 1 && !echoLike(me, other, frame)) voice = Math.max(voice, levelAt(me, frame));
    me.voice[frame - me.offset] = voice;
  }
  me.voiceEnd = frame;
}

/** Both channels' own voice levels known up to frame `end`. */
export function followVoices(agent: VadTrack, customer: VadTrack, end: number): void {
  followVoice(agent, customer, end);
  followVoice(customer, agent, end);
}
