// Caps on WebSocket connections: unauthenticated sockets in all and per address, every socket per
// address, and authenticated sockets per user, so one address or one account cannot hold a
// server's memory and file descriptors: the alert hub's sockets (each may buffer up to
// ALERT_MAX_BUFFERED_BYTES and gets a full snapshot), the gateway's L16 sockets before their first
// metadata frame. A cap of 0 is no cap. Pure (the server closes what is refused).
import { CodedError } from '../../pipelines/errors.ts';

export interface SocketCaps {
  maxUnauthenticated: number;
  maxUnauthenticatedPerAddress: number;
  maxPerAddress: number;
  maxPerUser: number;
}

export type SocketLimitCode =
  | 'TOO_MANY_UNAUTHENTICATED'
  | 'TOO_MANY_FROM_ADDRESS'
  | 'TOO_MANY_FOR_USER'
  /** The alert hub's sessions of one user per minute (alert-service/session-rate.ts). */
  | 'TOO_MANY_RECONNECTS';

export class SocketLimitError extends CodedError<SocketLimitCode> {}

/** One connection's place in the counts. */
export interface SocketSlot {
  readonly address: string;
  user: string | null;
}

export interface SocketLimits {
  /** A new, unauthenticated socket from `address`; throws SocketLimitError beyond a cap. */
  open(address: string): SocketSlot;
  /** The socket authenticated as `user` (tenant/user id); throws TOO_MANY_FOR_USER beyond its cap. */
  authenticate(slot: SocketSlot, user: string): void;
  /** The socket closed (once per slot). */
  close(slot: SocketSlot): void;
}

function counter() {
  const counts = new Map<string, number>();
  return {
    get: (key: string) => counts.get(key) ?? 0,
    add(key: string, delta: number) {
      const next = (counts.get(key) ?? 0) + delta;
      if (next > 0) counts.set(key, next);
      else counts.delete(key);
    },
  };
}

const over = (count: number, cap: number): boolean => cap > 0 && count >= cap;

export function createSocketLimits(caps: SocketCaps): SocketLimits {
  const perAddress = counter();
  const unauthenticatedPerAddress = counter();
  const perUser = counter();
  let unauthenticated = 0;
  return {
    open(address) {
      if (over(unauthenticated, caps.maxUnauthenticated)) {
        throw new SocketLimitError(
          'TOO_MANY_UNAUTHENTICATED',
          'too many connections waiting to authenticate',
        );
      }
      if (over(unauthenticatedPerAddress.get(address), caps.maxUnauthenticatedPerAddress)) {
        throw new SocketLimitError(
          'TOO_MANY_UNAUTHENTICATED',
          'too many connections from this address waiting to authenticate',
        );
      }
      if (over(perAddress.get(address), caps.maxPerAddress)) {
        throw new SocketLimitError('TOO_MANY_FROM_ADDRESS', 'too many connections from this address');
      }
      unauthenticated += 1;
      unauthenticatedPerAddress.add(address, 1);
      perAddress.add(address, 1);
      return { address, user: null };
    },
    authenticate(slot, user) {
      if (slot.user !== null) return;
      if (over(perUser.get(user), caps.maxPerUser)) {
        throw new SocketLimitError('TOO_MANY_FOR_USER', 'too many connections of this user');
      }
      unauthenticated -= 1;
      unauthenticatedPerAddress.add(slot.address, -1);
      perUser.add(user, 1);
      slot.user = user;
    },
    close(slot) {
      perAddress.add(slot.address, -1);
      if (slot.user === null) {
        unauthenticated -= 1;
        unauthenticatedPerAddress.add(slot.address, -1);
      } else perUser.add(slot.user, -1);
    },
  };
}
