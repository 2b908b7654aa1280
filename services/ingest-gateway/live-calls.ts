// The gateway's registry of live calls: claims (tenant, call id) pairs (a tenant cannot stream one
// of its live ids twice), bounds the number of concurrent calls, per tenant (its quota) and in
// all, and finds idle ones. Another
// tenant's live ids are invisible here: the same id in two tenants is two calls, and the refusal
// names only the caller's own id. Pure (the caller sweeps on a timer).
import { callKey } from '../shared/call-key.ts';
import { IngestError } from './errors.ts';
import { NO_TENANT_QUOTAS, type TenantQuotas } from './tenant-quotas.ts';

export interface LiveCall {
  readonly tenant: string;
  readonly callId: string;
  /** Monotonic clock (performance.now) of the last message on the stream: NTP steps move it not. */
  lastActivityMs: number;
  /**
   * True while the gateway itself holds the stream back (backpressure): its silence is ours, so
   * it is never idle then (overload must not turn into lost calls).
   */
  held?: boolean;
  /**
   * The client put the call on hold (CallHold): it may send nothing until it takes it off (DTX
   * through the hold), so it is not idle then; the session bounds the hold (HOLD_MAX_MS).
   */
  onCallHold?: boolean;
  /**
   * Its stream dropped and its audio is being flushed for a resume (call-session.ts `drop`): a new
   * stream of the call is told to retry in a moment (UNAVAILABLE) rather than that the call is
   * live (ALREADY_EXISTS, final), which cut the call of a client that reconnected at once.
   */
  handingOver?: boolean;
  /** Ends the call from outside (idle timeout, shutdown). */
  terminate(error: IngestError): void;
}

export interface LiveCalls {
  claim(call: LiveCall): void;
  /** `handedOver`: the call was not ended (UNAVAILABLE, no final markers): its client resumes it. */
  release(tenant: string, callId: string, handedOver?: boolean): void;
  size(): number;
  all(): LiveCall[];
  idle(nowMs: number, idleTimeoutMs: number): LiveCall[];
}

/** A dropped stream's flush is one produce round trip: a retry after this finds the call free. */
const HANDING_OVER_RETRY_MS = 500;

/**
 * `onReleased` hears each call the registry lets go: the session releases a call once its last
 * records are acknowledged (or refused), so per-call state kept beside the registry (the audio
 * placement) is freed with it.
 */
export function createLiveCalls(
  maxCalls: number,
  quotas: TenantQuotas = NO_TENANT_QUOTAS,
  onReleased?: (key: string, handedOver: boolean) => void,
): LiveCalls {
  const calls = new Map<string, LiveCall>();
  const perTenant = new Map<string, number>();
  return {
    claim(call) {
      const key = callKey(call.tenant, call.callId);
      const held = calls.get(key);
      if (held?.handingOver)
        throw new IngestError(
          'CALL_HANDING_OVER',
          `call ${call.callId} is being handed over from its dropped stream: retry`,
          HANDING_OVER_RETRY_MS,
        );
      if (held) throw new IngestError('CALL_ALREADY_LIVE', `call ${call.callId} is already streaming`);
      // The tenant's quota first: a tenant at its quota learns about its own limit, not the
      // gateway's, and cannot fill the gateway for the others.
      const tenantCalls = perTenant.get(call.tenant) ?? 0;
      const quota = quotas.of(call.tenant);
      if (tenantCalls >= quota) {
        throw new IngestError(
          'TENANT_QUOTA_EXCEEDED',
          `tenant ${call.tenant} is at its quota of ${quota} live calls (${quotas.sourceOf(call.tenant)})`,
        );
      }
      if (calls.size >= maxCalls) {
        throw new IngestError('TOO_MANY_CALLS', `this gateway carries its maximum of ${maxCalls} calls`);
      }
      calls.set(key, call);
      perTenant.set(call.tenant, tenantCalls + 1);
    },
    release(tenant, callId, handedOver = false) {
      const key = callKey(tenant, callId);
      if (!calls.delete(key)) return;
      onReleased?.(key, handedOver);
      const held = (perTenant.get(tenant) ?? 1) - 1;
      if (held > 0) perTenant.set(tenant, held);
      else perTenant.delete(tenant);
    },
    size: () => calls.size,
    all: () => [...calls.values()],
    idle: (nowMs, idleTimeoutMs) =>
      [...calls.values()].filter(
        (call) => !call.held && !call.onCallHold && nowMs - call.lastActivityMs > idleTimeoutMs,
      ),
  };
}
