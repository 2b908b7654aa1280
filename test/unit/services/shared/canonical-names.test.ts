// One agent, team or queue however its name was composed: NFC everywhere names enter the product
// (locale probe: "René" in NFD was another agent than "René" in NFC; its agent page stayed empty).
import { describe, expect, it } from 'vitest';
import { hashPassword, parseUsers } from '../../../../services/shared/auth/users.ts';
import { parseSearchQuery } from '../../../../services/call-store/store/search.ts';
import { parseStoreEvent } from '../../../../services/call-store/events.ts';
import { canonicalName } from '../../../../services/shared/call-metadata.ts';

const NFD = 'Rene\u0301';
const NFC = 'Ren\u00e9';

describe('canonical names', () => {
  it('are NFC', () => {
    expect(canonicalName(NFD)).toBe(NFC);
    expect(canonicalName('agent-7')).toBe('agent-7');
  });

  it('lose bidirectional marks and invisible characters ("agent\\u061c1-2" was drawn "agent2-1"), keep joiners', () => {
    for (const mark of ['\u061c', '\u200e', '\u200f', '\u200b', '\u2060', '\ufeff'])
      expect(canonicalName(`agent${mark}1-2`)).toBe('agent1-2');
    expect(canonicalName('👨\u200d👩')).toBe('👨\u200d👩');
    expect(canonicalName('می\u200cخواهم')).toBe('می\u200cخواهم');
  });

  it("in the users file: an agent's id and a supervisor's teams", async () => {
    const passwordHash = await hashPassword('x7!Qp9#long-real');
    const users = parseUsers({
      users: [
        {
          username: 'rene',
          displayName: 'R',
          role: 'agent',
          tenant: 'acme',
          agentId: NFD,
          passwordHash,
        },
        {
          username: 'sup',
          displayName: 'S',
          role: 'supervisor',
          tenant: 'acme',
          teams: [NFD],
          passwordHash,
        },
      ],
    });
    expect(users.get('rene')!.principal.agentId).toBe(NFC);
    expect(users.get('sup')!.principal.teams).toEqual([NFC]);
  });

  it('in QA queries and stored call starts; a customer reference stays as sent', () => {
    expect(parseSearchQuery({ agentId: NFD, queue: NFD, team: NFD })).toMatchObject({
      agentId: NFC,
      queue: NFC,
      team: NFC,
    });
    const start = parseStoreEvent({
      kind: 'call-start',
      callId: 'c1',
      tenant: 'acme',
      agentId: NFD,
      queue: NFD,
      team: NFD,
      customerRef: null,
      startedAt: new Date().toISOString(),
      consent: { analytics: true, storeFeatures: true },
    });
    expect(start).toMatchObject({ agentId: NFC, queue: NFC, team: NFC });
  });
});
