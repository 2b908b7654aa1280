// gRPC streams authenticated but still waiting for their CallStart, counted in all and per
// tenant. They are counted by nothing else (not live calls yet, not in a tenant's quota) and one
// HTTP/2 connection carries any number of them: a tenant opening 45 000 silent streams grew the
// gateway to 805 MB, past its pod's 768 Mi, until each timed out (noisy-tenant probe). The L16
// WebSocket adapter caps its waiting sockets likewise (L16WS_MAX_WAITING, per address; 0 turns it
// off there, while these caps are always on). Pure.

export interface WaitingStreams {
  /** Counts a stream of `tenant` in; false (not counted) when it is over a cap. */
  enter(tenant: string): boolean;
  /** Counts it out (its CallStart came, or it ended): call once per stream entered. */
  leave(tenant: string): void;
}

export function createWaitingStreams(caps: { total: number; perTenant: number }): WaitingStreams {
  const perTenant = new Map<string, number>();
  let total = 0;
  return {
    enter(tenant) {
      const mine = perTenant.get(tenant) ?? 0;
      if (total >= caps.total || mine >= caps.perTenant) return false;
      perTenant.set(tenant, mine + 1);
      total += 1;
      return true;
    },
    leave(tenant) {
      const mine = perTenant.get(tenant) ?? 0;
      if (mine <= 0) return;
      if (mine === 1) perTenant.delete(tenant);
      else perTenant.set(tenant, mine - 1);
      total -= 1;
    },
  };
}
