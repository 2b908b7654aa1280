// This instance's copy of the revoked tokens: a consumer group of its own reads va.revocations.v1
// from the beginning at each start and never commits (replay-feed.ts), so every
// instance of every verifying service refuses what any of them revoked. Not ready until it has
// read what the topic held at start: before that a signed-out token would open the API again
// after a restart. `revoke` produces a revocation and applies it here at once (the instance that
// signed a user out refuses the token before the record comes back). I/O: Kafka (kafkajs).
import { outRecord, sendRecords } from '../producer.ts';
import { tokenRevokedCodec, type TokenRevoked } from '../records.ts';
import { createReplayFeed, type ReplayFeedConnection } from '../replay-feed.ts';
import { createRevocationList, type RevocationList } from './revocations.ts';

export interface RevocationFeedOptions extends ReplayFeedConnection {
  /** A revocation arrived (also the ones read at start): e.g. close the sockets its tokens opened. */
  onRevoked?: (revocation: TokenRevoked) => void;
}

export interface RevocationFeed {
  readonly list: RevocationList;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Has read every revocation the topic held at start (latched). */
  ready(): boolean;
  /** Produces a revocation (acks=all) and applies it to this instance at once. */
  revoke(revocation: TokenRevoked): Promise<void>;
}

/** How often entries that no valid token can match are forgotten. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** The record key: the user, so one user's revocations keep their order on one partition. */
export const revocationKey = (r: Pick<TokenRevoked, 'tenant' | 'userId'>): string =>
  `${r.tenant}/${r.userId}`;

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const list = createRevocationList();
  const apply = (revocation: TokenRevoked): void => {
    list.add(revocation);
    options.onRevoked?.(revocation);
  };
  const feed = createReplayFeed<TokenRevoked>({
    ...options,
    decode: (value, headers) => tokenRevokedCodec.decode(value, headers),
    apply,
  });
  let pruner: NodeJS.Timeout | undefined;

  return {
    list,
    async start() {
      pruner = setInterval(() => list.prune(Date.now()), PRUNE_INTERVAL_MS);
      pruner.unref();
      await feed.start();
    },
    async stop() {
      clearInterval(pruner);
      await feed.stop();
    },
    ready: feed.ready,
    async revoke(revocation) {
      await sendRecords(options.producer, [
        outRecord(options.topic, tokenRevokedCodec, revocationKey(revocation), revocation),
      ]);
      apply(revocation);
    },
  };
}
