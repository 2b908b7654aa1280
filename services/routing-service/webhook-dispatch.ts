// The routing-service's webhook senders behind one: each hint goes to its tenant's sender, or to
// the every-tenant one (`*`), or nowhere (the hint stays on the topic only). Each receiver has its
// own queue and workers, so one tenant's failing receiver never delays or fills another's. Pure
// apart from what the senders do.
import type { RoutingHint } from '../../pipelines/routing/index.ts';
import { EVERY_TENANT } from './tenant-webhooks.ts';
import type { WebhookSender } from './webhook.ts';

export function dispatchByTenant(senders: ReadonlyMap<string, WebhookSender>): WebhookSender {
  const all = [...senders.values()];
  return {
    enqueue(hint: RoutingHint) {
      (senders.get(hint.tenant) ?? senders.get(EVERY_TENANT))?.enqueue(hint);
    },
    pending: () => all.reduce((sum, s) => sum + s.pending(), 0),
    idle: async () => {
      await Promise.all(all.map((s) => s.idle()));
    },
    close: async (graceMs) => {
      await Promise.all(all.map((s) => s.close(graceMs)));
    },
  };
}
