// The alert service's WebSocket hub from its config: an acknowledgement a client sends is stored
// on va.alerts.v1 before it is broadcast (the fan-out brings it to every instance's clients).
// I/O: Kafka (the acknowledgement's produce).
import type { Auth } from '../shared/auth/tokens.ts';
import { callKey } from '../shared/call-key.ts';
import { outRecord, sendRecords } from '../shared/producer.ts';
import { alertAckCodec } from '../shared/records.ts';
import type { ServiceBase } from '../shared/service-base.ts';
import { toAckRecord } from './alert-records.ts';
import type { CallRegistry } from './call-registry.ts';
import type { AlertServiceConfig } from './config.ts';
import { hubSettingsOf } from './config-parts.ts';
import { createHub, type Hub, type HubOptions } from './hub.ts';

export interface HubWiring {
  registry: CallRegistry;
  auth: Auth;
  producer: ServiceBase['producer'];
  onEvent: NonNullable<HubOptions['onEvent']>;
  onAlertPushed: NonNullable<HubOptions['onAlertPushed']>;
  caughtUp: () => boolean;
}

/** The WebSocket hub; an acknowledgement is stored on va.alerts.v1 before it is broadcast. */
export function alertHub(config: AlertServiceConfig, w: HubWiring): Hub {
  return createHub({
    ...hubSettingsOf(config),
    registry: w.registry,
    auth: w.auth,
    caughtUp: w.caughtUp,
    persistAck: async (ack, alert) => {
      await sendRecords(w.producer, [
        outRecord(
          config.ALERTS_TOPIC,
          alertAckCodec,
          callKey(alert.tenant, ack.callId),
          toAckRecord(ack, alert.tenant),
        ),
      ]);
    },
    onEvent: w.onEvent,
    onAlertPushed: w.onAlertPushed,
  });
}
