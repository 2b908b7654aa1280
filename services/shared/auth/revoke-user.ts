// Signs a user out everywhere: every token of the user issued until now stops opening the alert
// service and the call store, on every instance, and the user's live WebSockets close
// (va.revocations.v1, revocation-feed.ts). For a removed or compromised account (SECURITY.md,
// "Users file"), without rotating the key that signs everyone's tokens:
// `npm run revoke-user -- --tenant acme --user sam` (a user of an external issuer is
// `<issuer host>#<sub>`, as the pages and acknowledgements name them). Config: commonEnv
// (KAFKA_BROKERS, the Kafka TLS / SASL variables) and REVOCATIONS_TOPIC; a problem exits 2 with
// CONFIG_INVALID. I/O: Kafka (admin: the topic is created if missing; producer, acks=all).
import { parseCli, usageExit } from '../cli-args.ts';
import { commonEnv, topicVar } from '../config.ts';
import { createKafka } from '../kafka-client.ts';
import { outRecord, sendRecords } from '../producer.ts';
import { tokenRevokedCodec } from '../records.ts';
import { startOrExit } from '../start-error.ts';
import { toolSettingsOrExit } from '../tool-settings.ts';
import { provisionTopics, topicConfigs, TOPICS } from '../topics.ts';
import { revocationKey } from './revocation-feed.ts';
import { TENANT_CLAIM, TENANT_CLAIM_RULE } from './tenant-claim.ts';

const NAME = 'revoke-user';
const USAGE = `usage: npm run revoke-user -- --tenant <tenant> --user <user id>
  Every token of the user issued until now is refused by the alert service and the call store,
  and the user's live pages are signed out. A sign-in after this works again: remove the user
  from the users file too (and restart) to keep them out.`;

const cli = parseCli(NAME, USAGE, {
  options: { tenant: { type: 'string' }, user: { type: 'string' } },
  allowPositionals: false,
});
const tenant = cli.values.tenant ?? usageExit(NAME, USAGE, '--tenant is required');
const userId = cli.values.user ?? usageExit(NAME, USAGE, '--user is required');
if (!TENANT_CLAIM.test(tenant)) usageExit(NAME, USAGE, `--tenant must be ${TENANT_CLAIM_RULE}`);
// The Principal's userId: a users-file name, or `<issuer host>#<sub>` (sub ≤ 128, host ≤ 60).
if (userId.length > 200 || /[\p{Cc}]/u.test(userId))
  usageExit(NAME, USAGE, '--user: 1-200 characters, no control characters');

const revokeEnv = { ...commonEnv, REVOCATIONS_TOPIC: topicVar(TOPICS.revocations) };
const { config, replication, security } = toolSettingsOrExit(revokeEnv);

const kafka = createKafka({
  clientId: `va-${NAME}`,
  brokers: config.KAFKA_BROKERS,
  security: security.security,
});
const revokedAtMs = Date.now();
await startOrExit(`va-${NAME}`, async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const settings = {
      partitions: config.TOPIC_PARTITIONS,
      ...replication,
      audioRetentionMs: config.AUDIO_RETENTION_MS,
      eventRetentionMs: config.EVENT_RETENTION_MS,
    };
    await provisionTopics(
      admin,
      topicConfigs(settings, [config.REVOCATIONS_TOPIC], TOPICS.audio, config.REVOCATIONS_TOPIC),
    );
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const revocation = { tenant, userId, tokenId: '', revokedAtMs, expiresAtMs: 0 };
    await sendRecords(producer, [
      outRecord(config.REVOCATIONS_TOPIC, tokenRevokedCodec, revocationKey(revocation), revocation),
    ]);
  } finally {
    await producer.disconnect();
  }
});
// The user's name is the operator's own input: printed back to them, never to a service log.
console.log(
  JSON.stringify({
    level: 'info',
    msg: 'user revoked',
    tenant,
    user: userId,
    revokedAt: new Date(revokedAtMs).toISOString(),
  }),
);
