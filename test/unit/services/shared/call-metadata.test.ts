// The bounds of a call's metadata (ids, names) that every intake and the call store keep: lengths,
// no control character, no bidirectional override that would make one name read as another.
import { describe, expect, it } from 'vitest';
import { callMetadataProblem } from '../../../../services/shared/call-metadata.ts';

describe('callMetadataProblem', () => {
  it('keeps ordinary ids and names, Unicode letters included', () => {
    for (const value of ['agent-7', 'Équipe Nord', 'فريق', 'チーム', 'می\u200cخواهم', '👨\u200d👩\u200d👧'])
      expect(callMetadataProblem('team', value)).toBeNull();
  });

  it('refuses control characters and bidirectional overrides and isolates', () => {
    for (const value of ['a\u0000b', 'a\nb', 'a\u007fb', 'agent-1\u202e7', 'q\u2066x\u2069', 'a\u202ab'])
      expect(callMetadataProblem('agentId', value)).toBe('agentId contains a control character');
  });
});
