// Waits for consumers: until a group has joined (state Stable, members assigned): a new group starts at
// the latest offsets when it joins, so records produced before would never reach it (the alert
// service's evaluator, fromBeginning false). I/O: Kafka admin requests.
import type { Kafka } from 'kafkajs';
import { metricValue, scrape } from '../../../devkit/pipeline/harness.ts';
import { waitFor } from '../../../services/shared/wait-for.ts';

export async function waitForStableGroup(kafka: Kafka, groupId: string, timeoutMs = 120_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      `consumer group ${groupId} to become stable`,
      async () => {
        const { groups } = await admin.describeGroups([groupId]).catch(() => ({ groups: [] }));
        return groups[0]?.state === 'Stable' && groups[0].members.length > 0;
      },
      timeoutMs,
      500,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until a service reports no consumer lag (its va_consumer_lag gauges, from its fetched
 * positions: commits may be held back on purpose) for two scrapes in a row.
 */
export async function waitForNoLag(opsPort: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const text = await scrape(opsPort).catch(() => '');
    quiet = text !== '' && metricValue(text, 'va_consumer_lag') === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}
