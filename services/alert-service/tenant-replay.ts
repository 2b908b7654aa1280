// The replay log of each tenant: its alerts and acknowledgements numbered by a sequence of their
// own. One sequence for every tenant told a supervisor, by the gap between two numbers it was
// sent, how many alerts and acks the other tenants had meanwhile (tenant-isolation probe), and one
// tenant's burst evicted the others' entries. Each log starts at the hub's `firstSeq` (above any
// number an earlier run of this instance gave out, hub.ts). Pure.
import { createReplayBuffer, type ReplayBuffer } from './replay-buffer.ts';

export interface TenantReplay<T> {
  /** The log of `tenant` (created empty, numbered from firstSeq, on first use). */
  of(tenant: string): ReplayBuffer<T>;
}

export function createTenantReplay<T>(capacityPerTenant: number, firstSeq: number): TenantReplay<T> {
  const logs = new Map<string, ReplayBuffer<T>>();
  return {
    of(tenant) {
      let log = logs.get(tenant);
      if (log === undefined) {
        log = createReplayBuffer<T>(capacityPerTenant, firstSeq);
        logs.set(tenant, log);
      }
      return log;
    },
  };
}
