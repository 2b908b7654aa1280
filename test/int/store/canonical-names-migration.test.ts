// Migration 012 (names as the product keeps them, services/shared/call-metadata.ts canonicalName):
// a call stored before with an NFD agent id, team and queue, or one with a bidirectional mark,
// is found by its agent's NFC id and summarised under it; an NFC call is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from '../../../services/call-store/backend/backend.ts';
import { createCallStore, type CallStore } from '../../../services/call-store/store.ts';
import { parseSearchQuery } from '../../../services/call-store/store/search.ts';
import { upgradeFrom } from './old-schema.ts';

const staff = { tenant: 'acme', agentId: null, teams: null };
const NFD = 'Rene\u0301';
const NFC = 'Ren\u00e9';

const call = (id: string, agent: string, team: string, queue: string) =>
  `INSERT INTO calls (call_id, tenant, agent_id, team, queue, started_at, ended_at, duration_ms, status)
   VALUES ('${id}', 'acme', '${agent}', '${team}', '${queue}', now() - interval '1 hour',
     now() - interval '59 minutes', 60000, 'ended')`;

describe('migration 012: canonical names', () => {
  let backend: SqlBackend;
  let store: CallStore;
  beforeAll(async () => {
    const upgraded = await upgradeFrom(12, [
      call('nfd-1', NFD, `team ${NFD}`, `queue ${NFD}`),
      call('mark-1', 'agent\u200f7', 'billing', 'q'),
      call('nfc-1', NFC, 'billing', 'q'),
    ]);
    backend = upgraded.backend;
    expect(upgraded.applied).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    store = createCallStore(backend);
  });
  afterAll(() => backend.close());

  it('rewrites the names stored before in NFC, without marks', async () => {
    const rows = await backend.query<{ call_id: string; agent_id: string; team: string; queue: string }>(
      'SELECT call_id, agent_id, team, queue FROM calls ORDER BY call_id',
    );
    expect(rows).toEqual([
      { call_id: 'mark-1', agent_id: 'agent7', team: 'billing', queue: 'q' },
      { call_id: 'nfc-1', agent_id: NFC, team: 'billing', queue: 'q' },
      { call_id: 'nfd-1', agent_id: NFC, team: `team ${NFC}`, queue: `queue ${NFC}` },
    ]);
    // Asked for by the NFD id, as the API parses it (canonicalName): both calls.
    const found = await store.searchCalls(staff, parseSearchQuery({ agentId: NFD }));
    expect(found.calls.map((c) => c.callId).sort()).toEqual(['nfc-1', 'nfd-1']);
  });
});
