// A draining gateway still takes the reconnect of a call it drains: a platform socket that drops
// during the drain and comes back to this pod (sticky load balancing, a single gateway) had been
// refused 503, and the rest of the call was lost. The call id travels in the first message after
// the upgrade (Twilio `start`, the L16 metadata, AudioHook `open`), so the decision comes in two
// steps: the upgrade passes only while the adapter has a call of that tenant to resume; the first
// message must then continue one, or the socket is closed SHUTTING_DOWN like a stop's. Pure.
import { IngestError } from './errors.ts';

export const shuttingDown = (): IngestError =>
  new IngestError('SHUTTING_DOWN', 'the gateway is shutting down');

/** The first message of a socket let in during the drain named no call this gateway drains. */
export const newCallWhileDraining = (): IngestError =>
  new IngestError('SHUTTING_DOWN', 'the gateway is shutting down: it takes only reconnects of its own calls');

/**
 * Whether an upgrade may go on: always while accepting; during the drain only when the adapter
 * holds a call of `tenant` to resume (`tenant` null: the upgrade does not say whose it is yet, as an
 * L16 socket with its secret in the metadata: any held call lets it in, its first message decides).
 */
export function admitsUpgrade(
  accepting: boolean,
  tenant: string | null,
  holdsCallOf: (tenant: string | null) => boolean,
): boolean {
  return accepting || holdsCallOf(tenant);
}
