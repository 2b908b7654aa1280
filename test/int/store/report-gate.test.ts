// Pen-test pen31: the heavy reports' slots are per tenant. The alert precision report had one slot
// for the whole process, shared by every tenant of the deployment: a competitor's reviewer
// pressing "Show" every few seconds kept every other tenant's report answering 503 DATABASE_BUSY.
// The CSAT report had no limit at all (eight at once held every pool connection ingest needs).
import { expect, it } from 'vitest';
import type { Scope } from '../../../services/shared/auth/call-access.ts';
import { describeEachBackend } from './backends.ts';
import { lifecycleCall } from './alert-lifecycle-call.ts';

const staffOf = (tenant: string): Scope => ({ tenant, agentId: null, teams: null });
const HOUR = 3_600_000;

describeEachBackend('heavy reports, one per tenant, two in all (%s)', (store) => {
  it("serves a tenant's precision report while another tenant's runs", async () => {
    for (const tenant of ['acme', 'globex']) {
      const life = lifecycleCall({ callId: `g-${tenant}`, tenant, startedAt: new Date(Date.now() - HOUR) });
      await store().write(life.events);
    }
    const both = await Promise.allSettled([
      store().alertPrecision(staffOf('acme'), {}),
      store().alertPrecision(staffOf('globex'), {}),
    ]);
    expect(both.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  });

  it("refuses a tenant's second report while its first runs, and a third tenant past two", async () => {
    const settled = await Promise.allSettled([
      store().csatReport(staffOf('acme')),
      store().csatReport(staffOf('acme')),
      store().alertPrecision(staffOf('acme'), {}),
      store().csatReport(staffOf('globex')),
      store().csatReport(staffOf('initech')),
    ]);
    const codes = settled.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
    expect(codes).toEqual(['ok', 'DATABASE_BUSY', 'DATABASE_BUSY', 'ok', 'DATABASE_BUSY']);
    // Free again once they are done.
    await expect(store().csatReport(staffOf('initech'))).resolves.toBeDefined();
  });
});
