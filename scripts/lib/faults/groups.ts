// Waits until a consumer group has joined (state Stable, members assigned): a new group starts at
// the latest offsets when it joins, so records produced before would never reach it (the alert
// service's evaluator, fromBeginning false). I/O: Kafka admin requests.
import type { Kafka } from 'kafkajs';

export async function waitForStableGroup(kafka: Kafka, groupId: string, timeoutMs = 120_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([groupId]).catch(() => ({ groups: [] }));
      if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`consumer group ${groupId} did not become stable in ${timeoutMs} ms`);
  } finally {
    await admin.disconnect();
  }
}
