// The "speaking too fast" line: the default rule (config/alert-rules.yaml, agent-too-fast), the
// agent's page and the scorecard's agentPace part judge the same measure against the same limit.
// A tenant's own file (or the global one) may change the rule: the agent's page and the
// scorecard's agentPace then judge the rule in force for the call's tenant and queue (pace-line.ts:
// its limit and minSpeechFraction, and for the page its maxGapMs; no note and no pace part where it
// is switched off or judges other queues), so these constants are the shipped rule's line.
// The measure is pace while speaking (the articulation rate: syllables per second of speech,
// pipelines/dsp/pace.ts), on windows at least PACE_MIN_SPEECH_FRACTION speech: over less, the
// syllable count is divided by little speech time and balloons (line noise that hid half of a
// voice from the VAD read 15-35 syllables/s). The limit: the usual pace differs by language (read
// speech 5.2 syllables/s in Mandarin to 7.8 in Spanish and Japanese: Pellegrino, Coupé & Marsico
// 2011, "A cross-language perspective on speech information rate", Language 87(3)); the old 5.5
// was exceeded by 46-79 % of the neutral speech windows of EmoDB, nEMO, EMOVO and ASED, 7 by
// 4-13 % (EmoDB's read sentences: 43 %). Pure, no I/O.

/** Pace while speaking above this (syllables per second of speech) is too fast. */
export const AGENT_PACE_LIMIT = 7;
/** A window's pace while speaking counts from this speech fraction on. */
export const PACE_MIN_SPEECH_FRACTION = 0.5;
/**
 * The agent page's "too fast" note waits until pace while speaking has stayed over the limit this
 * long (audio ms, from the first window over it): 4-13 % of calm speech windows are over 7 on
 * their own (above), so a note judged on one window flips between "too fast" and "good pace"
 * during calm speech. The agent-too-fast rule waits 15 s before its "Slow down" cue; the note
 * warns sooner, on a pace that holds.
 */
export const PACE_NOTE_SUSTAIN_MS = 5000;
/**
 * A run of the page's "too fast" note is broken when no window over the limit was seen for this
 * long (audio ms), as the agent-too-fast rule's run is (its maxGapMs, the rule file's default; the
 * page takes the maxGapMs of the rule in force, pace-line.ts): two
 * fast phrases a minute apart, the customer talking between, are two moments, not a held pace.
 */
export const PACE_NOTE_MAX_GAP_MS = 10_000;
